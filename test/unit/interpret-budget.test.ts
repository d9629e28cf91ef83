// Hostile and broken input: budget and depth limits, syntax errors, oversized files, internal errors never escape.
import assert from 'node:assert/strict';
import { analyze, errors, layerPaths, py, HEADER } from './interpret-helpers';
import { MAX_SOURCE_BYTES } from '../../src/core/analyze';

async function timed(src: string): Promise<{ ms: number; codes: string[]; g: Awaited<ReturnType<typeof analyze>> }> {
  const t = performance.now();
  const g = await analyze(src);
  return { ms: performance.now() - t, codes: errors(g), g };
}

describe('interpreter: budget and bad input', () => {
  it('ends `while True` with one budget-exceeded diagnostic at the loop', async () => {
    const { codes, g } = await timed('x = 0\nwhile True:\n    x += 1\n');
    assert.deepEqual(codes, ['budget-exceeded@2']);
    assert.match(g.diagnostics[0].message, /^analysis budget exceeded: /);
  });

  it('ends unbounded recursion through the depth limit', async () => {
    const { codes } = await timed('def f(n):\n    return f(n + 1)\nf(0)\n');
    assert.deepEqual(codes, ['budget-exceeded@2']);
  });

  it('ends a 10^9-iteration loop and a huge list repetition', async () => {
    assert.deepEqual((await timed('t = 0\nfor i in range(10 ** 9):\n    t += i\n')).codes, ['budget-exceeded@2']);
    const big = await timed('xs = [0] * (10 ** 9)\n');
    assert.equal(big.codes.length, 1);
    assert.match(big.codes[0], /^budget-exceeded@1$/);
  });

  it('ends a layer-building loop in __init__ and keeps the model list', async () => {
    const { codes, g } = await timed(HEADER + py(`
      class Runaway(nn.Module):
          def __init__(self):
              super().__init__()
              layers = []
              while True:
                  layers.append(nn.Conv2d(3, 3, 1))
              self.body = nn.Sequential(*layers)
          def forward(self, x):
              return self.body(x)
      `));
    assert.deepEqual(codes, ['budget-exceeded@9']);
    assert.deepEqual(g.models.map((m) => m.name), ['Runaway']);
  });

  it('survives deeply nested expressions', async () => {
    const src = 'x = ' + '('.repeat(3000) + '1' + ')'.repeat(3000) + '\n';
    const g = await analyze(src);
    assert.ok(Array.isArray(g.diagnostics));
  });

  it('reports syntax errors and still analyses the classes that parsed', async () => {
    const g = await analyze(HEADER + py(`
      class Broken(nn.Module):
          def __init__(self):
              super().__init__()
              self.conv = nn.Conv2d(3, 8, 3
          def forward(self, x) return x
      class Good(nn.Module):
          def __init__(self):
              super().__init__()
              self.fc = nn.Linear(4, 2)
          def forward(self, x):
              return self.fc(x)
      `), { model: 'Good()' });
    assert.ok(errors(g).some((c) => c.startsWith('syntax-error@')));
    assert.deepEqual(layerPaths(g), ['fc:Linear']);
  });

  it('refuses files over the size limit', async () => {
    const g = await analyze('#'.repeat(MAX_SOURCE_BYTES + 1));
    assert.deepEqual(errors(g), ['file-too-large@1']);
  });

  it('turns Python errors while building the model into diagnostics at their line', async () => {
    const g = await analyze(HEADER + py(`
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.fc = nn.Linear(4, undefined_width)
          def forward(self, x):
              return self.fc(x)
      `));
    assert.deepEqual(errors(g), ['python-error@7']);
    assert.match(g.diagnostics[0].message, /undefined_width/);
  });

  it('treats unknown layers as Unknown nodes with a warning and keeps tracing', async () => {
    const g = await analyze(HEADER + py(`
      from mylib import FancyBlock
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.conv = nn.Conv2d(3, 4, 3)
              self.fancy = FancyBlock(4)
              self.head = nn.Conv2d(4, 2, 1)
          def forward(self, x):
              return self.head(self.fancy(self.conv(x)))
      `), { input: [1, 3, 8, 8] });
    assert.deepEqual(errors(g), []);
    assert.ok(g.diagnostics.some((d) => d.code === 'unknown-layer' && d.range.line === 12 && /FancyBlock/.test(d.message)));
    assert.deepEqual(layerPaths(g), ['conv:Conv2d', 'fancy:Unknown', 'head:Conv2d']);
    assert.equal(g.output, null);
  });
});
