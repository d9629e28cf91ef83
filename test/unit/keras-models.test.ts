// Keras model code end to end through the analyser: import styles, functional / Sequential / subclassed models,
// groups from builder functions and name prefixes, shortcuts, totals and diagnostics.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeSource } from '../../src/core/analyze';
import type { LayerGraph } from '../../src/core/graph/ir';

const FIXTURES = path.join(__dirname, '../fixtures');

function analyse(source: string, options: { model?: string; input?: number[] } = {}): Promise<LayerGraph> {
  return analyzeSource(source, 'model.py', options);
}

function errorsOf(graph: LayerGraph): string[] {
  return graph.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} line ${d.range.line}: ${d.message}`);
}

const TINY_BODY = `
def build():
    inputs = Input(shape=(28, 28, 1))
    x = Conv2D(16, 3, padding="same", activation="relu")(inputs)
    x = MaxPooling2D()(x)
    x = Flatten()(x)
    return Model(inputs, Dense(10)(x))
`;

describe('keras models: recognising Keras code', () => {
  it('reads keras, tf.keras and "from ... import" spellings alike', async () => {
    const variants = [
      `from keras.layers import Input, Conv2D, MaxPooling2D, Flatten, Dense\nfrom keras.models import Model\n${TINY_BODY}`,
      `from tensorflow.keras.layers import Input, Conv2D, MaxPooling2D, Flatten, Dense\nfrom tensorflow.keras import Model\n${TINY_BODY}`,
      `import tensorflow as tf\nL = tf.keras.layers\nInput, Conv2D, MaxPooling2D, Flatten, Dense = L.Input, L.Conv2D, L.MaxPooling2D, L.Flatten, L.Dense\nModel = tf.keras.Model\n${TINY_BODY}`,
      `import keras\nfrom keras import layers\nInput, Conv2D, MaxPooling2D, Flatten, Dense = keras.Input, layers.Conv2D, layers.MaxPool2D, layers.Flatten, layers.Dense\nModel = keras.models.Model\n${TINY_BODY}`,
    ];
    for (const source of variants) {
      const graph = await analyse(source);
      assert.deepEqual(errorsOf(graph), []);
      assert.equal(graph.model, 'build()');
      assert.equal(graph.layout, 'NHWC');
      assert.deepEqual(graph.input, [null, 28, 28, 1]);
      assert.deepEqual(graph.output, [null, 10]);
      assert.equal(graph.params, 3 * 3 * 16 + 16 + 14 * 14 * 16 * 10 + 10);
      assert.equal(graph.nonTrainableParams, 0);
    }
  });

  it('leaves PyTorch graphs in PyTorch order (no layout field)', async () => {
    const graph =
      await analyse('import torch.nn as nn\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 2)\n    def forward(self, x):\n        return self.fc(x)\n');
    assert.equal(graph.layout, undefined);
    assert.equal(graph.nonTrainableParams, undefined);
  });

  it('picks up a model built by a script at module level, and honours --input over keras.Input', async () => {
    const source =
      `import keras\nfrom keras import layers\ninputs = keras.Input((8,))\nhidden = layers.Dense(4, activation="relu")(inputs)\nmodel = keras.Model(inputs=inputs, outputs=layers.Dense(2)(hidden))\nmodel.compile(optimizer="adam", loss="mse")\nmodel.fit(None, None, epochs=3)\n`;
    const graph = await analyse(source);
    assert.equal(graph.model, 'model');
    assert.deepEqual(graph.output, [null, 2]);
    assert.equal(graph.params, 8 * 4 + 4 + 4 * 2 + 2);
    const given = await analyse(source, { input: [3, 8] });
    assert.deepEqual(given.output, [3, 2]);
    assert.equal(given.inputSource, 'argument');
  });
});

describe('keras models: groups and shortcuts', () => {
  it('groups layers by the function calls that built them, numbering unnamed repeats', async () => {
    const source = `import keras
from keras import layers

