// einops without Python: pattern parsing, output shapes as real einops gives them, errors in einops's words, layers.
import assert from 'node:assert/strict';
import { analyze, errors, layerPaths, py, HEADER } from './interpret-helpers';
import { EinopsFailure, parseSide, prepareRecipe, resolveRecipe } from '../../src/core/interpret/einops/pattern';

const E = HEADER
  + 'import einops\nfrom einops import rearrange, repeat, reduce, pack, unpack, parse_shape, EinopsError\nfrom einops.layers.torch import Rearrange, Reduce\n';

/** Output shape of `body` (a forward body over x) for an input shape, through the whole engine. */
async function shapeOf(input: number[], body: string): Promise<(number | null)[] | null> {
  const g = await analyze(E + py(`
    class M(nn.Module):
        def forward(self, x):
            return ${body}
    `), { model: 'M()', input });
  assert.deepEqual(errors(g), [], JSON.stringify(g.diagnostics));
  return g.output;
}

function shapeByRecipe(pattern: string, op: string, shape: number[], lengths: Record<string, number> = {}): (number | null)[] {
  const given = new Map(Object.entries(lengths));
  return resolveRecipe(prepareRecipe(pattern, op, [...given.keys()], shape.length), shape, given).output;
}

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof EinopsFailure) return err.message;
    throw err;
  }
  throw new Error('no failure');
}

describe('einops: patterns', () => {
  it('parses compositions, anonymous axes, ellipsis and empty groups', () => {
    const side = parseSide('b (h w) 1 () ... c');
    assert.equal(side.composition.length, 6);
    assert.deepEqual(side.composition[1], [{ key: 'h' }, { key: 'w' }]);
    assert.deepEqual(side.composition[2], []);
    assert.deepEqual(side.composition[3], []);
    assert.equal(side.composition[4], 'ellipsis');
    assert.ok(side.hasEllipsis);
  });

  it('gives the shapes einops gives (its documented examples)', () => {
    assert.deepEqual(shapeByRecipe('b h w c -> b (c h w)', 'rearrange', [32, 30, 40, 3]), [32, 3600]);
    assert.deepEqual(shapeByRecipe('b (h1 h) (w1 w) c -> (b h1 w1) h w c', 'rearrange', [32, 30, 40, 3], { h1: 2, w1: 2 }), [128, 15, 20, 3]);
    assert.deepEqual(shapeByRecipe('b (h h1) (w w1) c -> b h w (c h1 w1)', 'rearrange', [32, 30, 40, 3], { h1: 2, w1: 2 }), [32, 15, 20, 12]);
    assert.deepEqual(shapeByRecipe('h w -> h w c', 'repeat', [30, 40], { c: 3 }), [30, 40, 3]);
    assert.deepEqual(shapeByRecipe('h w -> (h2 h) (w3 w)', 'repeat', [30, 40], { h2: 2, w3: 3 }), [60, 120]);
    assert.deepEqual(shapeByRecipe('b c (h1 h2) (w1 w2) -> b c h1 w1', 'max', [10, 20, 30, 40], { h1: 3, w1: 4 }), [10, 20, 3, 4]);
    assert.deepEqual(shapeByRecipe('b c (h1 2) (w1 2) -> b c h1 w1', 'max', [10, 20, 30, 40]), [10, 20, 15, 20]);
    assert.deepEqual(shapeByRecipe('b c h w -> 1 c 1 1', 'mean', [10, 20, 30, 40]), [1, 20, 1, 1]);
    assert.deepEqual(shapeByRecipe('b c h w -> b c () ()', 'mean', [10, 20, 30, 40]), [10, 20, 1, 1]);
    assert.deepEqual(shapeByRecipe('b ... c -> b c ...', 'rearrange', [2, 3, 4, 5]), [2, 5, 3, 4]);
    assert.deepEqual(shapeByRecipe('... (h d) -> ... h d', 'rearrange', [2, 7, 64], { h: 8 }), [2, 7, 8, 8]);
    assert.deepEqual(shapeByRecipe('b ... -> b (...)', 'rearrange', [2, 3, 4, 5]), [2, 60]);
    assert.deepEqual(shapeByRecipe('h w -> h w 3', 'repeat', [4, 5]), [4, 5, 3]);
  });

  it('keeps unknown sizes unknown', () => {
    assert.deepEqual(resolveRecipe(prepareRecipe('b (h p) -> b h p', 'rearrange', ['p'], 2), [null, 12], new Map([['p', 4]])).output, [null, 3, 4]);
    assert.deepEqual(resolveRecipe(prepareRecipe('b (h p) -> b h p', 'rearrange', ['p'], 2), [1, 12], new Map([['p', null]])).output, [1, null, null]);
  });

  it('fails in einops\'s words', () => {
    assert.equal(failure(() => shapeByRecipe('b (h p) -> b h p', 'rearrange', [1, 7], { p: 2 })),
      "Shape mismatch, can't divide axis of length 7 in chunks of 2");
    assert.equal(failure(() => shapeByRecipe('b c -> b c x', 'rearrange', [1, 7])), "Identifiers only on one side of expression (should be on both): {'x'}");
    assert.equal(failure(() => shapeByRecipe('b c h -> b (c h)', 'rearrange', [1, 2, 3, 4])), 'Wrong shape: expected 3 dims. Received 4-dim tensor.');
    assert.equal(failure(() => shapeByRecipe('b (h w) -> b h w', 'rearrange', [1, 6])), "Could not infer sizes for {'h', 'w'}");
    assert.equal(failure(() => shapeByRecipe('(a b) -> a b', 'rearrange', [6], { a: 2, b: 4 })), 'Shape mismatch, 6 != 8');
    assert.equal(failure(() => shapeByRecipe('h w -> h w c', 'repeat', [3, 4])), "Specify sizes for new axes in repeat: {'c'}");
    assert.equal(failure(() => shapeByRecipe('h w -> h', 'repeat', [3, 4])), "Unexpected identifiers on the left side of repeat: {'w'}");
    assert.equal(failure(() => shapeByRecipe('h w -> h w c', 'sum', [3, 4])), "Unexpected identifiers on the right side of reduce sum: {'c'}");
    assert.equal(failure(() => shapeByRecipe('b (c (h w)) -> b c h w', 'rearrange', [1, 2])),
      'Axis composition is one-level (brackets inside brackets not allowed)');
    assert.equal(failure(() => shapeByRecipe('b c -> b c', 'rearrange', [1, 2], { k: 2 })), 'Axis k is not used in transform');
    assert.equal(failure(() => shapeByRecipe('b b -> b', 'rearrange', [1, 2])), 'Indexing expression contains duplicate dimension "b"');
    assert.equal(failure(() => shapeByRecipe('b 2 -> b', 'rearrange', [1, 2])),
      'Non-unitary anonymous axes are not supported in rearrange (exception is length 1)');
    assert.equal(failure(() => shapeByRecipe('b c -> b c', 'median', [1, 2])),
      "Unknown reduction median. Expect one of ('min', 'max', 'sum', 'mean', 'prod', 'any', 'all').");
    assert.equal(failure(() => shapeByRecipe('b . c -> b c', 'rearrange', [1, 2])), 'Expression may contain dots only inside ellipsis (...)');
  });
});

