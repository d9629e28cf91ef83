// Which model and which inputs: config-object candidates, the input the file uses, token contexts, several inputs.
import { strict as assert } from 'node:assert';
import { analyzeSource } from '../../src/core/analyze';
import { parseInputArgument, UsageError } from '../../src/cli/args';

const CIFAR_NET = `import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(8 * 16 * 16, num_classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.conv(x)), 1))
`;

const TOKEN_MODEL = `import torch.nn as nn
from dataclasses import dataclass


@dataclass
class LMConfig:
    vocab_size: int = 50
    block_size: int = 24
    n_embd: int = 16


class LM(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.head = nn.Linear(config.n_embd, config.vocab_size, bias=False)

    def forward(self, idx):
        b, t = idx.size()
        assert t <= self.config.block_size
        return self.head(self.wte(idx))
`;

const THREE_INPUTS = `import torch.nn as nn


class Denoiser(nn.Module):
    def __init__(self):
        super().__init__()
        self.x_embed = nn.Conv2d(4, 16, 2, stride=2)
        self.t_embed = nn.Linear(1, 16)
        self.y_embed = nn.Embedding(11, 16)

    def forward(self, x, t, y, scale=1.0):
        h = self.x_embed(x).flatten(2).transpose(1, 2)
        c = self.t_embed(t[:, None]) + self.y_embed(y)
        return (h + c[:, None, :]) * scale
`;

describe('model inputs', () => {
  it("takes the input the file's own test function feeds the model", async () => {
    const g = await analyzeSource(CIFAR_NET + '\n\ndef test():\n    net = Net()\n    y = net(torch.randn(2, 3, 32, 32))\n    print(y.size())\n', 'net.py');
    assert.equal(g.inputSource, 'file');
    assert.deepEqual(g.input, [2, 3, 32, 32]);
    assert.deepEqual(g.output, [2, 10]);
    assert.equal(g.diagnostics.filter((d) => d.severity === 'error').length, 0);
  });

  it("takes the input of the file's main block, through a variable", async () => {
    const g = await analyzeSource(CIFAR_NET
      + '\n\nif __name__ == "__main__":\n    x = torch.zeros(4, 3, 32, 32)\n    model = Net(num_classes=5)\n    print(model(x).shape)\n', 'net.py');
    assert.equal(g.inputSource, 'file');
    assert.deepEqual(g.input, [4, 3, 32, 32]);
  });

  it('says an error found with an assumed input was found with an assumed input, and how to give one', async () => {
    const g = await analyzeSource(CIFAR_NET, 'net.py');
    assert.equal(g.inputSource, 'default');
    const err = g.diagnostics.find((d) => d.severity === 'error');
    assert.ok(err);
    assert.match(err.message, /assumed input 1×3×224×224.*--input/);
  });

  it('builds a model whose constructor takes a config object with defaults, on token ids over its context length', async () => {
    const g = await analyzeSource(TOKEN_MODEL, 'lm.py');
    assert.equal(g.model, 'LM(LMConfig())');
    assert.deepEqual(g.input, [1, 24]);
    assert.equal(g.inputs?.[0].dtype, 'int64');
    assert.deepEqual(g.output, [1, 24, 50]);
    assert.deepEqual(g.diagnostics.filter((d) => d.severity === 'error'), []);
  });

  it('traces forward with several inputs given by position, by name, with dtypes and plain values', async () => {
    const g = await analyzeSource(THREE_INPUTS, 'dit.py', { inputs: [parseInputArgument('2,4,16,16'), parseInputArgument('2'), parseInputArgument('y=2:int64'),
      parseInputArgument('scale=3')] });
    assert.deepEqual(g.output, [2, 64, 16]);
    assert.deepEqual(g.inputs?.map((i) => [i.name, i.shape, i.dtype, i.value]), [['x', [2, 4, 16, 16], 'float32', undefined], ['t', [2], 'float32', undefined],
      ['y', [2], 'int64', undefined], ['scale', null, 'float32', 3]]);
    assert.equal(g.nodes.filter((n) => n.op === 'Input').length, 3);
    assert.deepEqual(g.diagnostics, []);
  });

  it('marks inputs nobody gave as unknown, says how to give them, and rejects a name forward does not take', async () => {
    const g = await analyzeSource(THREE_INPUTS, 'dit.py', { input: [2, 4, 16, 16] });
    assert.deepEqual(g.inputs?.map((i) => [i.name, i.source]), [['x', 'argument'], ['t', 'unknown'], ['y', 'unknown']]);
    const warning = g.diagnostics.find((d) => d.code === 'extra-inputs');
    assert.match(warning!.message, /'t', 'y' are unknown.*--input t=/);
    assert.deepEqual(g.nodes.find((n) => n.path === 'x_embed')!.outputShape, [2, 16, 8, 8]);
    const bad = await analyzeSource(THREE_INPUTS, 'dit.py', { inputs: [{ shape: [2, 4, 16, 16] }, { name: 'tt', shape: [2] }] });
    assert.ok(bad.diagnostics.some((d) => d.code === 'bad-input' && /'tt'/.test(d.message)));
  });

  it('parses --input specs and refuses malformed ones', () => {
    assert.deepEqual(parseInputArgument('1,64:int64'), { shape: [1, 64], dtype: 'int64' });
    assert.deepEqual(parseInputArgument('t=1:int64'), { name: 't', shape: [1], dtype: 'int64' });
    assert.deepEqual(parseInputArgument('start_pos=0'), { name: 'start_pos', value: 0 });
    assert.deepEqual(parseInputArgument('use_cache=False'), { name: 'use_cache', value: false });
    assert.deepEqual(parseInputArgument('mask=1,8:bool'), { name: 'mask', shape: [1, 8], dtype: 'bool' });
    assert.throws(() => parseInputArgument('1,3:complex'), UsageError);
    assert.throws(() => parseInputArgument('x=0,3'), UsageError);
  });
});
