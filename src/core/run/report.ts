// Result types of a forward pass and their assembly from raw per-step timings: layers, blocks, mismatches.
import type { Group, LayerGraph, Shape } from '../graph/ir';
import { formatShape } from '../format';
import type { MemoryEstimate } from './memory';
import type { PlanStep } from './plan';

export interface LayerResult {
  nodeId: string;
  path: string;
  op: string;
  /** Runtime output shape, PyTorch order. */
  shape: number[];
  /** Static output shape from the analysis. */
  staticShape: Shape | null;
  /** Median milliseconds over the timed runs. */
  ms: number;
  params: number;
  macs: number;
  /** ms / total. */
  share: number;
  /** Achieved GFLOP/s = 2·MACs / time (0 for layers without MACs). */
  gflops: number;
  mismatch: boolean;
}

export interface BlockResult {
  groupId: string;
  path: string;
  className: string;
  /** Nesting depth below the root module (top-level children are 1). */
  depth: number;
  ms: number;
  share: number;
  params: number;
  macs: number;
  gflops: number;
}

/** A runtime shape that differs from the static one: an engine bug in NetLens, not in the model. */
export interface ShapeMismatch {
  nodeId: string;
  path: string;
  op: string;
  runtime: number[];
  static: Shape;
  message: string;
}

export interface OutputStats {
  min: number;
  max: number;
  mean: number;
  /** NaN or ±Infinity elements. */
  nonFinite: number;
}

export interface ForwardReport {
  backend: string;
  seed: number;
  warmup: number;
  runs: number;
  input: number[];
  output: number[];
  layers: LayerResult[];
  blocks: BlockResult[];
  /** Sum of the per-layer medians (each layer synchronised). */
  totalMs: number;
  /** Median of whole passes without per-layer synchronisation. */
  plainMs: number;
  /** Median wall time of whole passes with per-layer synchronisation (the profiling cost is profiledMs / plainMs). */
  profiledMs: number;
  /** Cost of one idle synchronisation (GPU read-back round trip), already subtracted from every layer's time. */
  syncOverheadMs: number;
  mismatches: ShapeMismatch[];
  /** Nodes whose static output shape was unknown, so the runtime shape could not be checked. */
  unchecked: number;
  memory: MemoryEstimate;
  /** Things worth knowing about this run (operands filled with ones, ...). */
  notes: string[];
  outputStats: OutputStats;
  /** The model output, PyTorch order, row-major. */
  outputData: Float32Array;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** True when the shapes agree (an unknown static dimension agrees with anything). */
export function compareShapes(runtime: readonly number[], declared: Shape): boolean {
  return runtime.length === declared.length && declared.every((dim, axis) => dim === null || dim === runtime[axis]);
}

export function gflopsOf(macs: number, ms: number): number {
  return macs > 0 && ms > 0 ? (2 * macs) / (ms * 1e6) : 0;
}

export function layerResults(steps: readonly PlanStep[], stepMedians: readonly number[], shapes: readonly number[][]): LayerResult[] {
  const layers: LayerResult[] = [];
  steps.forEach((step, index) => {
    if (!step.spec) return;
    const node = step.node;
    const shape = shapes[index] as number[];
    const ms = stepMedians[index] as number;
    layers.push({
      nodeId: node.id,
      path: node.path,
      op: node.op,
      shape,
      staticShape: node.outputShape,
      ms,
      params: node.params,
      macs: node.macs,
      share: 0,
      gflops: gflopsOf(node.macs, ms),
      mismatch: node.outputShape !== null && !compareShapes(shape, node.outputShape),
    });
  });
  const total = layers.reduce((sum, layer) => sum + layer.ms, 0);
  for (const layer of layers) layer.share = total > 0 ? layer.ms / total : 0;
  return layers;
}

export function shapeMismatches(layers: readonly LayerResult[]): ShapeMismatch[] {
  return layers
    .filter((layer) => layer.mismatch)
    .map((layer) => ({
      nodeId: layer.nodeId,
      path: layer.path,
      op: layer.op,
      runtime: layer.shape,
      static: layer.staticShape as Shape,
      message:
        `NetLens engine bug at '${layer.path}' (${layer.op}): the static analysis says ${formatShape(layer.staticShape)} ` +
        `but the forward pass produced ${formatShape(layer.shape)}.`,
    }));
}

/** Per-module totals: every layer's time is added to each module that contains it. */
export function blockResults(graph: LayerGraph, layers: readonly LayerResult[]): BlockResult[] {
  const groups = new Map<string, Group>(graph.groups.map((group) => [group.id, group]));
  const groupOf = new Map<string, string | null>(graph.nodes.map((node) => [node.id, node.group]));
  const msByGroup = new Map<string, number>();
  for (const layer of layers) {
    const seen = new Set<string>();
    for (let id = groupOf.get(layer.nodeId) ?? null; id !== null && !seen.has(id); id = groups.get(id)?.parent ?? null) {
      seen.add(id);
      msByGroup.set(id, (msByGroup.get(id) ?? 0) + layer.ms);
    }
  }
  const total = layers.reduce((sum, layer) => sum + layer.ms, 0);
  const depthOf = (group: Group): number => {
    let depth = 0;
    const seen = new Set<string>();
    for (let parent = group.parent; parent !== null && !seen.has(parent); parent = groups.get(parent)?.parent ?? null) {
      seen.add(parent);
      if (groups.get(parent)?.path !== '') depth++;
    }
    return depth + 1;
  };
  return graph.groups
    .filter((group) => group.path !== '' && msByGroup.has(group.id))
    .map((group) => {
      const ms = msByGroup.get(group.id) as number;
      return {
        groupId: group.id,
        path: group.path,
        className: group.className,
        depth: depthOf(group),
        ms,
        share: total > 0 ? ms / total : 0,
        params: group.params,
        macs: group.macs,
        gflops: gflopsOf(group.macs, ms),
      };
    });
}

export function outputStatistics(data: Float32Array): OutputStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let nonFinite = 0;
  for (const value of data) {
    if (!Number.isFinite(value)) {
      nonFinite++;
      continue;
    }
    if (value < min) min = value;
    if (value > max) max = value;
    sum += value;
  }
  const finite = data.length - nonFinite;
  return { min: finite ? min : Number.NaN, max: finite ? max : Number.NaN, mean: finite ? sum / finite : Number.NaN, nonFinite };
}
