// Bench: NetLens's plain forward pass of ResNet-18/50 on the wasm backend vs the same network built from tfjs-layers,
// in the same process with the same weights; plus the cost of per-layer profiling. Writes bench/results/forward.json.
// Run: node --import tsx bench/forward.ts [--runs N]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadNodeBackend } from '../src/cli/run';
import type { Tf, TfTensor } from '../src/core/ops/types';
import { prepareRun, runForward } from '../src/core/run/index';
import { disposeProgram, executePass, loadProgram, uploadInput } from '../src/core/run/program';
import { median } from '../src/core/run/report';
import { resnetGraph } from '../test/unit/run-graphs';
import { layersModel } from '../test/unit/run-layers-reference';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;

interface ModelResult {
  model: string;
  input: number[];
  params: number;
  macs: number;
  netlensPlainMs: number;
  tfjsLayersMs: number;
  /** Median ratio netlens / tfjs-layers. */
  ratio: number;
  /** Ratio of the fastest passes (least disturbed by other processes on a shared machine). */
  ratioOfMinimums: number;
  netlensMinMs: number;
  tfjsLayersMinMs: number;
  profiledPassMs: number;
  /** Profiled pass (each layer synchronised and timed) / plain pass, medians. */
  profilingOverhead: number;
  profilingOverheadOfMinimums: number;
  sumOfLayerMediansMs: number;
  maxAbsDiffVsLayers: number;
  netlensGflops: number;
}

async function benchModel(tf: Tf, depth: 18 | 50): Promise<ModelResult> {
  const graph = resnetGraph(depth);
  const prepared = prepareRun(graph, { seed: 0 });
  const model = layersModel(tf, graph, prepared);
  const program = loadProgram(tf, prepared.plan, prepared.weights);
  const input = uploadInput(tf, prepared.input, prepared.plan.inputShape);

  const ours = async (timeEachLayer = false): Promise<{ ms: number; data: Float32Array }> => {
    const started = performance.now();
    const pass = await executePass(program, input, { timeEachLayer });
    const data = (await pass.output.data()) as Float32Array;
    const ms = performance.now() - started;
    pass.output.dispose();
    return { ms, data };
  };
  const theirs = async (): Promise<{ ms: number; data: Float32Array }> => {
    const started = performance.now();
    const out = model.predict(input) as TfTensor;
    const data = (await out.data()) as Float32Array;
    const ms = performance.now() - started;
    out.dispose();
    return { ms, data };
  };
  const warmOurs = await ours();
  const warmTheirs = await theirs();
  const maxAbsDiff = warmOurs.data.reduce((m, v, i) => Math.max(m, Math.abs(v - warmTheirs.data[i]!)), 0);
  const oursMs: number[] = [];
  const theirsMs: number[] = [];
  const profiledMs: number[] = [];
  // Interleaved, in an order that rotates every round, so that load from other processes and GC hit every variant alike.
  const variants = [
    async (): Promise<void> => void oursMs.push((await ours()).ms),
    async (): Promise<void> => void theirsMs.push((await theirs()).ms),
    async (): Promise<void> => void profiledMs.push((await ours(true)).ms),
  ];
  for (let i = 0; i < RUNS; i++) {
    for (let v = 0; v < variants.length; v++) await variants[(i + v) % variants.length]!();
  }
  input.dispose();
  disposeProgram(program);
  model.dispose();

  // The full profiling API once more, for the sum of per-layer medians it reports.
  const profiled = await runForward(tf, graph, { seed: 0, warmup: 1, runs: RUNS, plainRuns: 0, prepared });
  const netlensPlainMs = median(oursMs);
  const tfjsLayersMs = median(theirsMs);
  return {
    model: `resnet${depth}`,
    input: prepared.plan.inputShape,
    params: graph.params,
    macs: graph.macs,
    netlensPlainMs,
    tfjsLayersMs,
    ratio: netlensPlainMs / tfjsLayersMs,
    ratioOfMinimums: Math.min(...oursMs) / Math.min(...theirsMs),
    netlensMinMs: Math.min(...oursMs),
    tfjsLayersMinMs: Math.min(...theirsMs),
    profiledPassMs: median(profiledMs),
    profilingOverhead: median(profiledMs) / netlensPlainMs,
    profilingOverheadOfMinimums: Math.min(...profiledMs) / Math.min(...oursMs),
    sumOfLayerMediansMs: profiled.totalMs,
    maxAbsDiffVsLayers: maxAbsDiff,
    netlensGflops: (2 * graph.macs) / (netlensPlainMs * 1e6),
  };
}

async function main(): Promise<void> {
  const tf = await loadNodeBackend('wasm');
  const startTensors = tf.memory().numTensors;
  const results: ModelResult[] = [];
  for (const depth of [18, 50] as const) {
    const result = await benchModel(tf, depth);
    results.push(result);
    console.log(
      `${result.model.padEnd(9)} netlens ${result.netlensPlainMs.toFixed(1)} ms · tfjs-layers ${result.tfjsLayersMs.toFixed(1)} ms (medians) · ratio ${result.ratio.toFixed(3)} ` +
        `(of minimums ${result.ratioOfMinimums.toFixed(3)}; goal ≤ 1.2) · profiled pass ${result.profiledPassMs.toFixed(1)} ms (×${result.profilingOverhead.toFixed(3)} of plain, of minimums ×${result.profilingOverheadOfMinimums.toFixed(3)}) · ` +
        `${result.netlensGflops.toFixed(1)} GFLOP/s · max |Δ| vs layers ${result.maxAbsDiffVsLayers.toExponential(2)}`,
    );
  }
  const leaked = tf.memory().numTensors - startTensors;
  const load = (await import('node:os')).loadavg()[0];
  const out = { backend: tf.getBackend(), runs: RUNS, loadAverage1m: load, node: process.version, cpus: (await import('node:os')).cpus().length,
    leakedTensors: leaked, results, date: new Date().toISOString() };
  fs.mkdirSync(path.join('bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join('bench', 'results', 'forward.json'), JSON.stringify(out, null, 2) + '\n');
  console.log(`wrote bench/results/forward.json (tensors leaked: ${leaked})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
