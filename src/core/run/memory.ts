// Estimates the forward pass's memory before running (weights + peak live activations) and enforces a budget.
import type { Shape } from '../graph/ir';
import { RunRefusedError } from './errors';
import type { ProgramPlan } from './plan';

const BYTES_PER_FLOAT = 4;
const MIB = 1024 * 1024;

export interface MemoryEstimate {
  /** Float parameters and buffers uploaded to the backend. */
  weightBytes: number;
  /** Peak bytes of activations alive at once, plus the largest single layer's scratch (e.g. a padded copy). */
  activationBytes: number;
  totalBytes: number;
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
export function estimateMemory(plan: ProgramPlan, weightBytes: number): MemoryEstimate {
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
  return { weightBytes, activationBytes, totalBytes: weightBytes + activationBytes, peakNodeId, incomplete };
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
      `activations ${formatBytes(estimate.activationBytes)}), more than the budget of ${budgetMiB} MiB. ` +
      'Use a smaller input (batch or resolution) or raise the memory budget (the netlens.runMemoryBudgetMiB setting).',
    'memory-budget',
    estimate.peakNodeId ?? undefined,
  );
}
