// The forward pass against real PyTorch: each model is analysed and run by NetLens (wasm), its weights and inputs
// dumped by state-dict key, then built in PyTorch (test/fixtures/tools/compare_forward.py), loaded with those weights,
// run on the same inputs and compared. Two sets: the forward fixtures (test/fixtures/forward/cases.ts, one per op
// family and the reference architectures) and every manifest fixture PyTorch 1.13 can run, up to a size that keeps
// CI quick (the larger ones agree too: run them with NETLENS_TORCH_ALL=1). Skips, saying so, when /usr/bin/python3
// has no torch.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCommand } from '../../src/cli/run';
import { createAnalyzer } from '../../src/core/analyze';
import type { InputSpec, LayerGraph } from '../../src/core/graph/ir';
import { FORWARD_CASES } from '../fixtures/forward/cases';
import { loadFixtures } from '../fixtures/manifest';

const PYTHON = '/usr/bin/python3';
const TOOL = path.join(__dirname, '..', 'fixtures', 'tools', 'compare_forward.py');
const FORWARD = path.join(__dirname, '..', 'fixtures', 'forward');
/** Relative error allowed: max |NetLens − PyTorch| / max |PyTorch| (float32 on both sides, different summation orders). */
const TOLERANCE = 1e-4;
/** Manifest fixtures above this many MACs are left to NETLENS_TORCH_ALL=1 (ResNet-50 and up take 10–50 s each here). */
const MAX_MACS = process.env.NETLENS_TORCH_ALL ? Infinity : 400e6;

/** Manifest fixtures whose PyTorch result NetLens does not reproduce, and why (what NetLens does not model yet). */
const KNOWN_DIFFERENT: Record<string, string> = {
  'weightnorm_wavenet.py': 'weight_norm: NetLens draws `weight` itself; PyTorch computes it from weight_g and weight_v',
  'nanogpt.py': 'tensors made in forward or buffers with computed values are not traced: wpe(torch.arange(t)) runs on ones, the torch.tril mask as no mask',
  'einops_vit.py': 'einops is not installed for /usr/bin/python3',
  'llama_rotary.py': 'rotary embeddings as complex numbers: the run refuses view_as_complex (TensorFlow.js has no complex tensors)',
};

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

interface Case {
  title: string;
  file: string;
  model: string;
  graph: LayerGraph;
  /** Parameters used directly in forward that NetLens runs as ones (PyTorch gets ones for them too). */
  ones?: string[];
}

function torchAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8', timeout: 60_000 }).status === 0;
}

/** Runs every case in NetLens with --dump, then all of them in one PyTorch process; results by case index. */
async function compareAll(cases: Case[], root: string): Promise<Comparison[]> {
  const requests = [];
  for (const [index, c] of cases.entries()) {
    const dump = path.join(root, String(index));
    let out = '';
    const code = await runCommand(c.graph, { backend: 'wasm', seed: 3, runs: 1, warmup: 0, json: true, dump, write: (text) => (out += text),
      writeError: () => undefined });
    assert.equal(code, 0, `${c.title}: netlens run failed: ${out}`);
    const inputs = (c.graph.inputs ?? []).filter((input) => input.shape !== null && input.value === undefined).map((input) => ({ name: input.name,
      dtype: input.dtype }));
    requests.push({ file: c.file, model: c.model, dump, inputs });
  }
  const run = spawnSync(PYTHON, [TOOL], { input: JSON.stringify(requests), encoding: 'utf8', timeout: 280_000, maxBuffer: 1 << 24,
    env: { ...process.env, OMP_NUM_THREADS: '1' } });
  assert.equal(run.status, 0, `compare_forward.py failed: ${run.stderr}`);
  return run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Comparison);
}

