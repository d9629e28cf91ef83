// Acceptance test: every model fixture in test/fixtures/manifest.json is analysed and checked against its expected facts.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { analyzeSource } from '../../src/core/analyze';
import type { Diagnostic, LayerGraph } from '../../src/core/graph/ir';
import { type ExpectedDiagnostic, FIXTURES_DIR, type LoadedFixture, loadFixtures } from '../fixtures/manifest';
import { graphProblems, layerCount } from '../fixtures/graphInvariants';

function listDiagnostics(graph: LayerGraph): string {
  if (graph.diagnostics.length === 0) return '  (no diagnostics)';
  return graph.diagnostics.map((d) => `  ${d.severity} ${d.code} line ${d.range.line}: ${d.message}`).join('\n');
}

function matches(expected: ExpectedDiagnostic, actual: Diagnostic): boolean {
  const codes = Array.isArray(expected.code) ? expected.code : [expected.code];
  if (actual.severity !== expected.severity || !codes.includes(actual.code)) return false;
  const [first, last] = expected.lines ?? [expected.line ?? actual.range.line, expected.line ?? actual.range.line];
  return actual.range.line >= first && actual.range.line <= last;
}

function describeExpected(e: ExpectedDiagnostic): string {
  const where = e.lines ? `lines ${e.lines[0]}-${e.lines[1]}` : `line ${e.line}`;
  return `${e.severity} ${Array.isArray(e.code) ? e.code.join('|') : e.code} at ${where}`;
}

function checkDiagnostics(fixture: LoadedFixture, graph: LayerGraph): void {
  const { expect } = fixture;
  const expectedList = expect.diagnostics ?? [];
  for (const expected of expectedList) {
    const found = graph.diagnostics.filter((d) => matches(expected, d));
    const wanted = expected.count === undefined ? 'at least 1' : String(expected.count);
    const ok = expected.count === undefined ? found.length >= 1 : found.length === expected.count;
    assert.ok(ok, `expected ${wanted} ${describeExpected(expected)}, found ${found.length}; diagnostics:\n${listDiagnostics(graph)}`);
    for (const d of found) {
      const relatedLines = new Set((d.related ?? []).map((r) => r.range.line));
      const missing = (expected.relatedLines ?? []).filter((line) => !relatedLines.has(line));
      assert.deepEqual(missing, [], `${describeExpected(expected)}: related locations [${[...relatedLines].join(', ')}] lack lines`);
    }
  }
  // The expected errors are the exact set of errors: anything else is a false alarm.
  const unexpectedErrors = graph.diagnostics.filter(
    (d) => d.severity === 'error' && !expectedList.some((e) => matches(e, d)),
  );
  assert.deepEqual(
    unexpectedErrors.map((d) => `${d.code} line ${d.range.line}: ${d.message}`),
    [],
    `unexpected error diagnostics; all diagnostics:\n${listDiagnostics(graph)}`,
  );
  if (expect.noErrors) {
    assert.equal(graph.diagnostics.filter((d) => d.severity === 'error').length, 0, `expected no errors:\n${listDiagnostics(graph)}`);
  }
  if (expect.noWarnings) {
    assert.equal(graph.diagnostics.filter((d) => d.severity === 'warning').length, 0, `expected no warnings:\n${listDiagnostics(graph)}`);
  }
  // A residual-addition error marks the shortcut it belongs to.
  for (const d of graph.diagnostics.filter((x) => x.code === 'shortcut-shape-mismatch')) {
    assert.ok(
      graph.shortcuts.some((s) => s.error === true && s.range.line === d.range.line),
      `shortcut-shape-mismatch at line ${d.range.line} has no shortcut marked error at that line`,
    );
  }
}

