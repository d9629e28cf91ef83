// The forward pass end to end: plan, weights, memory check, warm-up, per-layer profiling, plain passes, report.
import type { LayerGraph } from '../graph/ir';
import { SETTING_DEFAULTS } from '../defaults';
import { toTorchOrder } from '../ops/layout';
import type { Tf, TfTensor } from '../ops/types';
import { throwIfAborted } from './errors';
import { enforceMemoryBudget, estimateMemory, type MemoryBackend, type MemoryEstimate } from './memory';
import { planProgram, type ProgramPlan } from './plan';
import { disposeProgram, executePass, loadProgram, measureSyncOverhead, uploadInput } from './program';
import { blockResults, layerResults, median, outputStatistics, shapeMismatches, type ForwardReport } from './report';
import { floatWeightBytes, materialiseInput, materialiseWeights, type ModelWeights } from './weights';

export type RunPhase = 'prepare' | 'warmup' | 'profile' | 'plain' | 'done';

export interface RunProgress {
  phase: RunPhase;
  /** Overall progress in [0, 1]. */
  fraction: number;
  message: string;
}

export interface ForwardOptions {
  /** Seed of weights and input (default 0). */
  seed?: number;
  /** Untimed passes first, to compile kernels and warm caches (default 1). */
  warmup?: number;
  /** Timed passes with per-layer synchronisation; the median per layer is reported (default 3). */
  runs?: number;
  /** Timed passes without per-layer synchronisation (default: same as runs; 0 to skip). */
  plainRuns?: number;
  /** Refuse to run above this many MiB of estimated memory (default: SETTING_DEFAULTS.runMemoryBudgetMiB). */
  memoryBudgetMiB?: number;
  /** The backend the memory estimate is modelled for (default: the costliest). */
  memoryBackend?: MemoryBackend;
  signal?: AbortSignal;
  onProgress?(progress: RunProgress): void;
  /** Yield to the event loop this often (ms) so a UI stays responsive (default: never). */
  yieldEveryMs?: number;
  /** Reuse what prepareRun already built (same graph and seed). */
  prepared?: PreparedRun;
}

/** Everything the pass needs before touching a backend; also what `--dump` writes. */
export interface PreparedRun {
  plan: ProgramPlan;
  weights: ModelWeights;
  /** The first model input in PyTorch order. */
  input: Float32Array;
  /** Every model input's values in PyTorch order, as plan.inputs lists them (integer ids and booleans as whole numbers). */
  inputs: Float32Array[];
  memory: MemoryEstimate;
  seed: number;
}

/** Plans the graph, materialises weights and input, estimates memory. Throws RunRefusedError when not runnable. */
export function prepareRun(graph: LayerGraph, options: Pick<ForwardOptions, 'seed' | 'memoryBudgetMiB' | 'memoryBackend'> = {}): PreparedRun {
  const seed = options.seed ?? 0;
  const plan = planProgram(graph);
  // Check the budget from shapes alone, before allocating any weight.
  const memory = estimateMemory(plan, floatWeightBytes(graph), options.memoryBackend);
  enforceMemoryBudget(memory, options.memoryBudgetMiB ?? SETTING_DEFAULTS.runMemoryBudgetMiB);
  const weights = materialiseWeights(graph, seed);
  const inputs = plan.inputs.map((planned, index) =>
    materialiseInput(planned.shape, seed, planned.dtype, planned.high, index === 0 ? 'input' : `input.${planned.name}`));
  return { plan, weights, input: inputs[0] as Float32Array, inputs, memory, seed };
}

/**
 * Runs the model on `tf`'s current backend: warm-up, per-layer timed runs (median), plain runs, shape check.
 * Leaves no tensor behind: `tf.memory().numTensors` is the same before and after, even on error or cancel.
 */
