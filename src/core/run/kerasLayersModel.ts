// Builds a Keras ('NHWC') LayerGraph as a TensorFlow.js tfjs-layers model (Keras's own layer set) with NetLens's weights.
// The caller passes its tfjs-layers namespace, so core stays free of TensorFlow.js at run time.
import type * as tflTypes from '@tensorflow/tfjs-layers';
import type { LayerGraph, LayerNode } from '../graph/ir';
import type { Tf, TfTensor } from '../ops/types';
import { BUILT_INPUT_DIM } from '../ops/kerasArgs';
import type { ModelWeights } from './weights';

type Tfl = typeof tflTypes;
type SymbolicTensor = tflTypes.SymbolicTensor;
type Layer = tflTypes.layers.Layer;

/** A node NetLens cannot express as a tfjs-layers layer (the graph still runs with the registry builders). */
export class LayersModelUnsupported extends Error {
  constructor(message: string, readonly nodeId: string) {
    super(message);
    this.name = 'LayersModelUnsupported';
  }
}

/** Keras activation names → tfjs-layers names (absent: no tfjs-layers equivalent with Keras 3 semantics). */
const ACTIVATIONS: Record<string, string> = {
  linear: 'linear', relu: 'relu', relu6: 'relu6', sigmoid: 'sigmoid', softmax: 'softmax', tanh: 'tanh', elu: 'elu',
  selu: 'selu', softplus: 'softplus', softsign: 'softsign', swish: 'swish', silu: 'swish', gelu: 'gelu', mish: 'mish',
};

function activationOf(node: LayerNode, name = 'activation'): string {
  const value = node.attrs[name];
  const keras = typeof value === 'string' ? value : 'linear';
  const mapped = ACTIVATIONS[keras];
  if (!mapped) throw new LayersModelUnsupported(`activation "${keras}" of ${node.path} has no tfjs-layers equivalent`, node.id);
  return mapped;
}

function pair(value: unknown): [number, number] {
  return value as [number, number];
}

/** The tfjs-layers layer for one node (config from the node's attributes), or null for pass-through markers. */
function makeLayer(tfl: Tfl, node: LayerNode): Layer | null {
  const a = node.attrs;
  const padding = a.padding as 'same' | 'valid';
  const common = { name: node.path.replace(/[^A-Za-z0-9_]/g, '_') };
  switch (node.op) {
    case 'Conv2D':
      if (a.groups !== 1) throw new LayersModelUnsupported(`${node.path}: tfjs-layers Conv2D has no groups`, node.id);
      return tfl.layers.conv2d({ ...common, filters: a.filters as number, kernelSize: pair(a.kernel_size), strides: pair(a.strides), padding,
        dilationRate: pair(a.dilation_rate), activation: activationOf(node) as never, useBias: Boolean(a.use_bias) });
    case 'DepthwiseConv2D':
      return tfl.layers.depthwiseConv2d({ ...common, kernelSize: pair(a.kernel_size), strides: pair(a.strides), padding,
        depthMultiplier: a.depth_multiplier as number, dilationRate: pair(a.dilation_rate), activation: activationOf(node) as never,
          useBias: Boolean(a.use_bias) });
    case 'SeparableConv2D':
      return tfl.layers.separableConv2d({ ...common, filters: a.filters as number, kernelSize: pair(a.kernel_size), strides: pair(a.strides), padding,
        dilationRate: pair(a.dilation_rate), depthMultiplier: a.depth_multiplier as number, activation: activationOf(node) as never,
          useBias: Boolean(a.use_bias) });
    case 'Dense':
      return tfl.layers.dense({ ...common, units: a.units as number, activation: activationOf(node) as never, useBias: Boolean(a.use_bias) });
    case 'BatchNormalization':
      return tfl.layers.batchNormalization({ ...common, axis: -1, epsilon: a.epsilon as number, momentum: a.momentum as number, center: Boolean(a.center),
        scale: Boolean(a.scale) });
    case 'Activation':
      return tfl.layers.activation({ ...common, activation: activationOf(node) as never });
    case 'keras.ReLU':
      if (a.negative_slope !== 0 || a.threshold !== 0)
        throw new LayersModelUnsupported(`${node.path}: tfjs-layers ReLU has no negative_slope/threshold`, node.id);
      return tfl.layers.reLU({ ...common, maxValue: (a.max_value as number | null) ?? undefined });
    case 'keras.LeakyReLU':
      return tfl.layers.leakyReLU({ ...common, alpha: a.negative_slope as number });
    case 'keras.Softmax':
      return tfl.layers.softmax({ ...common, axis: -1 });
    case 'ZeroPadding2D':
      return tfl.layers.zeroPadding2d({ ...common, padding: a.padding as [[number, number], [number, number]] });
    case 'MaxPooling2D':
      return tfl.layers.maxPooling2d({ ...common, poolSize: pair(a.pool_size), strides: pair(a.strides), padding });
    case 'AveragePooling2D':
      return tfl.layers.averagePooling2d({ ...common, poolSize: pair(a.pool_size), strides: pair(a.strides), padding });
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      if (a.keepdims) throw new LayersModelUnsupported(`${node.path}: tfjs-layers global pooling has no keepdims`, node.id);
      return node.op === 'GlobalAveragePooling2D' ? tfl.layers.globalAveragePooling2d(common) : tfl.layers.globalMaxPooling2d(common);
    case 'UpSampling2D':
      return tfl.layers.upSampling2d({ ...common, size: pair(a.size), interpolation: a.interpolation as 'nearest' | 'bilinear' });
    case 'keras.Flatten':
      return tfl.layers.flatten(common);
    case 'Reshape':
      return tfl.layers.reshape({ ...common, targetShape: a.target_shape as number[] });
    case 'keras.Dropout':
    case 'SpatialDropout2D':
    case 'GaussianNoise':
      return tfl.layers.dropout({ ...common, rate: 0 });
    case 'Rescaling':
      return tfl.layers.rescaling({ ...common, scale: a.scale as number, offset: a.offset as number });
    case 'Add':
      return tfl.layers.add(common);
    case 'Multiply':
      return tfl.layers.multiply(common);
    case 'Average':
      return tfl.layers.average(common);
    case 'Maximum':
      return tfl.layers.maximum(common);
    case 'Minimum':
      return tfl.layers.minimum(common);
    case 'Concatenate':
      return tfl.layers.concatenate({ ...common, axis: a.axis as number });
  }
  throw new LayersModelUnsupported(`${node.path} (${node.op}) has no tfjs-layers equivalent`, node.id);
}