def residual_block(x, filters, stride=1):
    shortcut = x
    if stride != 1:
        shortcut = layers.Conv2D(filters, 1, strides=stride)(x)
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.ReLU()(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    return layers.add([shortcut, y])

def stack(x):
    x = residual_block(x, 16)
    return residual_block(x, 32, stride=2)

def build():
    inputs = keras.Input(shape=(32, 32, 16))
    x = stack(inputs)
    x = layers.concatenate([x, layers.Conv2D(8, 1)(x)])
    return keras.Model(inputs, x)
`;
    const graph = await analyse(source);
    assert.deepEqual(errorsOf(graph), []);
    assert.deepEqual(graph.output, [null, 16, 16, 40]);
    const groups = graph.groups.map((g) => `${g.path}:${g.className}:${g.kind}`);
    assert.ok(groups.includes('stack:stack:module'), groups.join(' '));
    assert.ok(groups.includes('stack.residual_block:residual_block:residual'), groups.join(' '));
    assert.ok(groups.includes('stack.residual_block_1:residual_block:residual'), groups.join(' '));
    assert.deepEqual(graph.shortcuts.map((s) => `${s.op}/${s.kind}@${s.path}`), ['add/identity@stack.residual_block', 'add/projection@stack.residual_block_1',
      'cat/identity@']);
    const add = graph.nodes.find((n) => n.op === 'Add' && n.group === graph.groups.find((g) => g.path === 'stack.residual_block_1')?.id);
    assert.ok(add, 'the second block owns its Add node');
    assert.equal(add.callRange?.line, 12);
  });

  it('groups by name= prefixes when the code is flat, and by builder functions in the ResNet50 fixture', async () => {
    const flat = `import keras\nfrom keras import layers\ninputs = keras.Input((16, 16, 3))\nx = layers.Conv2D(8, 3, name="stem_conv")(inputs)\nx = layers.BatchNormalization(name="stem_bn")(x)\nx = layers.Conv2D(8, 3, name="head_conv")(x)\nmodel = keras.Model(inputs, x)\n`;
    const graph = await analyse(flat);
    assert.deepEqual(graph.groups.map((g) => `${g.path}:${g.className}`), [':Model', 'stem:stem_*']);
    assert.deepEqual(graph.nodes.filter((n) => n.op !== 'Input' && n.op !== 'Output').map((n) => n.path), ['stem.stem_conv', 'stem.stem_bn', 'head_conv']);

    const resnet = await analyse(fs.readFileSync(path.join(FIXTURES, 'keras_resnet50.py'), 'utf8'));
    assert.equal(resnet.params, 25_636_712, 'Keras "Total params" of ResNet50');
    assert.equal(resnet.nonTrainableParams, 53_120);
    assert.equal(resnet.trainableParams, 25_583_592);
    const mobile = await analyse(fs.readFileSync(path.join(FIXTURES, 'keras_se_mobile.py'), 'utf8'), { model: 'build_model()' });
    assert.equal(mobile.nonTrainableParams, 7 + 32 + 64 + 304 + 432, 'Normalization mean, variance, count and BN moving statistics');
    assert.equal(mobile.trainableParams, 18_453 - 839);

    const frozen = await analyse(`import keras\nfrom keras import layers\ndef build():\n    base = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4), layers.BatchNormalization()])\n    base.trainable = False\n    inputs = keras.Input(shape=(8,))\n    x = layers.Dense(3, trainable=False)(base(inputs))\n    return keras.Model(inputs, layers.Dense(2)(x))\n`);
    assert.equal(frozen.params, 8 * 4 + 4 + 4 * 4 + 4 * 3 + 3 + 3 * 2 + 2, 'frozen weights still count in Total params');
    assert.equal(frozen.nonTrainableParams, 8 * 4 + 4 + 4 * 4 + 4 * 3 + 3, 'a frozen model and a trainable=False layer');
    assert.equal(frozen.trainableParams, 3 * 2 + 2);
    const block = resnet.groups.find((g) => g.path === 'resnet_body.conv3.conv3_block1');
    assert.ok(block, resnet.groups.map((g) => g.path).join(' '));
    assert.equal(block.className, 'bottleneck');
    assert.equal(block.kind, 'residual');
    assert.equal(resnet.groups.find((g) => g.path === 'resnet_body.conv3')?.className, 'stage');
    assert.equal(resnet.groups.find((g) => g.path === 'conv1')?.className, 'conv1_*');
    const projection = resnet.shortcuts.find((s) => s.path === 'resnet_body.conv3.conv3_block1');
    assert.equal(projection?.kind, 'projection');
    assert.deepEqual(projection?.shapes, [[null, 28, 28, 512], [null, 28, 28, 512]]);
  });
});

describe('keras models: tensor operations on Keras tensors', () => {
  it('replays `y + shortcut` inside its block, as a residual addition with its shape check', async () => {
    const source = `import keras