describe('einops: traced calls', () => {
  it('rearrange, repeat and reduce give one node each, with the resolved recipe', async () => {
    assert.deepEqual(await shapeOf([2, 3, 32, 32], "rearrange(x, 'b c (h p1) (w p2) -> b (h w) (p1 p2 c)', p1=8, p2=8)"), [2, 16, 192]);
    assert.deepEqual(await shapeOf([2, 16, 64], "repeat(x, 'b n d -> b h n d', h=4)"), [2, 4, 16, 64]);
    assert.deepEqual(await shapeOf([2, 8, 6, 6], "reduce(x, 'b c (h 2) (w 2) -> b c h w', 'max')"), [2, 8, 3, 3]);
    assert.deepEqual(await shapeOf([2, 8, 6, 6], "einops.reduce(x, 'b c h w -> b c', reduction='mean')"), [2, 8]);
    const g = await analyze(E + py(`
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.cls = nn.Parameter(torch.zeros(1, 1, 64))
          def forward(self, x):
              b, n, _ = x.shape
              cls = repeat(self.cls, '1 1 d -> b 1 d', b=b)
              return torch.cat([cls, x], dim=1)
      `), { model: 'M()', input: [3, 16, 64] });
    assert.deepEqual(errors(g), []);
    assert.deepEqual(g.output, [3, 17, 64]);
    assert.equal(g.params, 64);
    const traced = await analyze(E + py(`
      class M(nn.Module):
          def forward(self, x):
              return repeat(x, 'b n d -> b h n d', h=4)
      `), { model: 'M()', input: [2, 16, 64] });
    const node = traced.nodes.find((n) => n.op === 'einops_repeat')!;
    assert.equal(node.attrs.pattern, 'b n d -> b h n d');
    assert.deepEqual(node.attrs.finalShape, [2, 4, 16, 64]);
    assert.deepEqual(node.attrs.added, [[1, 4]]);
  });

  it('a list of tensors is stacked on a new first axis', async () => {
    assert.deepEqual(await shapeOf([2, 5], "rearrange([x, x, x], 'n b d -> b (n d)')"), [2, 15]);
  });

  it('pack / unpack / parse_shape / einops.einsum', async () => {
    const g = await analyze(E + py(`
      class M(nn.Module):
          def forward(self, x):
              cls = x[:, :1]
              packed, ps = pack([cls, x], 'b * d')
              a, b = unpack(packed, ps, 'b * d')
              dims = parse_shape(x, 'b n _')
              assert dims['n'] == 16
              return einops.einsum(a, b, 'b i d, b j d -> b i j')
      `), { model: 'M()', input: [2, 16, 32] });
    assert.deepEqual(errors(g), []);
    assert.deepEqual(g.output, [2, 1, 16]);
    assert.equal(g.macs, 2 * 1 * 16 * 32, 'einsum counts like torch.einsum');
    assert.deepEqual(g.nodes.find((n) => n.op === 'pack')!.outputShape, [2, 17, 32]);
  });

  it('an einops error is an EinopsError at the call line, catchable as einops.EinopsError', async () => {
    const g = await analyze(E + py(`
      class M(nn.Module):
          def forward(self, x):
              return rearrange(x, 'b (h p) -> b h p', p=2)
      `), { model: 'M()', input: [1, 7] });
    const d = g.diagnostics.find((x) => x.severity === 'error')!;
    assert.match(d.message,
      /EinopsError: Error while processing rearrange-reduction pattern "b \(h p\) -> b h p"\. Input tensor shape: torch\.Size\(\[1, 7\]\)\. Additional info: \{'p': 2\}\. Shape mismatch, can't divide axis of length 7 in chunks of 2/);
    assert.equal(d.range.line, 9);
    const caught = await analyze(E + py(`
      class M(nn.Module):
          def forward(self, x):
              try:
                  y = rearrange(x, 'b c -> b c x')
              except einops.EinopsError as e:
                  y = x
              try:
                  y = rearrange(y, 'b c h -> b (c h)')
              except RuntimeError:
                  y = y * 2
              return y
      `), { model: 'M()', input: [1, 7] });
    assert.deepEqual(errors(caught), []);
    assert.deepEqual(caught.output, [1, 7]);
  });
});

describe('einops: layers', () => {
  it('Rearrange / Reduce are parameter-free modules, one node each under their own path', async () => {
    const g = await analyze(E + py(`
      class PatchEmbed(nn.Module):
          def __init__(self, patch=4, dim=32):
              super().__init__()
              self.to_patch = nn.Sequential(Rearrange('b c (h p1) (w p2) -> b (h w) (p1 p2 c)', p1=patch, p2=patch), nn.Linear(patch * patch * 3, dim))
              self.pool = Reduce('b n d -> b d', 'mean')
          def forward(self, x):
              return self.pool(self.to_patch(x))
      `), { model: 'PatchEmbed()', input: [2, 3, 16, 16] });
    assert.deepEqual(errors(g), []);
    assert.deepEqual(layerPaths(g), ['to_patch.0:rearrange', 'to_patch.1:Linear', 'pool:reduce']);
    assert.deepEqual(g.output, [2, 32]);
    assert.equal(g.params, 48 * 32 + 32);
  });

  it('a bad layer pattern fails where the layer is built; a wrong input where it is called', async () => {
    const built = await analyze(E + py(`
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.r = Rearrange('b c -> b c x')
          def forward(self, x):
              return self.r(x)
      `), { model: 'M()', input: [1, 7] });
    const d = built.diagnostics.find((x) => x.severity === 'error')!;
    assert.match(d.message, /Error while preparing Rearrange\('b c -> b c x'\) Identifiers only on one side of expression \(should be on both\): \{'x'\}/);
    const called = await analyze(E + py(`
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.r = Rearrange('b c h -> b (c h)')
          def forward(self, x):
              return self.r(x)
      `), { model: 'M()', input: [1, 2, 3, 4] });
    assert.match(called.diagnostics.find((x) => x.severity === 'error')!.message, /Wrong shape: expected 3 dims\. Received 4-dim tensor\./);
  });
});
