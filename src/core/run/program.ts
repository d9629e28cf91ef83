// Executes a planned LayerGraph with TensorFlow.js: uploads weights once, runs nodes in order, frees dead values.
import type { Shape } from '../graph/ir';
import { fromTorchOrder, toChannelsFirstPerm } from '../ops/layout';
import type { Tf, TfTensor } from '../ops/types';
import { LayerFailedError, throwIfAborted } from './errors';
import type { PlanStep, ProgramPlan } from './plan';
import type { ModelWeights } from './weights';

/** A plan bound to a backend, with its weights uploaded in the layout each op's forward wants. */
export interface LoadedProgram {
  tf: Tf;
  plan: ProgramPlan;
  /** Prepared weight tensors by module path (shared by every call of that module). */
  weights: Map<string, Record<string, TfTensor>>;
  /** Operands no layer produces, in the internal layout, by `${nodeId}:${slot}`. */
  constants: Map<string, TfTensor>;
}

export interface PassOptions {
  /** Wait for each layer's result before starting the next and time it (per-layer profiling). */
  timeEachLayer: boolean;
  signal?: AbortSignal;
  /** Called after each step with its index (for progress). */
  onStep?(index: number): void;
  /** Yield to the event loop (outside timed regions) when this many ms passed since the last yield. */
  yieldEveryMs?: number;
}

export interface PassResult {
  /** The output value in the internal (channels-last) layout; the caller disposes it. */
  output: TfTensor;
  /** Milliseconds per step (NaN unless timeEachLayer). */
  stepMs: Float64Array;
  /** Runtime output shape of each step, in PyTorch order. */
  shapes: number[][];
}

/** Internal-layout shape → PyTorch order. */
export function torchOrderShape(shape: readonly number[]): number[] {
  return toChannelsFirstPerm(shape.length).map((axis) => shape[axis] as number);
}

/** Internal-layout shape → the graph's order (PyTorch order, or unchanged for an 'NHWC' graph). */
export function graphOrderShape(shape: readonly number[], layout: ProgramPlan['layout']): number[] {
  return layout === 'NHWC' ? [...shape] : torchOrderShape(shape);
}

/** Uploads every module's weights (PyTorch layout) and lets its op convert them once. */
export function loadProgram(tf: Tf, plan: ProgramPlan, weights: ModelWeights): LoadedProgram {
  const loaded = new Map<string, Record<string, TfTensor>>();
  const constants = new Map<string, TfTensor>();
  try {
    for (const step of plan.steps) {
      for (const [slot, shape] of step.constants) {
        const value = step.constantFill.get(slot) ?? 1;
        const parameter = weights.byKey.get(step.constantKeys.get(slot) ?? '');
        const make = (): TfTensor => (parameter ? tf.tensor(parameter.data, shape, 'float32') : tf.fill(shape, value, 'float32'));
        constants.set(`${step.node.id}:${slot}`, tf.tidy(() => (plan.layout === 'NHWC' ? make() : fromTorchOrder(tf, make()))));
      }
    }
    for (const [path, nodeId] of plan.weightOwner) {
      const step = plan.steps.find((candidate) => candidate.node.id === nodeId) as PlanStep;
      const owned = weights.byPath.get(path) ?? [];
      const prepared = tf.tidy(() => {
        const raw: Record<string, TfTensor> = {};
        for (const weight of owned) {
          if (!weight.integer) raw[weight.name] = tf.tensor(weight.data, weight.shape, 'float32');
        }
        return step.spec?.prepareWeights ? step.spec.prepareWeights(tf, step.node.attrs, raw) : raw;
      });
      loaded.set(path, prepared);
    }
  } catch (error) {
    for (const record of loaded.values()) tf.dispose(Object.values(record));
    tf.dispose([...constants.values()]);
    throw error;
  }
  return { tf, plan, weights: loaded, constants };
}

export function disposeProgram(program: LoadedProgram): void {
  for (const record of program.weights.values()) program.tf.dispose(Object.values(record));
  program.weights.clear();
  program.tf.dispose([...program.constants.values()]);
  program.constants.clear();
}

/**
 * Converts a PyTorch-ordered input to the internal layout (the caller owns and disposes the result). Integer ids
 * become int32 tensors (TensorFlow.js has no int64), booleans bool tensors.
 */
export function uploadInput(tf: Tf, data: Float32Array, shape: readonly number[], layout?: ProgramPlan['layout'],
  dtype: 'float32' | 'int64' | 'bool' = 'float32'): TfTensor {
  const values = dtype === 'float32' ? data : Int32Array.from(data);
  const make = (): TfTensor => (dtype === 'float32' ? tf.tensor(values, [...shape], 'float32')
    : dtype === 'bool' ? tf.cast(tf.tensor(values, [...shape], 'int32'), 'bool') : tf.tensor(values, [...shape], 'int32'));
  if (layout === 'NHWC') return tf.tidy(make);
  return tf.tidy(() => fromTorchOrder(tf, make()));
}

/** Backends whose kernels finish before the op call returns (plain JS and WebAssembly on the calling thread). */
const SYNCHRONOUS_BACKENDS = new Set(['cpu', 'wasm']);

/**
 * Waits until `tensor` is computed. GPU backends queue work, so one element is read back, which forces completion of
 * everything it depends on; on synchronous backends the result already exists and no read is needed.
 */
