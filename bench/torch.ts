// Bench: NetLens's plain forward pass on the wasm backend against real PyTorch on the CPU with 1 and 2 threads, the
// same models, weights and inputs, in one run (the PyTorch side through test/fixtures/tools/compare_forward.py, which
// also reports the agreement). Skips with a message when /usr/bin/python3 has no torch. Writes bench/results/torch.json.
// Run: node --import tsx bench/torch.ts [--runs N]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadNodeBackend, writeDump } from '../src/cli/run';
import { analyzeSource } from '../src/core/analyze';
import type { InputSpec } from '../src/core/graph/ir';
import { prepareRun, runForward } from '../src/core/run/index';
import { disposeProgram, executePass, loadProgram, uploadInput } from '../src/core/run/program';
import { median } from '../src/core/run/report';
import type { Tf } from '../src/core/ops/types';
import { FORWARD_CASES } from '../test/fixtures/forward/cases';

const PYTHON = '/usr/bin/python3';
const TOOL = path.join('test', 'fixtures', 'tools', 'compare_forward.py');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;

interface BenchModel {
  name: string;
  file: string;
  model: string;
  inputs: InputSpec[];
}

const MODELS: BenchModel[] = [
  { name: 'ResNet-18', file: 'examples/resnet.py', model: 'resnet18()', inputs: [{ shape: [1, 3, 224, 224] }] },
  { name: 'ResNet-50', file: 'examples/resnet.py', model: 'resnet50()', inputs: [{ shape: [1, 3, 224, 224] }] },
  ...FORWARD_CASES.filter((c) => c.bench).map((c) => ({ name: c.model.replace('()', ''), file: path.join('test', 'fixtures', 'forward', c.file), model: c.model,
    inputs: c.inputs as InputSpec[] })),
];

interface Row {
  model: string;
  inputs: string;
  macs: number;
  netlensWasmMs: number;
  netlensWasmMinMs: number;
  torch1Ms: number | null;
  torch2Ms: number | null;
  torch1MinMs: number | null;
  torch2MinMs: number | null;
  /** NetLens wasm ms / PyTorch ms. */
  ratio1: number | null;
  ratio2: number | null;
  relErr: number | null;
}

/** Milliseconds of RUNS plain passes (no per-layer synchronisation), each until its output is read back. */
async function plainPasses(tf: Tf, prepared: ReturnType<typeof prepareRun>): Promise<number[]> {
  const program = loadProgram(tf, prepared.plan, prepared.weights);
  const inputs = prepared.plan.inputs.map((planned, index) => uploadInput(tf, prepared.inputs[index] as Float32Array, planned.shape, prepared.plan.layout,
    planned.dtype));
  const times: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const pass = await executePass(program, inputs, { timeEachLayer: false });
      await pass.output.data();
      times.push(performance.now() - started);
      pass.output.dispose();
    }
  } finally {
    tf.dispose(inputs);
    disposeProgram(program);
  }
  return times;
}

async function main(): Promise<void> {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  const haveTorch = probe.status === 0;
  if (!haveTorch) console.log(`(PyTorch columns skipped: ${PYTHON} cannot import torch; apt-get install python3-torch)`);
  const tf = await loadNodeBackend('wasm');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-bench-torch-'));
  const rows: Row[] = [];
  const cases: unknown[] = [];
  try {
    for (const [index, m] of MODELS.entries()) {
      const graph = await analyzeSource(fs.readFileSync(m.file, 'utf8'), m.file, { model: m.model, inputs: m.inputs });
      const prepared = prepareRun(graph, { seed: 0 });
      const report = await runForward(tf, graph, { prepared, warmup: 1, runs: 1, plainRuns: 0 });
      const times = await plainPasses(tf, prepared);
      const dump = path.join(root, String(index));
      writeDump(dump, prepared, report);
      const inputs = prepared.plan.inputs.map((i) => ({ name: i.name, dtype: i.dtype }));
      cases.push({ file: path.resolve(m.file), model: m.model, dump, inputs, time: RUNS, threads: [1, 2] });
      rows.push({ model: m.name, inputs: prepared.plan.inputs.map((i) => `${i.shape.join('×')}${i.dtype === 'float32' ? '' : ` ${i.dtype}`}`).join(', '),
        macs: graph.macs, netlensWasmMs: median(times), netlensWasmMinMs: Math.min(...times), torch1Ms: null, torch2Ms: null, torch1MinMs: null,
        torch2MinMs: null, ratio1: null, ratio2: null, relErr: null });
    }
    if (haveTorch) {
      const run = spawnSync(PYTHON, [TOOL], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 1 << 24 });
      if (run.status !== 0) throw new Error(`compare_forward.py failed: ${run.stderr}`);
      run.stdout.trim().split('\n').forEach((line, index) => {
        const result = JSON.parse(line) as { torch_ms?: Record<string, number>; torch_min_ms?: Record<string, number>; rel_err?: number | null;
          error?: string };
        const row = rows[index] as Row;
        if (result.error) console.log(`${row.model}: PyTorch failed: ${result.error}`);
        row.torch1Ms = result.torch_ms?.['1'] ?? null;
        row.torch2Ms = result.torch_ms?.['2'] ?? null;
        row.torch1MinMs = result.torch_min_ms?.['1'] ?? null;
        row.torch2MinMs = result.torch_min_ms?.['2'] ?? null;
        row.ratio1 = row.torch1Ms ? row.netlensWasmMs / row.torch1Ms : null;
        row.ratio2 = row.torch2Ms ? row.netlensWasmMs / row.torch2Ms : null;
        row.relErr = result.rel_err ?? null;
      });
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  const fixed = (v: number | null, digits = 1): string => (v === null ? '—' : v.toFixed(digits));
  const pair = (m: number | null, least: number | null): string => `${fixed(m)} (${fixed(least)})`;
  const table = [['model', 'inputs', 'GMACs', 'NetLens wasm ms', 'PyTorch 1 thread ms', 'PyTorch 2 threads ms', 'NetLens/1t', 'NetLens/2t', 'max rel err'],
    ...rows.map((r) => [r.model, r.inputs, (r.macs / 1e9).toFixed(3), pair(r.netlensWasmMs, r.netlensWasmMinMs), pair(r.torch1Ms, r.torch1MinMs),
      pair(r.torch2Ms, r.torch2MinMs), fixed(r.ratio1, 2), fixed(r.ratio2, 2), r.relErr === null ? '—' : r.relErr.toExponential(1)])];
  const widths = (table[0] as string[]).map((_, c) => Math.max(...table.map((row) => (row[c] as string).length)));
  for (const row of table) console.log(row.map((cell, c) => (c >= 2 ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number))).join('  '));
  console.log(`median (fastest) of ${RUNS} plain passes each, ratios of medians; NetLens after a warm-up and a profiled pass, PyTorch after a warm-up, ` +
    `torch.no_grad, eval mode; load average ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} CPUs`);
  const out = { runs: RUNS, node: process.version, cpus: os.cpus().length, loadAverage1m: os.loadavg()[0], rows, date: new Date().toISOString() };
  fs.mkdirSync(path.join('bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join('bench', 'results', 'torch.json'), JSON.stringify(out, null, 2) + '\n');
  console.log('wrote bench/results/torch.json');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
