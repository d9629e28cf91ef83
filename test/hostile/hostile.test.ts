// The hostile-file suite: absurd and malicious model files through the real `netlens` command (each in its own
// process, with a deadline) and through the analysis worker the extension uses. Every case must end in time, never
// abort, never write outside the dump folder and never exit 0 with a wrong result.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AnalysisWorkerClient } from '../../src/node/analysisWorkerClient';
import { MAX_SOURCE_BYTES } from '../../src/core/analyze';
import { MAX_FILE_BYTES } from '../../src/cli/readSource';
import { renderLayerTable } from '../../src/cli/checkTable';
import type { LayerGraph, LayerNode } from '../../src/core/graph/ir';

const CLI = path.resolve('bin/netlens.js');
const CASES = path.resolve('test/hostile/cases');
const WORKER = path.resolve('dist/analysisWorkerLaunch.js');
/** Wall-clock deadline of one CLI case (the analysis stops itself well before: step budget, then --max-time 20). */
const DEADLINE_MS = 45_000;

interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function netlens(args: string[], cwd = process.cwd()): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: DEADLINE_MS, cwd, maxBuffer: 64 * 1024 * 1024 });
  // Killed by the deadline (SIGTERM) or aborted (SIGABRT): both are failures of the case.
  assert.equal(result.signal, null, `netlens ${args.join(' ')} ended by ${result.signal}: ${result.stderr.slice(-2000)}`);
  assert.doesNotMatch(result.stderr, /FATAL ERROR|internal error|\n\s+at .*\(/, `no crash or stack trace: ${result.stderr.slice(-2000)}`);
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

function checkJson(file: string, extra: string[] = []): { status: number | null; codes: string[] } {
  const result = netlens(['check', path.join(CASES, file), '--json', '--max-time', '20', ...extra]);
  const parsed = JSON.parse(result.stdout) as { diagnostics: { code: string }[] };
  return { status: result.status, codes: parsed.diagnostics.map((d) => d.code) };
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-hostile-'));
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: false }) as string[];
}

describe('hostile files: budgets hold (each case in its own netlens process)', function () {
  this.timeout(DEADLINE_MS + 15_000);

  for (const file of ['list_doubling.py', 'list_doubling_inplace.py', 'string_doubling.py', 'sequential_doubling.py', 'deepcopy_doubling.py',
    'finally_recursion.py']) {
    it(`${file} ends on the step or depth budget with exit 1`, () => {
      const { status, codes } = checkJson(file);
      assert.equal(status, 1);
      assert.ok(codes.includes('budget-exceeded'), `budget-exceeded in ${codes.join(', ')}`);
      assert.ok(!codes.includes('analysis-stopped'), 'stopped by the engine budget, not by the worker deadline');
    });
  }

  it('structural == and str() of nested lists that share parts finish within the budget', () => {
    const { codes } = checkJson('shared_list_equality.py');
    assert.ok(!codes.includes('analysis-stopped') && !codes.includes('budget-exceeded'), codes.join(', '));
  });

  it('10,000 zero-argument factories share one probing budget', () => {
    // Each factory calls a costly helper through a dict, so only the interpreter can tell what it returns.
    const header = 'import torch.nn as nn\nREGISTRY = {}\ndef heavy():\n    n = 0\n    for i in range(100000):\n        n += i\n    return nn.Linear(2, 2)\n';
    const factories = Array.from({ length: 10_000 }, (_, i) => `def factory_${i}():\n    return REGISTRY.get('a', heavy)()\n`).join('');
    const file = path.join(tempDir(), 'many_factories.py');
    fs.writeFileSync(file, header + factories);
    const result = netlens(['check', file, '--json', '--max-time', '20']);
    const codes = (JSON.parse(result.stdout) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code);
    assert.ok(!codes.includes('analysis-stopped'), codes.join(', '));
  });

  it('module names with a "." are refused as PyTorch refuses them', () => {
    const { status, codes } = checkJson('module_name_traversal.py');
    assert.equal(status, 1);
    assert.ok(codes.includes('python-error'), codes.join(', '));
  });
});

