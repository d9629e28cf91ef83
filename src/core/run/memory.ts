// Estimates the forward pass's memory before running (weights + peak live activations, times the copies each
// backend really keeps) and enforces a budget.
import type { Shape } from '../graph/ir';
import { RunRefusedError } from './errors';
import type { ProgramPlan } from './plan';

const BYTES_PER_FLOAT = 4;
const MIB = 1024 * 1024;

/** The TensorFlow.js backend a run will use; undefined when not known yet (the panel's "Auto"). */
export type MemoryBackend = 'cpu' | 'wasm' | 'webgl' | 'webgpu';

/**
 * How many bytes of process memory one byte of weights and one byte of activations cost on each backend, measured
 * as peak resident memory of `netlens run` (Node 20, tfjs 4.22) on Linear and Conv2d models of 0.1–0.5 GiB: every
 * weight lives once in the JavaScript array NetLens fills and once in the backend (cpu: 2.05–2.09 bytes per byte);
 * the wasm backend copies it into its heap, which grows geometrically and keeps the slack (3.6); activations keep
 * an input and an output copy plus kernel scratch (cpu 2.0–2.4, wasm 2.4–3.1). GPU backends keep the host copy
 * and a texture or buffer per tensor, plus a download copy for reading results back.
 */
const COPIES: Record<MemoryBackend, { weights: number; activations: number }> = {
  cpu: { weights: 2.1, activations: 2.4 },
  wasm: { weights: 3.6, activations: 3.1 },
  webgl: { weights: 2.1, activations: 2.4 },
  webgpu: { weights: 2.1, activations: 2.4 },
};

export interface MemoryEstimate {
  /** Float parameters and buffers uploaded to the backend. */
  weightBytes: number;
  /** Peak bytes of activations alive at once, plus the largest single layer's scratch (e.g. a padded copy). */
  activationBytes: number;
  /** The memory the run is expected to take at its peak: weights and activations times the backend's copies. */
  totalBytes: number;
  /** The backend the total was modelled for; undefined means the costliest one (the backend was not chosen yet). */
  backend: MemoryBackend | undefined;
  /** The node at which the activation peak occurs. */
  peakNodeId: string | null;
  /** True when some output shapes were unknown statically and are missing from the estimate. */
  incomplete: boolean;
}

function shapeBytes(shape: Shape | null): number | null {
  if (!shape || shape.some((d) => d === null)) return null;
  return (shape as number[]).reduce((product, dim) => product * dim, 1) * BYTES_PER_FLOAT;
}

/** Walks the plan in order, adding each output when produced and removing it when released. */
export function estimateMemory(plan: ProgramPlan, weightBytes: number, backend?: MemoryBackend): MemoryEstimate {
  const sizes = new Map<string, number>();
  let incomplete = false;
  let live = 0;
  let peak = 0;
  let peakNodeId: string | null = null;
  let scratch = 0;
  const inputId = plan.steps.find((step) => step.node.op === 'Input')?.node.id;
  for (const step of plan.steps) {
    // An output marker shares its input's tensor.
    // A Keras graph's shapes keep the batch as None (null): it runs with the plan's batch.
    const staticShape = plan.layout === 'NHWC' && step.node.outputShape?.[0] === null ? [plan.inputShape[0] ?? 1,
      ...step.node.outputShape.slice(1)] : step.node.outputShape;
    const bytes = step.node.op === 'Output' ? 0 : step.node.op === 'Input' ? shapeBytes(plan.inputShape) : shapeBytes(staticShape);
    if (bytes === null) incomplete = true;
    const size = bytes ?? 0;
    sizes.set(step.node.id, size);
    live += size;
    // The input is uploaded in PyTorch order and converted once: both copies exist for a moment.
    if (step.node.op === 'Input') scratch = Math.max(scratch, size);
    if (live > peak) {
      peak = live;
      peakNodeId = step.node.id;
    }
    const inputBytes = step.inputIds.reduce((sum, id) => sum + (id === null ? 0 : (sizes.get(id) ?? 0)), 0);
    scratch = Math.max(scratch, inputBytes + size);
    // The converted input stays alive for the whole run (every pass reads it).
    for (const id of step.release) if (id !== inputId) live -= sizes.get(id) ?? 0;
  }
  const activationBytes = peak + scratch;
  const copies = backend ? COPIES[backend] : costliestCopies();
  const totalBytes = Math.ceil(weightBytes * copies.weights + activationBytes * copies.activations);
  return { weightBytes, activationBytes, totalBytes, backend, peakNodeId, incomplete };
}

function costliestCopies(): { weights: number; activations: number } {
  const all = Object.values(COPIES);
  return { weights: Math.max(...all.map((c) => c.weights)), activations: Math.max(...all.map((c) => c.activations)) };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MIB) return `${(bytes / (1024 * MIB)).toFixed(2)} GiB`;
  if (bytes >= MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** Throws a RunRefusedError when the estimate exceeds `budgetMiB`. */
export function enforceMemoryBudget(estimate: MemoryEstimate, budgetMiB: number): void {
  if (estimate.totalBytes <= budgetMiB * MIB) return;
  throw new RunRefusedError(
    `The forward pass needs about ${formatBytes(estimate.totalBytes)} (weights ${formatBytes(estimate.weightBytes)} + ` +
      `activations ${formatBytes(estimate.activationBytes)}, with the copies the ${estimate.backend ?? 'wasm'} backend keeps), ` +
      `more than the budget of ${budgetMiB} MiB. ` +
      'Use a smaller input (batch or resolution) or raise the memory budget (the netlens.runMemoryBudgetMiB setting; ' +
        '--memory-budget for netlens run).',
    'memory-budget',
    estimate.peakNodeId ?? undefined,
  );
}
