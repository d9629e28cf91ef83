// The forward pass against real PyTorch: each fixture model is analysed and run by NetLens (wasm), its weights and
// inputs dumped by state-dict key, then built in PyTorch (test/fixtures/tools/compare_forward.py), loaded with those
// weights, run on the same inputs and compared. Skips, saying so, when /usr/bin/python3 has no torch.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCommand } from '../../src/cli/run';
import { analyzeSource } from '../../src/core/analyze';
import type { InputSpec } from '../../src/core/graph/ir';
import { FORWARD_CASES, type ForwardCase } from '../fixtures/forward/cases';

const PYTHON = '/usr/bin/python3';
const TOOL = path.join(__dirname, '..', 'fixtures', 'tools', 'compare_forward.py');
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'forward');
/** Relative error allowed: max |NetLens − PyTorch| / max |PyTorch| (float32 on both sides, different summation orders). */
const TOLERANCE = 1e-4;

function torchAvailable(): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8', timeout: 60_000 });
  return probe.status === 0;
}

interface Comparison {
  model: string;
  rel_err?: number | null;
  error?: string;
  ones?: string[];
  shape?: number[];
  netlens_shape?: number[];
  finite?: boolean;
  /** Standard deviation of PyTorch's output: a constant output would prove nothing. */
  spread?: number;
}

/** Analyses and runs one case with --dump; returns the dump folder and the input specs PyTorch needs. */
async function runInNetLens(c: ForwardCase, dump: string): Promise<{ inputs: { name: string; dtype: string }[] }> {
  const file = path.join(FIXTURES, c.file);
  const graph = await analyzeSource(fs.readFileSync(file, 'utf8'), file, { model: c.model, inputs: c.inputs as InputSpec[] });
  const errors = graph.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((d) => d.message), [], `${c.model}: static analysis errors`);
  let out = '';
  const code = await runCommand(graph, { backend: 'wasm', seed: 3, runs: 1, warmup: 0, json: true, dump, write: (text) => (out += text),
    writeError: () => undefined });
  assert.equal(code, 0, `${c.model}: netlens run failed: ${out}`);
  return { inputs: (graph.inputs ?? []).filter((input) => input.shape !== null && input.value === undefined).map((input) => ({ name: input.name,
    dtype: input.dtype })) };
}

describe('forward pass agrees with real PyTorch', function () {
  this.timeout(300_000);
  let available = false;
  const results = new Map<string, Comparison>();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-torch-'));

  before(async function () {
    available = torchAvailable();
    if (!available) {
      console.log(`      (skipped: ${PYTHON} cannot import torch; apt-get install python3-torch to run the PyTorch comparison)`);
      this.skip();
    }
    const cases = [];
    for (const [index, c] of FORWARD_CASES.entries()) {
      const dump = path.join(root, String(index));
      const { inputs } = await runInNetLens(c, dump);
      cases.push({ file: path.join(FIXTURES, c.file), model: c.model, dump, inputs });
    }
    const run = spawnSync(PYTHON, [TOOL], { input: JSON.stringify(cases), encoding: 'utf8', timeout: 240_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });
    assert.equal(run.status, 0, `compare_forward.py failed: ${run.stderr}`);
    run.stdout.trim().split('\n').forEach((line, index) => results.set(FORWARD_CASES[index]!.model, JSON.parse(line) as Comparison));
  });

  after(() => {
    fs.rmSync(root, { recursive: true, force: true });
    if (results.size === 0) return;
    const worst = [...results.values()].map((r) => `${r.model} ${typeof r.rel_err === 'number' ? r.rel_err.toExponential(1) : 'n/a'} (σ ${r.spread?.toPrecision(2)})`);
    console.log(`      max relative error per model: ${worst.join(', ')}`);
  });

  for (const c of FORWARD_CASES) {
    it(`${c.model} (${c.file}): ${c.covers}`, () => {
      const result = results.get(c.model);
      assert.ok(result, 'no comparison result');
      assert.equal(result.error, undefined, result.error);
      assert.deepEqual(result.netlens_shape, result.shape, 'output shapes differ');
      assert.equal(result.finite, true, 'PyTorch output is not finite');
      assert.ok((result.spread ?? 0) > 1e-3, `PyTorch output is (nearly) constant: standard deviation ${result.spread}`);
      assert.deepEqual(result.ones ?? [], c.ones ?? [], 'parameters used directly in forward (run as ones)');
      assert.ok(typeof result.rel_err === 'number' && result.rel_err <= TOLERANCE, `relative error ${result.rel_err} > ${TOLERANCE}`);
    });
  }
});