describe('hostile files: the CLI reads and writes only what it should', function () {
  this.timeout(DEADLINE_MS + 15_000);

  it('refuses /dev/zero, a folder and a FIFO without reading them', () => {
    const fifo = path.join(tempDir(), 'model.py');
    spawnSync('mkfifo', [fifo]);
    for (const target of ['/dev/zero', CASES, ...(fs.existsSync(fifo) ? [fifo] : [])]) {
      const result = netlens(['check', target]);
      assert.equal(result.status, 2);
      assert.match(result.stderr, /not a regular file/);
    }
  });

  it('keeps the engine and the CLI on the same size limit', () => {
    assert.equal(MAX_FILE_BYTES, MAX_SOURCE_BYTES);
  });

  it('run --dump never writes outside the dump folder (module names with "/" and "..")', () => {
    const root = tempDir();
    const dump = path.join(root, 'dump', 'inner');
    const ok = netlens(['run', path.join(CASES, 'slash_module_name.py'), '--backend', 'cpu', '--runs', '1', '--dump', dump]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(listFiles(root).sort(), ['dump', 'dump/inner', ...listFiles(dump).map((f) => `dump/inner/${f}`)].sort());
    assert.ok(fs.existsSync(path.join(dump, 'a%2Fb.weight.npy')));
    const refused = netlens(['run', path.join(CASES, 'module_name_traversal.py'), '--backend', 'cpu', '--dump', path.join(root, 'second')]);
    assert.equal(refused.status, 1);
    assert.ok(!listFiles(root).some((f) => f.includes('escaped')));
    assert.ok(!fs.readdirSync(os.tmpdir()).some((f) => f.startsWith('escaped')));
  });

  it('run --dump refuses /proc and an empty folder name quickly', () => {
    const proc = netlens(['run', path.join(CASES, 'small_ok.py'), '--backend', 'cpu', '--dump', '/proc/netlens-x']);
    assert.equal(proc.status, 1);
    assert.match(proc.stderr, /system folder/);
    const empty = netlens(['run', path.join(CASES, 'small_ok.py'), '--dump', '']);
    assert.equal(empty.status, 2);
  });

  it('run exits 1 when forward() could not be traced (no random input reported as the output)', () => {
    const result = netlens(['run', path.join(CASES, 'forward_fails.py'), '--backend', 'cpu']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /nothing to run/);
  });

  it('view -o never overwrites the analysed file and names a folder as a folder', () => {
    const dir = tempDir();
    const source = path.join(dir, 'model.py');
    fs.copyFileSync(path.join(CASES, 'small_ok.py'), source);
    const before = fs.readFileSync(source, 'utf8');
    assert.equal(netlens(['view', source, '-o', source]).status, 2);
    assert.equal(netlens(['view', source, '-o', path.join(dir, '.', 'model.py')]).status, 2);
    fs.linkSync(source, path.join(dir, 'alias.py'));
    assert.equal(netlens(['view', source, '-o', path.join(dir, 'alias.py')]).status, 2);
    assert.equal(fs.readFileSync(source, 'utf8'), before);
    const folder = netlens(['view', source, '-o', dir]);
    assert.equal(folder.status, 2);
    assert.match(folder.stderr, /is a folder/);
    const slash = netlens(['view', source, '-o', `${dir}/`]);
    assert.equal(slash.status, 2);
  });

  it('rejects a seed that would wrap and bad limits; --help and --version work', () => {
    assert.equal(netlens(['run', path.join(CASES, 'small_ok.py'), '--seed', String(2 ** 32)]).status, 2);
    assert.equal(netlens(['check', path.join(CASES, 'small_ok.py'), '--max-time', '0']).status, 2);
    assert.equal(netlens(['check', path.join(CASES, 'small_ok.py'), '--max-memory', 'lots']).status, 2);
    const help = netlens(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /netlens check/);
    const runHelp = netlens(['run', '--help']);
    assert.equal(runHelp.status, 0);
    assert.match(runHelp.stdout, /netlens run/);
    assert.doesNotMatch(runHelp.stdout, /netlens check/);
    assert.match(netlens(['--version']).stdout, /^netlens \d+\.\d+\.\d+/);
  });

  it('prints terminal escape sequences from model names as visible text', () => {
    const result = netlens(['check', path.join(CASES, 'control_chars.py')]);
    assert.doesNotMatch(result.stdout, /\u001b/);
    assert.match(result.stdout, /x\\x1b\]0;pwned/);
  });

  it('renders a text table of 130,000 layers (no Math.max over spread arguments)', () => {
    const nodes: LayerNode[] = Array.from({ length: 130_000 }, (_, i) => ({
      id: `n${i}`, op: 'ReLU', path: `layers.${i}`, group: null, attrs: {}, summary: '', inputShapes: [[1, 4]], outputShape: [1, 4], params: 0, macs: 0,
    }));
    const graph: LayerGraph = { file: 'x.py', model: 'Net()', models: [], input: [1, 4], inputSource: 'default', output: [1, 4], params: 0, macs: 0, nodes,
      edges: [], groups: [], shortcuts: [], diagnostics: [] };
    const table = renderLayerTable(graph);
    assert.ok(table.split('\n').length > 130_000);
  });
});