function checkFacts(fixture: LoadedFixture, graph: LayerGraph): void {
  const { expect } = fixture;
  if (expect.model !== undefined) assert.equal(graph.model, expect.model, 'chosen model expression');
  if (expect.input !== undefined) assert.deepEqual(graph.input, expect.input, 'input shape');
  if (expect.params !== undefined) {
    assert.equal(graph.params, expect.params, `params: got ${graph.params.toLocaleString('en')}, expected ${expect.params.toLocaleString('en')}`);
  }
  if (typeof expect.macs === 'number') {
    assert.equal(graph.macs, expect.macs, `MACs: got ${graph.macs.toLocaleString('en')}, expected ${expect.macs.toLocaleString('en')}`);
  } else if (expect.macs !== undefined) {
    const giga = Math.round(graph.macs / 1e7) / 100;
    assert.equal(giga, expect.macs.approxG, `MACs: got ${graph.macs.toLocaleString('en')} (${giga} G), expected ${expect.macs.approxG} G`);
  }
  if (expect.output !== undefined) assert.deepEqual(graph.output, expect.output, 'output shape');
  if (expect.layers !== undefined) {
    assert.equal(layerCount(graph), expect.layers, `layer nodes: ${graph.nodes.map((n) => n.op).join(' ')}`);
  }
  if (expect.minLayers !== undefined) {
    assert.ok(layerCount(graph) >= expect.minLayers, `expected at least ${expect.minLayers} layer nodes, got ${layerCount(graph)}`);
  }
  if (expect.shortcuts !== undefined) {
    const count = (op: 'add' | 'cat', kind?: 'identity' | 'projection') =>
      graph.shortcuts.filter((s) => s.op === op && (kind === undefined || s.kind === kind)).length;
    const actual = { identity: count('add', 'identity'), projection: count('add', 'projection'), cat: count('cat') };
    const described = graph.shortcuts.map((s) => `${s.op}/${s.kind}@${s.path}:${s.range.line}`).join(', ');
    for (const key of ['identity', 'projection', 'cat'] as const) {
      const wanted: number | undefined = expect.shortcuts[key];
      if (wanted !== undefined) assert.equal(actual[key], wanted, `${key} shortcuts (found: ${described || 'none'})`);
    }
  }
  const names = new Set(graph.models.map((m) => m.name));
  for (const name of expect.models ?? []) assert.ok(names.has(name), `model candidate ${name} missing from [${[...names].join(', ')}]`);
  for (const name of expect.notModels ?? []) assert.ok(!names.has(name), `${name} must not be a model candidate`);
  const nodePaths = new Set(graph.nodes.map((n) => n.path));
  for (const modulePath of expect.paths ?? []) {
    assert.ok(nodePaths.has(modulePath), `no node with module path ${modulePath}`);
  }
  for (const [modulePath, shape] of Object.entries(expect.shapes ?? {})) {
    const node = graph.nodes.find((n) => n.path === modulePath);
    assert.ok(node, `no node with module path ${modulePath}`);
    assert.deepEqual(node.outputShape, shape, `output shape of ${modulePath}`);
  }
  for (const [modulePath, count] of Object.entries(expect.calls ?? {})) {
    const calls = graph.nodes.filter((n) => n.path === modulePath);
    assert.equal(calls.length, count, `calls of ${modulePath}`);
    assert.deepEqual(calls.map((n) => n.reuse ?? 0), calls.map((_, i) => i), `reuse counters of ${modulePath}`);
    assert.equal(calls.slice(1).reduce((sum, n) => sum + n.params, 0), 0, `params of ${modulePath} counted on its first call only`);
  }
}

type Options = { model?: string; input?: number[] };

/** Analyses in a child process: a crash of the engine (even a fatal V8 error) fails this fixture only. */
function analyzeIsolated(fixture: LoadedFixture, options: Options): LayerGraph {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(FIXTURES_DIR, 'analyzeInChild.ts'), fixture.absolutePath, JSON.stringify(options)],
    { encoding: 'utf8', timeout: 60000, maxBuffer: 256 * 1024 * 1024 },
  );
  if (child.status !== 0) {
    const why = child.signal ? `killed by ${child.signal}` : `exit code ${child.status}`;
    assert.fail(`analysis process died (${why}):\n${(child.stderr ?? '').slice(-1500)}`);
  }
  return JSON.parse(child.stdout) as LayerGraph;
}

describe('model fixtures (test/fixtures/manifest.json)', function () {
  this.timeout(30000);
  for (const fixture of loadFixtures()) {
    const where = fixture.model ? `${fixture.file} ${fixture.model}` : fixture.file;
    it(`${fixture.name} — ${where}`, async () => {
      const options: Options = {};
      if (fixture.model !== undefined) options.model = fixture.model;
      if (fixture.input !== undefined) options.input = fixture.input;
      const graph = fixture.isolate
        ? analyzeIsolated(fixture, options)
        : await analyzeSource(fixture.source, fixture.absolutePath, options);
      checkDiagnostics(fixture, graph);
      checkFacts(fixture, graph);
      const problems = graphProblems(graph, fixture.source);
      assert.deepEqual(problems, [], 'graph invariants');
    });
  }
});

describe('fixture checker (guards against vacuous expectations)', () => {
  it('rejects wrong params, MACs, output, layer and shortcut counts, and missing or extra errors', async () => {
    const fixture = loadFixtures().find((f) => f.file === 'prelu_residual_block.py');
    assert.ok(fixture, 'prelu_residual_block.py is in the manifest');
    const graph = await analyzeSource(fixture.source, fixture.absolutePath, { model: fixture.model });
    const variants: LoadedFixture['expect'][] = [
      { params: graph.params + 1 },
      { macs: graph.macs + 1 },
      { macs: { approxG: Math.round(graph.macs / 1e7) / 100 + 0.01 } },
      { output: [1, 64, 24, 25] },
      { layers: layerCount(graph) + 1 },
      { shortcuts: { identity: graph.shortcuts.length + 1 } },
      { models: ['NoSuchModel'] },
      { paths: ['no.such.module'] },
      { calls: { prelu: 1 } },
    ];
    for (const expect of variants) {
      assert.throws(() => checkFacts({ ...fixture, expect }, graph), assert.AssertionError, `accepted ${JSON.stringify(expect)}`);
    }
    const missingError = { diagnostics: [{ severity: 'error' as const, code: 'channel-mismatch', line: 1 }] };
    assert.throws(() => checkDiagnostics({ ...fixture, expect: missingError }, graph), assert.AssertionError, 'accepted a missing error');
    const withExtraError: LayerGraph = {
      ...graph,
      diagnostics: [...graph.diagnostics, { severity: 'error', code: 'channel-mismatch', message: 'x', range: { line: 2, column: 1, endLine: 2, endColumn: 2 },
        related: [] }],
    };
    assert.throws(() => checkDiagnostics({ ...fixture, expect: {} }, withExtraError), assert.AssertionError, 'accepted an unexpected error');
    // The true expectations pass.
    checkFacts(fixture, graph);
    checkDiagnostics(fixture, graph);
  });
});