function checkAgreement(result: Comparison | undefined, ones: string[] | undefined): void {
  assert.ok(result, 'no comparison result');
  assert.equal(result.error, undefined, result.error);
  assert.deepEqual(result.netlens_shape, result.shape, 'output shapes differ');
  assert.equal(result.finite, true, 'PyTorch output is not finite');
  assert.ok((result.spread ?? 0) > 1e-3, `PyTorch output is (nearly) constant: standard deviation ${result.spread}`);
  if (ones) assert.deepEqual(result.ones ?? [], ones, 'parameters used directly in forward (run as ones)');
  assert.ok(typeof result.rel_err === 'number' && result.rel_err <= TOLERANCE, `relative error ${result.rel_err} > ${TOLERANCE}`);
}

/** `build` returns the cases to compare; a title it leaves out is skipped (pending), not failed. */
function describeComparison(title: string, build: () => Promise<Case[]>, titles: string[]): void {
  describe(title, function () {
    this.timeout(300_000);
    const results = new Map<string, Comparison>();
    const onesOf = new Map<string, string[] | undefined>();
    const built = new Set<string>();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-torch-'));

    before(async function () {
      if (!torchAvailable()) {
        console.log(`      (skipped: ${PYTHON} cannot import torch; apt-get install python3-torch to run the PyTorch comparison)`);
        this.skip();
      }
      const cases = await build();
      const compared = await compareAll(cases, root);
      cases.forEach((c, index) => {
        built.add(c.title);
        results.set(c.title, compared[index] as Comparison);
        onesOf.set(c.title, c.ones);
      });
    });

    after(() => {
      fs.rmSync(root, { recursive: true, force: true });
      if (results.size === 0) return;
      const worst = Math.max(...[...results.values()].map((r) => r.rel_err ?? Infinity));
      console.log(`      ${results.size} models, largest relative error ${worst.toExponential(1)}`);
    });

    for (const name of titles) {
      it(name, function () {
        if (!built.has(name)) this.skip();
        const result = results.get(name);
        checkAgreement(result, onesOf.get(name));
        if (process.env.NETLENS_TORCH_VERBOSE) console.log(`        relative error ${result?.rel_err?.toExponential(1)}`);
      });
    }
  });
}

const forwardTitle = (c: (typeof FORWARD_CASES)[number]): string => `${c.model} (${c.file}): ${c.covers}`;

describeComparison('forward pass agrees with real PyTorch: forward fixtures', async () => {
  const analyzer = await createAnalyzer();
  return FORWARD_CASES.map((c) => {
    const file = path.join(FORWARD, c.file);
    const graph = analyzer.analyze(fs.readFileSync(file, 'utf8'), file, { model: c.model, inputs: c.inputs as InputSpec[] });
    assert.deepEqual(graph.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [], `${c.model}: static analysis errors`);
    return { title: forwardTitle(c), file, model: c.model, graph, ones: c.ones ?? [] };
  });
}, FORWARD_CASES.map(forwardTitle));

/** Manifest entries PyTorch can build: PyTorch code (no Keras), expected to analyse cleanly, not hostile. */
const MANIFEST = loadFixtures().filter((f) => f.file.endsWith('.py') && f.torchCheck !== false && !f.isolate && !/^\s*(from|import) (keras|tensorflow)/m
  .test(f.source) && !(f.expect.diagnostics ?? []).some((d) => d.severity === 'error') && !KNOWN_DIFFERENT[path.basename(f.file)]);

describeComparison('forward pass agrees with real PyTorch: manifest fixtures', async () => {
  const analyzer = await createAnalyzer();
  const cases: Case[] = [];
  for (const f of MANIFEST) {
    const graph = analyzer.analyze(f.source, f.absolutePath, { model: f.model, input: f.input });
    if (graph.macs > MAX_MACS || graph.diagnostics.some((d) => d.severity === 'error')) continue;
    cases.push({ title: f.name, file: f.absolutePath, model: f.model ?? graph.model ?? '', graph });
  }
  console.log(`      ${cases.length} of ${MANIFEST.length} manifest fixtures (up to ${MAX_MACS === Infinity ? 'any size' : `${MAX_MACS / 1e6} M MACs`}); ` +
    `not compared: ${Object.entries(KNOWN_DIFFERENT).map(([file, why]) => `${file} (${why})`).join('; ')}`);
  return cases;
}, MANIFEST.map((f) => f.name));