describe('hostile files: the analysis worker stops what the budget cannot', function () {
  this.timeout(60_000);
  let client: AnalysisWorkerClient;
  before(() => {
    client = new AnalysisWorkerClient({ maxTimeMs: 3_000, maxMemoryMb: 160 }, WORKER, undefined, 'process');
  });
  after(() => client.dispose());
  const read = (file: string): string => fs.readFileSync(path.join(CASES, file), 'utf8');

  it('an endless loop with no step budget ends at the deadline, and the next analysis works', async () => {
    const stopped = await client.analyze(read('endless_loop.py'), 'endless_loop.py', { stepBudget: 1e15 });
    assert.deepEqual(stopped.diagnostics.map((d) => d.code), ['analysis-stopped']);
    assert.match(stopped.diagnostics[0].message, /over the time budget/);
    const fine = await client.analyze(read('small_ok.py'), 'small_ok.py');
    assert.equal(fine.params, 22);
  });

  it('a list doubling with no step budget ends at the memory limit, and the next analysis works', async () => {
    const stopped = await client.analyze(read('list_doubling.py'), 'list_doubling.py', { stepBudget: 1e15 });
    assert.deepEqual(stopped.diagnostics.map((d) => d.code), ['analysis-stopped']);
    assert.match(stopped.diagnostics[0].message, /over the (memory|time) budget/);
    assert.equal((await client.analyze(read('small_ok.py'), 'small_ok.py')).params, 22);
    assert.equal((await client.listModels(read('small_ok.py')))[0]?.expr, 'Net()');
  });

  it('answers queued jobs in order when one of them is stopped', async () => {
    const [a, b, c] = await Promise.all([
      client.analyze(read('small_ok.py'), 'a.py'),
      client.analyze(read('endless_loop.py'), 'b.py', { stepBudget: 1e15 }),
      client.analyze(read('small_ok.py'), 'c.py'),
    ]);
    assert.equal(a.params, 22);
    assert.equal(b.diagnostics[0]?.code, 'analysis-stopped');
    assert.equal(c.params, 22);
  });
});

interface CheckDiagnostic {
  severity: string;
  code: string;
  message: string;
  line: number;
}

