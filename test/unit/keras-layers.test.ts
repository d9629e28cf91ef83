// Keras layers one at a time against tfjs-layers (an independent implementation of Keras): output shape and
// countParams() (every weight, non-trainable ones included) agree with the NetLens analysis of a one-layer model.
import { strict as assert } from 'node:assert';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { analyzeSource } from '../../src/core/analyze';

interface Case {
  /** The Keras constructor call as a file writes it. */
  keras: string;
  /** The same layer in tfjs-layers. */
  tfjs: () => tfl.layers.Layer;
  /** Input shape without the batch axis. */
  input: number[];
}

/** tfjs-layers' default orthogonal recurrent initialiser does not run under Node here; counts do not depend on it. */
const RNN_INIT = { recurrentInitializer: 'glorotUniform' } as const;

const CASES: Case[] = [
  { keras: 'layers.Conv1D(8, 3, strides=2, padding="same")', tfjs: () => tfl.layers.conv1d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' }),
    input: [11, 5] },
  { keras: 'layers.Conv1D(6, 4, dilation_rate=2)', tfjs: () => tfl.layers.conv1d({ filters: 6, kernelSize: 4, dilationRate: 2 }), input: [20, 3] },
  { keras: 'layers.Conv3D(4, (3, 3, 2), padding="same")', tfjs: () => tfl.layers.conv3d({ filters: 4, kernelSize: [3, 3, 2], padding: 'same' }),
    input: [6, 7, 5, 3] },
  { keras: 'layers.Conv2DTranspose(6, 3, strides=2, padding="same")',
    tfjs: () => tfl.layers.conv2dTranspose({ filters: 6, kernelSize: 3, strides: 2, padding: 'same' }), input: [5, 7, 4] },
  { keras: 'layers.Conv2DTranspose(6, 3, strides=2)', tfjs: () => tfl.layers.conv2dTranspose({ filters: 6, kernelSize: 3, strides: 2 }), input: [5, 7, 4] },
  { keras: 'layers.Conv2DTranspose(5, 2, strides=3, use_bias=False)',
    tfjs: () => tfl.layers.conv2dTranspose({ filters: 5, kernelSize: 2, strides: 3, useBias: false }), input: [4, 4, 2] },
  { keras: 'layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same")',
    tfjs: () => tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }), input: [9, 9, 5] },
  { keras: 'layers.SeparableConv2D(12, 3, strides=2, depth_multiplier=3)',
    tfjs: () => tfl.layers.separableConv2d({ filters: 12, kernelSize: 3, strides: 2, depthMultiplier: 3 }), input: [11, 9, 4] },
  { keras: 'layers.Embedding(100, 16)', tfjs: () => tfl.layers.embedding({ inputDim: 100, outputDim: 16 }), input: [10] },
  { keras: 'layers.LayerNormalization(epsilon=1e-6)', tfjs: () => tfl.layers.layerNormalization({ epsilon: 1e-6 }), input: [5, 12] },
  { keras: 'layers.BatchNormalization()', tfjs: () => tfl.layers.batchNormalization(), input: [6, 6, 7] },
  { keras: 'layers.MaxPooling1D(3, strides=2, padding="same")', tfjs: () => tfl.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }),
    input: [11, 4] },
  { keras: 'layers.AveragePooling1D(2)', tfjs: () => tfl.layers.averagePooling1d({ poolSize: 2 }), input: [9, 3] },
  { keras: 'layers.GlobalAveragePooling1D()', tfjs: () => tfl.layers.globalAveragePooling1d(), input: [7, 5] },
  { keras: 'layers.GlobalMaxPooling1D()', tfjs: () => tfl.layers.globalMaxPooling1d(), input: [7, 5] },
  { keras: 'layers.RepeatVector(3)', tfjs: () => tfl.layers.repeatVector({ n: 3 }), input: [6] },
  { keras: 'layers.Permute((2, 1))', tfjs: () => tfl.layers.permute({ dims: [2, 1] }), input: [4, 6] },
  { keras: 'layers.Cropping2D(((1, 2), (0, 1)))', tfjs: () => tfl.layers.cropping2D({ cropping: [[1, 2], [0, 1]] }), input: [9, 8, 3] },
  { keras: 'layers.ZeroPadding2D(((1, 2), (0, 1)))', tfjs: () => tfl.layers.zeroPadding2d({ padding: [[1, 2], [0, 1]] }), input: [9, 8, 3] },
  { keras: 'layers.UpSampling2D((2, 3))', tfjs: () => tfl.layers.upSampling2d({ size: [2, 3] }), input: [4, 5, 2] },
  { keras: 'layers.Dense(7)', tfjs: () => tfl.layers.dense({ units: 7 }), input: [3, 5] },
  { keras: 'layers.SimpleRNN(7)', tfjs: () => tfl.layers.simpleRNN({ ...RNN_INIT, units: 7 }), input: [10, 8] },
  { keras: 'layers.LSTM(16)', tfjs: () => tfl.layers.lstm({ ...RNN_INIT, units: 16 }), input: [10, 8] },
  { keras: 'layers.LSTM(6, return_sequences=True)', tfjs: () => tfl.layers.lstm({ ...RNN_INIT, units: 6, returnSequences: true }), input: [9, 5] },
  { keras: 'layers.GRU(12, reset_after=False, return_sequences=True)', tfjs: () => tfl.layers.gru({ ...RNN_INIT, units: 12, returnSequences: true }), input: [9, 5] },
  { keras: 'layers.Bidirectional(layers.LSTM(6, return_sequences=True))',
    tfjs: () => tfl.layers.bidirectional({ layer: tfl.layers.lstm({ ...RNN_INIT, units: 6, returnSequences: true }) as never }), input: [9, 5] },
  { keras: 'layers.Bidirectional(layers.GRU(4, reset_after=False), merge_mode="sum")',
    tfjs: () => tfl.layers.bidirectional({ layer: tfl.layers.gru({ ...RNN_INIT, units: 4 }) as never, mergeMode: 'sum' }), input: [9, 5] },
  { keras: 'layers.SpatialDropout1D(0.2)', tfjs: () => tfl.layers.spatialDropout1d({ rate: 0.2 }), input: [8, 3] },
  { keras: 'layers.GaussianDropout(0.2)', tfjs: () => tfl.layers.gaussianDropout({ rate: 0.2 }), input: [8, 3] },
  { keras: 'layers.AlphaDropout(0.2)', tfjs: () => tfl.layers.alphaDropout({ rate: 0.2 }), input: [8, 3] },
];

