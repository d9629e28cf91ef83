// Forward builders of Keras layers against tfjs-layers with the same weights: recurrent cells step by step, transposed,
// 1-D and 3-D convolutions, LayerNormalization, 1-D pooling, Permute, RepeatVector, Cropping2D (channels-last, Keras's
// weight layout on both sides).
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { findModuleOp } from '../../src/core/ops/registry';
import { BUILT_INPUT_DIM } from '../../src/core/ops/kerasArgs';
import type { Attrs, Tf, TfTensor } from '../../src/core/ops/types';

/** tfjs-layers' orthogonal initialiser does not run under Node here; its recurrent activation defaults to Keras 2's hard sigmoid. */
const RNN_INIT = { recurrentInitializer: 'glorotUniform', recurrentActivation: 'sigmoid', biasInitializer: 'glorotUniform' } as const;

interface Case {
  name: string;
  given: Attrs;
  tfjs: () => tfl.layers.Layer;
  input: number[];
}

const CASES: Case[] = [
  { name: 'SimpleRNN', given: { units: 5, return_sequences: true }, tfjs: () => tfl.layers.simpleRNN({ ...RNN_INIT, units: 5, returnSequences: true }),
    input: [2, 6, 3] },
  { name: 'LSTM', given: { units: 4 }, tfjs: () => tfl.layers.lstm({ ...RNN_INIT, units: 4 }), input: [2, 7, 3] },
  { name: 'LSTM', given: { units: 4, return_sequences: true, go_backwards: true },
    tfjs: () => tfl.layers.lstm({ ...RNN_INIT, units: 4, returnSequences: true, goBackwards: true }), input: [2, 5, 3] },
  { name: 'GRU', given: { units: 6, reset_after: false, return_sequences: true },
    tfjs: () => tfl.layers.gru({ ...RNN_INIT, units: 6, returnSequences: true }), input: [2, 5, 4] },
  { name: 'Bidirectional', given: { layer: 'LSTM', units: 3, return_sequences: true },
    tfjs: () => tfl.layers.bidirectional({ layer: tfl.layers.lstm({ ...RNN_INIT, units: 3, returnSequences: true }) as never }), input: [2, 5, 4] },
  { name: 'Bidirectional', given: { layer: 'GRU', units: 3, reset_after: false, merge_mode: 'sum' },
    tfjs: () => tfl.layers.bidirectional({ layer: tfl.layers.gru({ ...RNN_INIT, units: 3 }) as never, mergeMode: 'sum' }),
    input: [2, 5, 4] },
  { name: 'Conv2DTranspose', given: { filters: 3, kernel_size: 3, strides: 2, padding: 'same' },
    tfjs: () => tfl.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', biasInitializer: 'glorotUniform' }),
    input: [1, 5, 4, 2] },
  { name: 'Conv2DTranspose', given: { filters: 3, kernel_size: 2, strides: 3 },
    tfjs: () => tfl.layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 3 }), input: [1, 4, 3, 2] },
  { name: 'Conv1D', given: { filters: 4, kernel_size: 3, strides: 2, padding: 'same' },
    tfjs: () => tfl.layers.conv1d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', biasInitializer: 'glorotUniform' }), input: [2, 9, 3] },
  { name: 'Conv3D', given: { filters: 2, kernel_size: [3, 2, 2], padding: 'same' },
    tfjs: () => tfl.layers.conv3d({ filters: 2, kernelSize: [3, 2, 2], padding: 'same', biasInitializer: 'glorotUniform' }), input: [1, 4, 5, 3, 2] },
  { name: 'LayerNormalization', given: { epsilon: 1e-6 },
    tfjs: () => tfl.layers.layerNormalization({ epsilon: 1e-6, gammaInitializer: 'glorotUniform', betaInitializer: 'glorotUniform' }), input: [2, 3, 6] },
  { name: 'MaxPooling1D', given: { pool_size: 3, strides: 2, padding: 'same' },
    tfjs: () => tfl.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }), input: [2, 9, 3] },
  { name: 'AveragePooling1D', given: { pool_size: 2 }, tfjs: () => tfl.layers.averagePooling1d({ poolSize: 2 }), input: [2, 9, 3] },
  { name: 'GlobalMaxPooling1D', given: {}, tfjs: () => tfl.layers.globalMaxPooling1d(), input: [2, 7, 3] },
  { name: 'Permute', given: { dims: [2, 1] }, tfjs: () => tfl.layers.permute({ dims: [2, 1] }), input: [2, 4, 3] },
  { name: 'RepeatVector', given: { n: 3 }, tfjs: () => tfl.layers.repeatVector({ n: 3 }), input: [2, 5] },
  { name: 'Cropping2D', given: { cropping: [[1, 2], [0, 1]] }, tfjs: () => tfl.layers.cropping2D({ cropping: [[1, 2], [0, 1]] }), input: [1, 6, 5, 2] },
];

/** The entry's attrs as a Keras call would bind them, built for the input's last axis. */
function attrsFor(name: string, given: Attrs, features: number): Attrs {
  const spec = findModuleOp(`keras.layers.${name}`)!;
  const attrs: Attrs = {};
  for (const p of spec.signature ?? []) attrs[p.name] = p.name in given ? given[p.name]! : (p.default ?? null);
  return { ...(spec.normalize ? spec.normalize(attrs) : attrs), [BUILT_INPUT_DIM]: features };
}

describe('keras layers: forward builders against tfjs-layers', function () {
  this.timeout(60_000);
  before(async () => {
    await tf.setBackend('cpu');
  });

  for (const c of CASES) {
    it(`${c.name} ${JSON.stringify(c.given)} on ${c.input.join('×')}`, () => {
      const spec = findModuleOp(`keras.layers.${c.name}`)!;
      const attrs = attrsFor(c.name, c.given, c.input[c.input.length - 1]!);
      const specs = spec.weights?.(attrs) ?? [];
      const layer = c.tfjs();
      const x = tf.randomNormal(c.input, 0, 1, 'float32', 7);
      const expected = layer.apply(x) as tf.Tensor;
      const theirs = layer.getWeights();
      assert.deepEqual(theirs.map((w) => w.shape), specs.map((w) => w.shape), 'the same weights in the same layout');
      const weights = Object.fromEntries(specs.map((w, i) => [w.name, theirs[i] as unknown as TfTensor]));
      const got = spec.forward!(tf as unknown as Tf, attrs, [x as unknown as TfTensor], weights, [c.input]) as unknown as tf.Tensor;
      assert.deepEqual(got.shape, expected.shape);
      const [a, b] = [got.dataSync(), expected.dataSync()];
      a.forEach((v, i) => assert.ok(Math.abs(v - (b[i] as number)) < 1e-4, `[${i}] ${v} vs tfjs-layers ${b[i]}`));
    });
  }
});