/**
 * The graph as a tfjs-layers functional model: one tfjs layer per Keras layer (shared layers shared), weights set
 * from `weights` (the same values the registry builders use). Throws LayersModelUnsupported for anything else.
 */
export function buildKerasLayersModel(tf: Tf, tfl: Tfl, graph: LayerGraph, weights: ModelWeights, batch = 1): tflTypes.LayersModel {
  if (graph.layout !== 'NHWC') throw new LayersModelUnsupported('only Keras (channels-last) graphs map onto tfjs-layers', graph.nodes[0]?.id ?? '');
  const inputShape = graph.input.slice(1).map((d) => d ?? 1);
  const input = tfl.input({ batchShape: [batch, ...inputShape] });
  const values = new Map<string, SymbolicTensor>();
  const byPath = new Map<string, Layer>();
  const pending: [Layer, string][] = [];
  let output: SymbolicTensor | null = null;
  for (const node of graph.nodes) {
    const inputs = graph.edges.filter((e) => e.to === node.id).sort((x, y) => x.toInput - y.toInput).map((e) => values.get(e.from));
    if (inputs.some((x) => x === undefined)) throw new LayersModelUnsupported(`${node.path}: an operand is not produced by a layer`, node.id);
    if (node.op === 'Input') {
      values.set(node.id, input);
      continue;
    }
    if (node.op === 'Output') {
      output = inputs[0] as SymbolicTensor;
      continue;
    }
    let layer = byPath.get(node.path);
    if (!layer) {
      layer = makeLayer(tfl, node)!;
      byPath.set(node.path, layer);
      if (node.attrs[BUILT_INPUT_DIM] !== undefined) pending.push([layer, node.path]);
    }
    const many = node.op === 'Add' || node.op === 'Multiply' || node.op === 'Average' || node.op === 'Maximum' || node.op === 'Minimum'
      || node.op === 'Concatenate';
    values.set(node.id, layer.apply(many ? (inputs as SymbolicTensor[]) : (inputs[0] as SymbolicTensor)) as SymbolicTensor);
    output = values.get(node.id)!;
  }
  if (!output) throw new LayersModelUnsupported('the graph has no output', '');
  const model = tfl.model({ inputs: input, outputs: output });
  for (const [layer, path] of pending) {
    const owned = weights.byPath.get(path) ?? [];
    const tensors: TfTensor[] = owned.map((w) => tf.tensor(w.data, w.shape, 'float32'));
    try {
      layer.setWeights(tensors as never);
    } finally {
      tf.dispose(tensors);
    }
  }
  return model;
}