describe('keras layers: shapes and parameter counts as tfjs-layers has them', () => {
  it('a GRU with reset_after=True (Keras 3\'s default) has two bias rows: 3·(F·u + u·u) + 2·3·u', async () => {
    const source = `import keras\nfrom keras import layers\ninputs = keras.Input(shape=(9, 5))\nmodel = keras.Model(inputs, layers.GRU(12)(inputs))\n`;
    const graph = await analyzeSource(source, 'layer.py', {});
    assert.deepEqual(graph.output, [null, 12]);
    assert.equal(graph.params, 3 * (5 * 12 + 12 * 12) + 2 * 3 * 12);
  });

  // tfjs-layers reports causal convolutions with the "valid" length; Keras pads (k - 1)·d steps first.
  it('a strided causal Conv1D pads (k - 1)·d steps first, as Keras does: 11 steps, stride 2 → 6', async () => {
    const source = `import keras\nfrom keras import layers\ninputs = keras.Input(shape=(11, 5))\nmodel = keras.Model(inputs, layers.Conv1D(8, 3, strides=2, padding="causal")(inputs))\n`;
    const graph = await analyzeSource(source, 'layer.py', {});
    assert.deepEqual(graph.output, [null, Math.floor((11 - 1) / 2) + 1, 8]);
    assert.equal(graph.params, 3 * 5 * 8 + 8);
  });

  for (const c of CASES) {
    it(`${c.keras} on (None, ${c.input.join(', ')})`, async () => {
      const source = `import keras\nfrom keras import layers\ninputs = keras.Input(shape=(${c.input.join(', ')},))\nmodel = keras.Model(inputs, ${c.keras}(inputs))\n`;
      const graph = await analyzeSource(source, 'layer.py', {});
      assert.deepEqual(graph.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code}: ${d.message}`), []);
      const layer = c.tfjs();
      const out = layer.apply(tfl.input({ shape: c.input })) as tfl.SymbolicTensor;
      assert.deepEqual(graph.output, out.shape, 'output shape');
      assert.equal(graph.params, layer.countParams(), 'countParams()');
    });
  }
});