function checkFull(file: string, extra: string[] = []): { status: number | null; stdout: string; graph: { params: number; diagnostics: CheckDiagnostic[] } } {
  const result = netlens(['check', path.join(CASES, file), '--json', '--max-time', '20', ...extra]);
  return { status: result.status, stdout: result.stdout, graph: JSON.parse(result.stdout) as { params: number; diagnostics: CheckDiagnostic[] } };
}

describe('hostile files: invalid sizes are refused as PyTorch refuses them, counts stay honest', function () {
  this.timeout(DEADLINE_MS + 15_000);

  it('negative layer sizes are errors at their lines, never a negative parameter count', () => {
    const { status, graph } = checkFull('negative_sizes.py');
    assert.equal(status, 1);
    assert.ok(graph.params >= 0, `params ${graph.params}`);
    const errors = graph.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => d.line), [9, 10, 11, 12, 13]);
    assert.match(errors[0].message, /^LayerNorm: Trying to create tensor with negative dimension -4: \[-4\]$/);
    assert.match(errors[1].message, /negative dimension -1: \[3, -1\]/);
    assert.ok(errors.every((d) => !/^(\w+): \1:/.test(d.message)), 'the op is named once');
  });

  it('a negative-size nn.Parameter is a RuntimeError at its line, not a subtraction', () => {
    const { status, graph } = checkFull('negative_parameter.py');
    assert.equal(status, 1);
    const error = graph.diagnostics.find((d) => d.severity === 'error');
    assert.equal(error?.line, 10);
    assert.match(error?.message ?? '', /RuntimeError: Trying to create tensor with negative dimension -3: \[-3\]/);
  });

  it('sizes past int64 and storage past 2^63 bytes are errors, never an infinite count', () => {
    const { status, stdout, graph } = checkFull('huge_sizes.py');
    assert.equal(status, 1);
    assert.ok(Number.isFinite(graph.params));
    const errors = graph.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => d.line), [9, 10, 11]);
    assert.match(errors[0].message, /tensor size about 1e\+200 does not fit in an int64/);
    assert.match(errors[1].message, /Storage size calculation overflowed with sizes=\[1099511627776, 1099511627776\]/);
    assert.match(errors[2].message, /Storage size calculation overflowed with sizes=\[2147483648, 2147483648\]/);
    const text = netlens(['check', path.join(CASES, 'huge_sizes.py')]).stdout;
    assert.doesNotMatch(text + stdout, /∞|Infinity/);
  });

  it('a count past 2^53 is flagged as approximate, in plain digits in text and JSON', () => {
    const { status, stdout, graph } = checkFull('inexact_count.py', ['--input', '1,4:int64']);
    assert.equal(status, 0);
    const warnings = graph.diagnostics.filter((d) => d.code === 'inexact-count');
    assert.ok(warnings.some((d) => d.line === 8 && /emb: the parameter count exceeds 2\^53 and is shown approximately/.test(d.message)));
    assert.ok(warnings.some((d) => /total parameter count exceeds 2\^53/.test(d.message)));
    assert.match(stdout, /"params":1350851717672992000[,}]/);
    assert.doesNotMatch(stdout, /\d[eE][+-]?\d/);
    const text = netlens(['check', path.join(CASES, 'inexact_count.py'), '--input', '1,4:int64']).stdout;
    assert.match(text, /Params: +1,350,851,717,672,992,000 \(1\.35 E\)/);
  });

  it('a "# netlens: input=" comment that is not a shape is an error at the comment, as --input would be', () => {
    const { status, graph } = checkFull('bad_input_comment.py');
    assert.equal(status, 1);
    const error = graph.diagnostics.find((d) => d.code === 'bad-input-comment');
    assert.equal(error?.line, 2);
    assert.match(error?.message ?? '', /dimension -224 is below 1/);
    const cli = netlens(['check', path.join(CASES, 'small_ok.py'), '--input', '1,3,-224']);
    assert.equal(cli.status, 2);
    assert.match(cli.stderr, /dimension -224 is below 1/);
  });
});