export async function synchronise(tf: Tf, tensor: TfTensor): Promise<void> {
  if (tensor.size === 0 || SYNCHRONOUS_BACKENDS.has(tf.getBackend())) return;
  const probe = tf.tidy(() => tf.slice(tf.reshape(tensor, [-1]), [0], [1]));
  try {
    await probe.data();
  } finally {
    probe.dispose();
  }
}

/**
 * The fixed cost of one synchronisation when nothing is pending (a read-back round trip on GPU backends, 0 on
 * synchronous ones): median of a few probes of an already computed tensor. Subtracted from per-layer times.
 */
export async function measureSyncOverhead(tf: Tf, ready: TfTensor, samples = 7): Promise<number> {
  if (SYNCHRONOUS_BACKENDS.has(tf.getBackend())) return 0;
  await synchronise(tf, ready);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await synchronise(tf, ready);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1] as number;
}

function describeFailure(step: PlanStep, error: unknown, inputs: readonly TfTensor[], layout?: ProgramPlan['layout']): LayerFailedError {
  const node = step.node;
  const detail = error instanceof Error ? error.message : String(error);
  const where = node.path ? `'${node.path}' (${node.op})` : node.op;
  const shapes = inputs.map((tensor) => graphOrderShape(tensor.shape, layout).join('×')).join(', ');
  return new LayerFailedError(
    `Layer ${where} failed at run time on input${inputs.length === 1 ? '' : 's'} ${shapes}: ${detail}` +
      (/shape|depth|broadcast/i.test(detail) ? ' (TensorFlow.js shapes are channels-last)' : ''),
    node.id,
    node.path,
    node.op,
  );
}

const now = (): number => performance.now();

/**
 * One forward pass over the model inputs (internal layout, owned by the caller; one tensor per plan input, in order).
 * Every intermediate is freed. A node's value is the list of its results (one, or a tuple's elements flattened).
 */
export async function executePass(program: LoadedProgram, input: TfTensor | readonly TfTensor[], options: PassOptions): Promise<PassResult> {
  const { tf, plan } = program;
  const fed = Array.isArray(input) ? input : [input as TfTensor];
  const inputById = new Map(plan.inputs.map((planned, index) => [planned.nodeId, fed[index] as TfTensor]));
  const values = new Map<string, TfTensor[]>();
  const holders = new Map<TfTensor, number>();
  const external = new Set<TfTensor>(fed);
  for (const record of program.weights.values()) for (const tensor of Object.values(record)) external.add(tensor);
  for (const tensor of program.constants.values()) external.add(tensor);
  const stepMs = new Float64Array(plan.steps.length).fill(Number.NaN);
  const shapes: number[][] = [];
  let lastYield = now();

  const hold = (id: string, tensors: TfTensor[]): void => {
    values.set(id, tensors);
    for (const tensor of tensors) holders.set(tensor, (holders.get(tensor) ?? 0) + 1);
  };
  const release = (id: string): void => {
    const tensors = values.get(id);
    if (!tensors) return;
    values.delete(id);
    for (const tensor of tensors) {
      const left = (holders.get(tensor) ?? 1) - 1;
      if (left > 0) {
        holders.set(tensor, left);
        continue;
      }
      holders.delete(tensor);
      if (!external.has(tensor)) tensor.dispose();
    }
  };

  let output: TfTensor | undefined;
  try {
    for (let index = 0; index < plan.steps.length; index++) {
      const step = plan.steps[index] as PlanStep;
      throwIfAborted(options.signal);
      if (options.yieldEveryMs !== undefined && now() - lastYield >= options.yieldEveryMs) {
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
        throwIfAborted(options.signal);
        lastYield = now();
      }
      const inputs = step.inputIds.map((id, slot) =>
        (id === null ? program.constants.get(`${step.node.id}:${slot}`) : values.get(id)?.[step.inputOutputs[slot] ?? 0]) as TfTensor);
      let results: TfTensor[];
      const started = now();
      if (!step.spec) {
        results = [step.node.op === 'Input' ? (inputById.get(step.node.id) as TfTensor) : (inputs[0] as TfTensor)];
      } else {
        const spec = step.spec;
        const inputShapes: Shape[] = inputs.map((tensor) => graphOrderShape(tensor.shape, plan.layout));
        const weights = program.weights.get(step.node.path) ?? {};
        try {
          results = tf.tidy(() => (spec.forwardTuple ? spec.forwardTuple(tf, step.node.attrs, inputs, weights, inputShapes)
            : [spec.forward!(tf, step.node.attrs, inputs, weights, inputShapes)]));
        } catch (error) {
          throw describeFailure(step, error, inputs, plan.layout);
        }
        if (results.length === 0 || !results.every((result) => result instanceof tf.Tensor)) {
          tf.dispose(results.filter((result) => result instanceof tf.Tensor));
          throw describeFailure(step, new Error('the op returned no tensor'), inputs, plan.layout);
        }
      }
      const result = results[0] as TfTensor;
      if (options.timeEachLayer) {
        await synchronise(tf, result);
        stepMs[index] = now() - started;
      }
      hold(step.node.id, results);
      shapes.push(graphOrderShape(result.shape, plan.layout));
      for (const id of step.release) release(id);
      options.onStep?.(index);
    }
    output = values.get(plan.outputId)?.[plan.outputIndex];
    if (!output) throw new Error('The model output was not computed.');
    // Keep the output alive past the clean-up below: it now belongs to the caller.
    if (external.has(output)) output = output.clone();
    else external.add(output);
    return { output, stepMs, shapes };
  } finally {
    for (const tensor of new Set([...values.values()].flat())) if (!external.has(tensor)) tensor.dispose();
  }
}