from keras import layers

def block(x, filters, stride):
    y = layers.Conv2D(filters, 3, strides=stride, padding="same")(x)
    y = layers.BatchNormalization()(y)
    return layers.Activation("relu")(y + x)

def build(stride=1):
    inputs = keras.Input(shape=(8, 8, 4))
    x = block(inputs, 4, 1)
    x = block(x, 4, stride)
    return keras.Model(inputs, layers.Flatten()(x))
`;
    const good = await analyse(source);
    assert.deepEqual(errorsOf(good), []);
    assert.deepEqual(good.shortcuts.map((s) => `${s.op}/${s.kind}@${s.path}`), ['add/identity@block', 'add/identity@block_1']);
    assert.deepEqual(good.output, [null, 256]);
    const broken = await analyse(source, { model: 'build(stride=2)' });
    assert.deepEqual(broken.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}@${d.range.line}`), ['shortcut-shape-mismatch@7']);
  });
});

describe('keras models: diagnostics', () => {
  it('reports the broken residual block at its layers.Add line with Keras shapes and a Keras fix', async () => {
    const graph = await analyse(fs.readFileSync(path.join(FIXTURES, 'keras_broken_block.py'), 'utf8'));
    const errors = graph.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 1);
    const [error] = errors;
    assert.equal(error!.code, 'shortcut-shape-mismatch');
    assert.equal(error!.range.line, 16);
    assert.match(error!.message, /\(None, 16, 16, 32\) \(shortcut\) and \(None, 8, 8, 64\)/);
    assert.match(error!.message, /layers\.Conv2D\(64, 1, strides=2\)/);
    assert.deepEqual(graph.output, [null, 10], 'analysis continues after the error');
  });

  it('turns bad layer arguments and unmodelled operations into diagnostics, not crashes', async () => {
    const source =
      `import tensorflow as tf\nfrom tensorflow.keras import layers\ndef build():\n    inputs = tf.keras.Input(shape=(8, 8, 3))\n    x = layers.Conv2D(4, 3, padding="full")(inputs)\n    y = tf.nn.local_response_normalization(layers.Conv2D(4, 1)(inputs))\n    return tf.keras.Model(inputs, layers.Flatten()(y))\n`;
    const graph = await analyse(source);
    const codes = graph.diagnostics.map((d) => `${d.severity} ${d.code} ${d.range.line}`);
    assert.ok(codes.includes('error bad-layer-arguments 5'), codes.join(', '));
    assert.ok(codes.includes('warning unknown-op 6'), codes.join(', '));
    assert.ok(graph.nodes.some((n) => n.op === 'keras.Flatten'), 'the graph continues past the unknown operation');
  });

  it('says so when a file asks for channels_first, and goes on channels-last', async () => {
    const source = `import keras\nfrom keras import layers\nkeras.backend.set_image_data_format("channels_first")\ninputs = keras.Input((8, 8, 3))\nmodel = keras.Model(inputs, layers.Conv2D(4, 3)(inputs))\n`;
    const graph = await analyse(source);
    assert.deepEqual(graph.diagnostics.map((d) => `${d.severity} ${d.code} ${d.range.line}`), ['warning keras-channels-first 3']);
    assert.deepEqual(graph.output, [null, 6, 6, 4]);
  });

  it('warns when a subclassed model declares no input shape, and assumes (None, 224, 224, 3)', async () => {
    const source =
      `import keras\nfrom keras import layers\nclass Net(keras.Model):\n    def __init__(self):\n        super().__init__()\n        self.conv = layers.Conv2D(8, 3, strides=2, padding="same")\n        self.pool = layers.GlobalAveragePooling2D()\n    def call(self, x):\n        return self.pool(self.conv(x))\n`;
    const graph = await analyse(source);
    assert.ok(graph.diagnostics.some((d) => d.code === 'keras-input-unknown'));
    assert.deepEqual(graph.input, [null, 224, 224, 3]);
    assert.deepEqual(graph.output, [null, 8]);
    assert.equal(graph.params, 3 * 3 * 3 * 8 + 8);
    assert.deepEqual(graph.nodes.filter((n) => n.op === 'Conv2D').map((n) => n.path), ['conv']);
  });
});
