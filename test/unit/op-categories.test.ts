// Op categories: every registry entry declares one, and the tracer writes it into every IR node (the webview colours by it).
import { strict as assert } from 'node:assert';
import { analyzeSource } from '../../src/core/analyze';
import type { LayerGraph, OpCategory } from '../../src/core/graph/ir';
import { ALL_OPS } from '../../src/core/ops/registry';
import { opCategory } from '../../src/core/ops/categories';

/** Every category the IR knows; a new one added to OpCategory fails to compile here until it is listed. */
const KNOWN: Record<OpCategory, true> = {
  conv: true, linear: true, norm: true, activation: true, pool: true, merge: true, elementwise: true, reduce: true, reshape: true,
  resample: true, attention: true, sequence: true, embedding: true, dropout: true, identity: true, io: true, other: true,
};

function categories(graph: LayerGraph): Map<string, OpCategory> {
  return new Map(graph.nodes.map((node) => [node.op, node.category]));
}

const KERAS = `
from tensorflow.keras import layers, Model

def build():
    inputs = layers.Input(shape=(16, 16, 3))
    a = layers.Conv2D(8, 3, padding="same")(inputs)
    b = layers.Activation("relu")(a)
    c = layers.Concatenate()([a, b])
    d = layers.UpSampling2D()(c)
    e = layers.GlobalAveragePooling2D()(d)
    return Model(inputs, layers.Dense(10)(e))
`;

const TORCH = `
import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)

    def forward(self, x):
        y = self.conv(x)
        z = (y - y.mean()) / (y.pow(2) + 1).sqrt()
        return torch.sub(z, 1) ** 2
`;

describe('op categories', () => {
  it('every registered op declares a known category', () => {
    const missing = ALL_OPS.filter((spec) => spec.category === undefined || !Object.hasOwn(KNOWN, spec.category)).map((spec) => spec.op);
    assert.deepEqual(missing, []);
  });

  it('writes the category of Keras Dense, Concatenate, Activation and UpSampling2D into the IR', async () => {
    const graph = await analyzeSource(KERAS, 'model.py');
    const byOp = categories(graph);
    assert.equal(byOp.get('Dense'), 'linear');
    assert.equal(byOp.get('Concatenate'), 'merge');
    assert.equal(byOp.get('Activation'), 'activation');
    assert.equal(byOp.get('UpSampling2D'), 'resample');
    assert.equal(byOp.get('Conv2D'), 'conv');
    assert.equal(byOp.get('Input'), 'io');
  });

  it('writes the category of torch sub, div and pow, and of tensor math without an entry, into the IR', async () => {
    const graph = await analyzeSource(TORCH, 'model.py', { input: [1, 3, 8, 8] });
    const byOp = categories(graph);
    assert.equal(byOp.get('sub'), 'merge');
    assert.equal(byOp.get('div'), 'merge');
    assert.equal(byOp.get('pow'), 'merge');
    assert.equal(byOp.get('sqrt'), 'elementwise');
    assert.equal(byOp.get('mean'), 'reduce');
    assert.equal(byOp.get('Output'), 'io');
    for (const node of graph.nodes) assert.ok(Object.hasOwn(KNOWN, node.category), `${node.op}: ${node.category}`);
  });

  it('falls back to the table for ops recorded without an entry, and to other for names nobody knows', () => {
    assert.equal(opCategory('einsum'), 'linear');
    assert.equal(opCategory('Unknown'), 'other');
    assert.equal(opCategory('no_such_op'), 'other');
    assert.equal(opCategory('Linear'), 'linear');
  });
});
