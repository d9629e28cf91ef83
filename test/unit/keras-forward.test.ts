// Forward pass of Keras graphs: the registry builders (channels-last, no layout conversion) against tfjs-layers.
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { analyzeSource } from '../../src/core/analyze';
import type { LayerGraph } from '../../src/core/graph/ir';
import type { Tf } from '../../src/core/ops/types';
import { prepareRun, runForward } from '../../src/core/run/index';
import { buildKerasLayersModel } from '../../src/core/run/kerasLayersModel';

const tfns = tf as unknown as Tf;

/** Every Keras layer NetLens models that tfjs-layers also has, with odd sizes so "same" padding is asymmetric. */
const MIXED = `
import keras
from keras import layers

def block(x, filters, stride, name):
    shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=False, name=name + "_proj")(x)
    y = layers.DepthwiseConv2D(3, strides=stride, padding="same", depth_multiplier=2, name=name + "_dw")(x)
    y = layers.BatchNormalization(epsilon=1e-3, name=name + "_bn")(y)
    y = layers.ReLU(max_value=6.0, name=name + "_relu6")(y)
    y = layers.SeparableConv2D(filters, 3, padding="same", activation="swish", name=name + "_sep")(y)
    y = layers.Add(name=name + "_add")([shortcut, y])
    return layers.LeakyReLU(negative_slope=0.1, name=name + "_out")(y)

def build():
    inputs = keras.Input(shape=(13, 11, 3))
    x = layers.Rescaling(1.0 / 127.5, offset=-1.0)(inputs)
    x = layers.ZeroPadding2D(padding=((1, 2), (0, 1)))(x)
    x = layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)
    a = block(x, 12, 2, "b1")
    b = layers.AveragePooling2D(3, strides=2, padding="same")(x)
    b = layers.Conv2D(12, 1)(b)
    x = layers.Concatenate()([a, b])
    x = layers.MaxPooling2D(2, strides=1, padding="same")(x)
    x = layers.UpSampling2D(2)(x)
    x = layers.Conv2D(6, (3, 2), dilation_rate=2, activation="tanh")(x)
    m = layers.multiply([x, layers.Activation("sigmoid")(x)])
    x = layers.average([x, m])
    g = layers.GlobalMaxPooling2D()(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.5)(x)
    x = layers.Dense(16, activation="gelu")(x)
    x = layers.Concatenate()([x, g])
    x = layers.Reshape((2, 11))(x)
    x = layers.Dense(5)(x)
    x = layers.Flatten()(x)
    return keras.Model(inputs, layers.Softmax()(layers.Dense(7)(x)))
`;

async function analyse(source: string, model: string): Promise<LayerGraph> {
  const graph = await analyzeSource(source, 'keras_forward.py', { model });
  const errors = graph.diagnostics.filter((d) => d.severity !== 'info');
  assert.deepEqual(errors.map((d) => `${d.code}: ${d.message}`), []);
  return graph;
}

describe('keras: forward pass', function () {
  this.timeout(120_000);
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('agrees with the same model built from tfjs-layers (Keras semantics) with the same weights', async () => {
    const graph = await analyse(MIXED, 'build()');
    assert.equal(graph.layout, 'NHWC');
    const prepared = prepareRun(graph, { seed: 3 });
    assert.deepEqual(prepared.plan.inputShape, [1, 13, 11, 3], 'a None batch runs as 1');
    const start = tf.memory().numTensors;
    const model = buildKerasLayersModel(tfns, tfl, graph, prepared.weights);
    const input = tf.tensor(prepared.input, [1, 13, 11, 3]);
    const reference = model.predict(input) as tf.Tensor;
    const expected = await reference.data();
    tf.dispose([input, reference]);
    model.dispose();
    const report = await runForward(tfns, graph, { prepared, runs: 1, warmup: 0, plainRuns: 0 });
    assert.deepEqual(report.output, [1, 7]);
    assert.deepEqual(report.mismatches, [], 'every runtime shape matches the static channels-last shape');
    assert.equal(report.outputData.length, expected.length);
    report.outputData.forEach((v, i) => assert.ok(Math.abs(v - (expected[i] as number)) < 1e-5, `output[${i}] ${v} vs tfjs-layers ${expected[i]}`));
    assert.equal(tf.memory().numTensors, start);
  });

  it('initialises like Keras: glorot-uniform kernels, zero biases, BatchNormalization 1/0/0/1', async () => {
    const graph = await analyse(MIXED, 'build()');
    const weights = prepareRun(graph, { seed: 1 }).weights.byPath;
    const dense = [...weights.entries()].find(([path]) => path.endsWith('dense'))![1];
    const kernel = dense.find((w) => w.name === 'kernel')!;
    const [fanIn, fanOut] = kernel.shape as [number, number];
    const bound = Math.sqrt(6 / (fanIn + fanOut));
    assert.ok(kernel.data.every((v) => Math.abs(v) <= bound) && kernel.data.some((v) => Math.abs(v) > bound / 2));
    assert.ok(dense.find((w) => w.name === 'bias')!.data.every((v) => v === 0));
    const bn = [...weights.entries()].find(([path]) => path.endsWith('b1_bn'))![1];
    assert.deepEqual(bn.map((w) => [w.name, w.trainable, w.data[0]]), [['gamma', true, 1], ['beta', true, 0], ['moving_mean', false, 0], ['moving_variance',
      false, 1]]);
  });

  it('runs the Keras ResNet50 fixture at 64x64 with every static shape confirmed', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const source = fs.readFileSync(path.join(__dirname, '../fixtures/keras_resnet50.py'), 'utf8');
    const graph = await analyzeSource(source, 'keras_resnet50.py', { model: 'ResNet50(input_shape=(64, 64, 3), classes=10)' });
    const report = await runForward(tfns, graph, { runs: 1, warmup: 0, plainRuns: 0 });
    assert.deepEqual(report.output, [1, 10]);
    assert.deepEqual(report.mismatches, []);
    assert.equal(report.unchecked, 0);
    const sum = report.outputData.reduce((acc, v) => acc + v, 0);
    assert.ok(Math.abs(sum - 1) < 1e-4, `softmax output sums to ${sum}`);
  });
});
