// einops ops run forward on TensorFlow.js (CPU) with the attributes the engine traced, against index arithmetic.
import assert from 'node:assert/strict';
import { getOp } from '../../src/core/ops/registry';
import type { Attrs } from '../../src/core/ops/types';
import { analyze, py, HEADER } from './interpret-helpers';
import { runForward, useCpuBackend } from './ops-forward-helpers';
import { dense } from './ops-reference';

async function traced(input: number[], body: string, op: string): Promise<Attrs[]> {
  const g = await analyze(HEADER + 'from einops import rearrange, repeat, reduce, pack, unpack\n' + py(`
    class M(nn.Module):
        def forward(self, x):
            ${body}
    `), { model: 'M()', input });
  return g.nodes.filter((n) => n.op === op).map((n) => n.attrs as Attrs);
}

const iota = (shape: number[]) => dense(shape, (i) => i);

describe('einops: forward builders', () => {
  before(useCpuBackend);

  it('rearrange: patches to tokens (reshape, transpose, reshape)', async () => {
    const [attrs] = await traced([1, 2, 4, 4], "return rearrange(x, 'b c (h p1) (w p2) -> b (h w) (p1 p2 c)', p1=2, p2=2)", 'rearrange');
    const y = runForward(getOp('rearrange')!, attrs, [iota([1, 2, 4, 4])]);
    assert.deepEqual(y.shape, [1, 4, 8]);
    for (let h = 0; h < 2; h++) for (let w = 0; w < 2; w++) for (let p1 = 0; p1 < 2; p1++) for (let p2 = 0; p2 < 2; p2++) for (let c = 0; c < 2; c++) {
      const src = c * 16 + (h * 2 + p1) * 4 + (w * 2 + p2);
      assert.equal(y.data[(h * 2 + w) * 8 + (p1 * 2 + p2) * 2 + c], src);
    }
  });

  it('repeat: a new axis is tiled; reduce: max over 2×2 cells', async () => {
    const [rep] = await traced([2, 3], "return repeat(x, 'b n -> b r n', r=2)", 'einops_repeat');
    const y = runForward(getOp('einops_repeat')!, rep, [iota([2, 3])]);
    assert.deepEqual(Array.from(y.data), [0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5]);
    const [red] = await traced([1, 1, 4, 4], "return reduce(x, 'b c (h 2) (w 2) -> b c h w', 'max')", 'reduce');
    const z = runForward(getOp('reduce')!, red, [iota([1, 1, 4, 4])]);
    assert.deepEqual(Array.from(z.data), [5, 7, 13, 15]);
    const [mean] = await traced([1, 3, 2, 2], "return reduce(x, 'b c h w -> b c', 'mean')", 'reduce');
    assert.deepEqual(Array.from(runForward(getOp('reduce')!, mean, [iota([1, 3, 2, 2])]).data), [1.5, 5.5, 9.5]);
  });

  it('pack then unpack gives the pieces back', async () => {
    const body = "p, ps = pack([x[:, :1], x], 'b * d')\n            a, c = unpack(p, ps, 'b * d')\n            return c";
    const [packAttrs] = await traced([1, 3, 2], body, 'pack');
    const first = dense([1, 1, 2], (i) => 100 + i);
    const packed = runForward(getOp('pack')!, packAttrs, [first, iota([1, 3, 2])]);
    assert.deepEqual(Array.from(packed.data), [100, 101, 0, 1, 2, 3, 4, 5]);
    const pieces = await traced([1, 3, 2], body, 'unpack');
    assert.deepEqual(Array.from(runForward(getOp('unpack')!, pieces[1], [packed]).data), [0, 1, 2, 3, 4, 5]);
  });
});
