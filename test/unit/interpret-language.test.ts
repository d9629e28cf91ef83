// The Python subset: arithmetic, strings, containers, control flow, functions, classes — observed through module shapes.
import assert from 'node:assert/strict';
import { analyze, errors, layerPaths, py, HEADER } from './interpret-helpers';

/** Builds a model whose Linear(in=EXPR, out=1) exposes the value of a Python int expression as the graph input size. */
async function intValue(prelude: string, expr: string): Promise<number> {
  const g = await analyze(HEADER + py(prelude)
    + `\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(${expr}, 1)\n    def forward(self, x):\n        return self.fc(x)\n`);
  assert.deepEqual(errors(g), [], JSON.stringify(g.diagnostics));
  return g.input[1] as number;
}

describe('interpreter: expressions', () => {
  it('int and float arithmetic with //, %, ** and int()/round()', async () => {
    assert.equal(await intValue('', '7 // 2 + 7 % 3 + 2 ** 3'), 3 + 1 + 8);
    assert.equal(await intValue('', '-7 // 2 + (-7) % 3 + 10'), -4 + 2 + 10);
    assert.equal(await intValue('', 'int(64 * (96 / 64.))'), 96);
    assert.equal(await intValue('', 'round(2.5) + round(3.5) + int(round(10 * 0.25))'), 2 + 4 + 2);
  });
  it('math, max/min, abs, sum, len and chained comparisons', async () => {
    assert.equal(await intValue('import math\n', 'math.floor(7 / 2) + math.ceil(7 / 2) + int(math.sqrt(16))'), 3 + 4 + 4);
    assert.equal(await intValue('', 'max(3, 9, 4) + min([5, 2, 8]) + abs(-6) + sum([1, 2, 3]) + len("abcd")'), 9 + 2 + 6 + 6 + 4);
    assert.equal(await intValue('', '10 if 1 < 2 < 3 else 20'), 10);
    assert.equal(await intValue('', '10 if 1 < 3 < 2 else 20'), 20);
  });
  it('comprehensions, enumerate, zip, reversed, sorted, dict methods', async () => {
    assert.equal(await intValue('xs = [i * i for i in range(5) if i % 2 == 0]\n', 'sum(xs)'), 0 + 4 + 16);
    assert.equal(await intValue('d = {k: v for k, v in zip("abc", [1, 2, 3])}\n', 'd["b"] * 10 + d.get("z", 7)'), 27);
    assert.equal(await intValue('pairs = list(enumerate([5, 6], 1))\n', 'pairs[1][0] * 10 + pairs[1][1]'), 26);
    assert.equal(await intValue('', 'list(reversed(sorted([3, 1, 2])))[0] * 100 + sorted([3, 1, 2], reverse=True)[2]'), 301);
    assert.equal(await intValue('d = dict(a=1)\nd.update({"b": 2})\n', 'sum(d.values()) + len(list(d.items())) + len(d.keys())'), 3 + 2 + 2);
  });
  it('list methods, slicing, starred unpacking and augmented assignment', async () => {
    const prelude = 'xs = [1, 2]\nxs.append(3)\nxs.extend([4, 5])\nxs.insert(0, 9)\nlast = xs.pop()\nfirst, *mid, end = xs\nn = 1\nn += 4\nn *= 2\n';
    assert.equal(await intValue(prelude, 'first * 1000 + len(mid) * 100 + end * 10 + last + n'), 9000 + 300 + 40 + 5 + 10);
    assert.equal(await intValue('xs = list(range(10))\n', 'sum(xs[2:5]) + xs[-1] + len(xs[::3])'), 9 + 9 + 4);
  });
  it('strings: format, %-format, f-strings with specs, join', async () => {
    const prelude = 'names = ["{}_{}".format("a", 1), "%s%d" % ("b", 2), f"c{3:02d}", "-".join(["x", "y"]), f"{0.5:.2f}"]\n';
    assert.equal(await intValue(prelude + 'ok = names == ["a_1", "b2", "c03", "x-y", "0.50"]\n', '1 if ok else 2'), 1);
  });
  it('functions: defaults, keywords, *args/**kwargs, closures, lambdas, partial, nonlocal', async () => {
    const prelude = py(`
      import functools
      def f(a, b=2, *rest, c=3, **kw):
          return a + b + sum(rest) + c + kw.get("d", 0)
      def outer():
          total = 0
          def add(v):
              nonlocal total
              total += v
          add(4)
          add(5)
          return total
      g = functools.partial(f, 10, c=0)
      sq = lambda v: v * v
      `);
    assert.equal(await intValue(prelude, 'f(1) + f(1, 1, 1, 1, c=1, d=100)'), 1 + 2 + 3 + (1 + 1 + 2 + 1 + 100));
    assert.equal(await intValue(prelude, 'outer() + g(1) + sq(3)'), 9 + 11 + 9);
  });
  it('classes: class attributes through instances and classes passed as arguments, super(), properties, staticmethods', async () => {
    const prelude = py(`
      class Base:
          expansion = 2
          def __init__(self, w):
              self.w = w
          @property
          def doubled(self):
              return self.w * 2
          @staticmethod
          def three():
              return 3
          @classmethod
          def make(cls, w):
              return cls(w)
      class Child(Base):
          expansion = 4
          def __init__(self, w):
              super().__init__(w + 1)
      def widen(block, planes):
          return planes * block.expansion
      c = Child.make(4)
      `);
    assert.equal(await intValue(prelude, 'widen(Child, 8) + c.w + c.doubled + Base.three() + int(isinstance(c, Base))'), 32 + 5 + 10 + 3 + 1);
  });
  it('try/except takes the except branch on an error; hasattr/getattr/setattr', async () => {
    const prelude = py(`
      class Box:
          pass
      b = Box()
      setattr(b, "size", 6)
      try:
          v = {}["missing"]
      except KeyError:
          v = 40
      `);
    assert.equal(await intValue(prelude, 'v + getattr(b, "size") + int(hasattr(b, "size")) + int(not hasattr(b, "nope")) + getattr(b, "nope", 0)'),
      40 + 6 + 1 + 1);
  });
  it('while loops with break/continue and for-else', async () => {
    const prelude = py(`
      i = 0
      acc = 0
      while True:
          i += 1
          if i % 2 == 0:
              continue
          if i > 9:
              break
          acc += i
      for k in range(3):
          pass
      else:
          acc += 100
      `);
    assert.equal(await intValue(prelude, 'acc'), 1 + 3 + 5 + 7 + 9 + 100);
  });
  it('unknown imports are unknown values, not errors', async () => {
    const g = await analyze(HEADER + py(`
      from torchvision.models.utils import load_state_dict_from_url
      import numpy as np
      from typing import List, Optional
      class M(nn.Module):
          def __init__(self, pretrained: bool = False) -> None:
              super().__init__()
              self.fc = nn.Linear(8, 2)
              if pretrained:
                  self.load_state_dict(load_state_dict_from_url("x"))
          def forward(self, x):
              return self.fc(x)
      `));
    assert.deepEqual(errors(g), []);
    assert.deepEqual(layerPaths(g), ['fc:Linear']);
  });
});