export async function runForward(tf: Tf, graph: LayerGraph, options: ForwardOptions = {}): Promise<ForwardReport> {
  const warmup = Math.max(0, options.warmup ?? 1);
  const runs = Math.max(1, options.runs ?? 3);
  const plainRuns = Math.max(0, options.plainRuns ?? runs);
  const report = (phase: RunPhase, fraction: number, message: string): void => options.onProgress?.({ phase, fraction, message });

  report('prepare', 0, 'Preparing weights');
  const prepared = options.prepared ?? prepareRun(graph, options);
  throwIfAborted(options.signal);
  await tf.ready();
  const program = loadProgram(tf, prepared.plan, prepared.weights);
  const input: TfTensor[] = [];
  try {
    prepared.plan.inputs.forEach((planned, index) =>
      input.push(uploadInput(tf, prepared.inputs[index] as Float32Array, planned.shape, prepared.plan.layout, planned.dtype)));
    const passes = warmup + runs + plainRuns;
    const stepCount = prepared.plan.steps.length;
    let passIndex = 0;
    const stepProgress = (phase: RunPhase, label: string) => (step: number): void =>
      report(phase, (passIndex + (step + 1) / stepCount) / passes, label);

    for (let i = 0; i < warmup; i++, passIndex++) {
      const pass = await executePass(program, input, { timeEachLayer: false, signal: options.signal, yieldEveryMs: options.yieldEveryMs,
        onStep: stepProgress('warmup', `Warm-up ${i + 1}/${warmup}`) });
      await pass.output.data();
      pass.output.dispose();
    }

    const syncOverheadMs = await measureSyncOverhead(tf, input[0] as TfTensor);
    const perStep: number[][] = prepared.plan.steps.map(() => []);
    let shapes: number[][] = [];
    let outputTorch: Float32Array = new Float32Array(0);
    let outputShape: number[] = [];
    const profiledMs: number[] = [];
    for (let i = 0; i < runs; i++, passIndex++) {
      const passStarted = performance.now();
      const pass = await executePass(program, input, { timeEachLayer: true, signal: options.signal, yieldEveryMs: options.yieldEveryMs,
        onStep: stepProgress('profile', `Timed run ${i + 1}/${runs}`) });
      profiledMs.push(performance.now() - passStarted);
      pass.stepMs.forEach((ms, step) => (perStep[step] as number[]).push(ms));
      if (i === 0) {
        shapes = pass.shapes;
        const torchOrdered = prepared.plan.layout === 'NHWC' ? pass.output : tf.tidy(() => toTorchOrder(tf, pass.output));
        outputShape = [...torchOrdered.shape];
        outputTorch = (await torchOrdered.data()) as Float32Array;
        if (torchOrdered !== pass.output) torchOrdered.dispose();
      }
      pass.output.dispose();
    }

    const plainMs: number[] = [];
    for (let i = 0; i < plainRuns; i++, passIndex++) {
      const started = performance.now();
      const pass = await executePass(program, input, { timeEachLayer: false, signal: options.signal, yieldEveryMs: options.yieldEveryMs,
        onStep: stepProgress('plain', `Plain run ${i + 1}/${plainRuns}`) });
      await pass.output.data();
      plainMs.push(performance.now() - started);
      pass.output.dispose();
    }

    const layers = layerResults(prepared.plan.steps, perStep.map((times) => Math.max(0, median(times) - syncOverheadMs)), shapes);
    const result: ForwardReport = {
      backend: tf.getBackend(),
      seed: prepared.seed,
      warmup,
      runs,
      input: prepared.plan.inputShape,
      output: outputShape,
      layers,
      blocks: blockResults(graph, layers),
      totalMs: layers.reduce((sum, layer) => sum + layer.ms, 0),
      plainMs: median(plainMs),
      profiledMs: median(profiledMs),
      syncOverheadMs,
      mismatches: shapeMismatches(layers),
      unchecked: layers.filter((layer) => layer.staticShape === null).length,
      memory: prepared.memory,
      notes: prepared.plan.notes,
      outputStats: outputStatistics(outputTorch),
      outputData: outputTorch,
    };
    report('done', 1, 'Done');
    return result;
  } finally {
    tf.dispose(input);
    disposeProgram(program);
  }
}
