// Materialises every parameter and buffer of a graph from a seed, in PyTorch's layout, keyed by state-dict key.
import type { LayerGraph, LayerNode } from '../graph/ir';
import { getOp } from '../ops/registry';
import type { InitSpec, WeightSpec } from '../ops/types';
import { normalArray, uniformArray } from './rng';

export interface MaterialisedWeight {
  /** State-dict key: `layer1.0.conv1.weight`. */
  key: string;
  /** Module path that owns it (`layer1.0.conv1`). */
  path: string;
  /** Suffix within the module (`weight`, `running_var`). */
  name: string;
  /** PyTorch shape ([] for a scalar). */
  shape: number[];
  trainable: boolean;
  /** Integer buffer (`num_batches_tracked`): values are whole numbers, dumped as int64, not used by the forward pass. */
  integer: boolean;
  data: Float32Array;
}

export interface ModelWeights {
  /** All tensors in graph order, keyed by state-dict key. */
  byKey: Map<string, MaterialisedWeight>;
  /** The tensors of each module path, in the order the op declares them. */
  byPath: Map<string, MaterialisedWeight[]>;
  /** Bytes of the float tensors the forward pass uploads. */
  floatBytes: number;
}

export function stateDictKey(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

function initialise(seed: number, key: string, count: number, init: InitSpec): Float32Array {
  if (init.kind === 'constant') return new Float32Array(count).fill(init.value);
  return uniformArray(seed, key, count, -init.bound, init.bound);
}

/** The values of the weight `key` a tied weight shares, when they exist and have its element count. */
function tiedData(byKey: Map<string, MaterialisedWeight>, key: string | undefined, count: number): Float32Array | undefined {
  const owner = key === undefined ? undefined : byKey.get(key);
  return owner && owner.data.length === count ? owner.data : undefined;
}

/** The WeightSpecs of one node (empty for pass-through markers and weightless ops). */
export function weightSpecsOf(node: LayerNode): WeightSpec[] {
  const spec = getOp(node.op);
  return spec?.weights ? spec.weights(node.attrs) : [];
}

/** Bytes of the float parameters and buffers, computed from the op declarations without allocating them. */
export function floatWeightBytes(graph: LayerGraph): number {
  const seen = new Set<string>();
  let bytes = 0;
  for (const node of graph.nodes) {
    if (seen.has(node.path)) continue;
    const specs = weightSpecsOf(node);
    if (specs.length === 0) continue;
    seen.add(node.path);
    for (const spec of specs) if (!spec.integer) bytes += elementCount(spec.shape) * 4;
  }
  return bytes;
}

/**
 * Creates every module's parameters and buffers with PyTorch's default initialisation, drawn from per-key streams of
 * the seeded generator, so the same seed gives the same values whatever else the model contains.
 * A module called several times (same path) owns one set of weights.
 */
export function materialiseWeights(graph: LayerGraph, seed: number): ModelWeights {
  const byKey = new Map<string, MaterialisedWeight>();
  const byPath = new Map<string, MaterialisedWeight[]>();
  let floatBytes = 0;
  for (const node of graph.nodes) {
    if (byPath.has(node.path)) continue;
    const specs = weightSpecsOf(node);
    if (specs.length === 0) continue;
    const owned: MaterialisedWeight[] = [];
    for (const spec of specs) {
      const key = stateDictKey(node.path, spec.name);
      const shape = [...spec.shape];
      const count = elementCount(shape);
      const weight: MaterialisedWeight = {
        key,
        path: node.path,
        name: spec.name,
        shape,
        trainable: spec.trainable,
        integer: spec.integer === true,
        // A tied weight shares the values of the layer it is tied to, when that layer's weights exist already.
        data: tiedData(byKey, node.tied?.[spec.name], count) ?? initialise(seed, key, count, spec.init),
      };
      if (!weight.integer) floatBytes += count * 4;
      byKey.set(key, weight);
      owned.push(weight);
    }
    byPath.set(node.path, owned);
  }
  // nn.Parameters used directly in forward (no layer owns them): drawn as torch.randn would (unit variance).
  for (const node of graph.nodes) {
    for (const [slot, key] of Object.entries(node.constants ?? {})) {
      const shape = node.inputShapes[Number(slot)];
      if (byKey.has(key) || !shape || shape.some((d) => d === null)) continue;
      const count = elementCount(shape as number[]);
      const dot = key.lastIndexOf('.');
      byKey.set(key, { key, path: dot < 0 ? '' : key.slice(0, dot), name: key.slice(dot + 1), shape: [...(shape as number[])], trainable: true, integer: false,
        data: uniformArray(seed, key, count, -Math.sqrt(3), Math.sqrt(3)) });
      floatBytes += count * 4;
    }
  }
  return { byKey, byPath, floatBytes };
}

/**
 * A model input (PyTorch order): floats from a standard normal distribution, as `torch.randn` would; int64 ids uniform
 * in [0, high), as `torch.randint(high, ...)`; booleans uniform in {0, 1}. Each input has its own stream (`key`).
 */
export function materialiseInput(shape: readonly number[], seed: number, dtype: 'float32' | 'int64' | 'bool' = 'float32', high = 2,
  key = 'input'): Float32Array {
  if (dtype === 'float32') return normalArray(seed, key, elementCount(shape));
  const bound = dtype === 'bool' ? 2 : Math.max(1, Math.floor(high));
  return uniformArray(seed, key, elementCount(shape), 0, bound).map((value) => Math.min(bound - 1, Math.floor(value)));
}