describe('interpreter: library idioms', () => {
  it('dataclass configs with field(default_factory=...) and typing ABCs in isinstance', async () => {
    const g = await analyze(HEADER + py(`
      from dataclasses import dataclass, field
      from typing import List, Sequence
      @dataclass
      class Cfg:
          width: int = 8
          hidden: List[int] = field(default_factory=lambda: [6, 4])
      class M(nn.Module):
          def __init__(self, cfg: Cfg = Cfg(width=5)):
              super().__init__()
              if not isinstance(cfg.hidden, Sequence):
                  raise TypeError("hidden must be a sequence")
              dims = [cfg.width, *cfg.hidden]
              self.body = nn.Sequential(*[nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:])])
          def forward(self, x):
              return self.body(x)
      `));
    assert.deepEqual(errors(g), []);
    assert.deepEqual(g.input, [1, 5]);
    assert.deepEqual(g.output, [1, 4]);
    assert.equal(g.params, 5 * 6 + 6 + 6 * 4 + 4);
  });

  it('chunk / split / unbind give one node per piece and unpack into tensors', async () => {
    const g = await analyze(HEADER + py(`
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.conv = nn.Conv2d(8, 8, 1)
          def forward(self, x):
              a, b = x.chunk(2, dim=1)
              c, d, e = torch.split(x, [4, 8, 4], 1)
              return torch.cat((a, self.conv(b), c, d, e), dim=1)
      `), { input: [1, 16, 4, 4] });
    assert.deepEqual(errors(g), []);
    assert.deepEqual(g.output, [1, 32, 4, 4]);
    assert.deepEqual(g.nodes.filter((n) => n.op === 'narrow').map((n) => [n.attrs.start, n.attrs.length]), [[0, 8], [8, 8], [0, 4], [4, 8], [12, 4]]);
  });
});

describe('interpreter: more library idioms', () => {
  it('namedtuple outputs, copy.copy of config objects, elementwise math keeping shapes', async () => {
    const g = await analyze(HEADER + py(`
      import copy
      from collections import namedtuple
      Outputs = namedtuple("Outputs", ["logits", "aux"])
      class Cfg:
          def __init__(self, width):
              self.width = width
      class M(nn.Module):
          def __init__(self, cfg=Cfg(4)):
              super().__init__()
              other = copy.copy(cfg)
              other.width = 6
              self.a = nn.Conv2d(3, cfg.width, 1)
              self.b = nn.Conv2d(cfg.width, other.width, 1)
          def forward(self, x):
              y = self.a(x)
              y = (y - y.mean(1, keepdim=True)) / torch.sqrt(y.pow(2).mean(1, keepdim=True) + 1e-6)
              out = Outputs(self.b(y), y)
              logits, _ = out
              return Outputs(logits.clamp(min=0), out.aux)
      `), { input: [1, 3, 8, 8] });
    assert.deepEqual(errors(g), []);
    assert.deepEqual(g.output, [1, 6, 8, 8]);
    assert.equal(g.params, 3 * 4 + 4 + 4 * 6 + 6);
    assert.ok(!g.diagnostics.some((d) => d.code === 'unknown-op'), JSON.stringify(g.diagnostics));
  });
});
