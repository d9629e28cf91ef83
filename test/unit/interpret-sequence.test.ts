// Sequence and attention models: Embedding/RNN/LSTM/GRU/MultiheadAttention, torch.nn Transformer stacks, einsum,
// reductions with indices, numpy size helpers, a layer subclass calling super().forward. Expected numbers by hand.
import assert from 'node:assert/strict';
import { analyze, errors, HEADER, layerPaths, py } from './interpret-helpers';
import { einsumShape } from '../../src/core/interpret/tensorShapes';
import { nn } from './ops-helpers';
import { runBuilt, useCpuBackend } from './ops-forward-helpers';

describe('interpreter: sequence models', () => {
  it('Embedding → 2-layer bidirectional LSTM → GRU, with tuple unpacking of outputs and states', async () => {
    const g = await analyze(HEADER + py(`
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.embed = nn.Embedding(1000, 64, padding_idx=0)
              self.lstm = nn.LSTM(64, 128, num_layers=2, batch_first=True, bidirectional=True)
              self.gru = nn.GRU(256, 32)
              self.fc = nn.Linear(32, 5)
          def forward(self, x):
              out, (h, c) = self.lstm(self.embed(x))
              assert h.shape == (4, 2, 128) and c.shape == (4, 2, 128)
              seq, h2 = self.gru(out.transpose(0, 1))
              return self.fc(h2[-1])
      `), { input: [2, 12] });
    assert.deepEqual(errors(g), []);
    const byPath = new Map(g.nodes.map((n) => [n.path, n]));
    // Embedding 1000*64; LSTM layer 0: 2 dirs * (4*128*(64+128) + 2*4*128) = 198,656,
    // layer 1 (input 2*128): 2 * (512*(256+128) + 1024) = 395,264; GRU: 3*32*(256+32) + 2*96 = 27,840; fc 32*5+5.
    assert.equal(byPath.get('embed')!.params, 64_000);
    assert.equal(byPath.get('lstm')!.params, 198_656 + 395_264);
    assert.equal(byPath.get('gru')!.params, 27_840);
    assert.equal(g.params, 64_000 + 593_920 + 27_840 + 165);
    assert.deepEqual(byPath.get('embed')!.outputShape, [2, 12, 64]);
    assert.deepEqual(byPath.get('lstm')!.outputShape, [2, 12, 256]);
    assert.deepEqual(byPath.get('gru')!.outputShape, [12, 2, 32]);
    assert.deepEqual(g.output, [2, 5]);
  });

  it('LSTM with proj_size, unbatched input and an RNN cell', async () => {
    const g = await analyze(HEADER + py(`
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.lstm = nn.LSTM(10, 20, proj_size=5)
              self.cell = nn.LSTMCell(5, 8)
          def forward(self, x):
              out, (h, c) = self.lstm(x)
              assert h.shape == (1, 5) and c.shape == (1, 20)
              h1, c1 = self.cell(out)
              return h1 + c1
      `), { input: [7, 10] });
    assert.deepEqual(errors(g), []);
    // LSTM: 80*10 + 80*5 + 2*80 + weight_hr 5*20 = 1,460; LSTMCell: 32*5 + 32*8 + 2*32 = 480.
    assert.equal(g.params, 1460 + 480);
    assert.deepEqual(g.output, [7, 8]);
  });

  it('reports an LSTM fed the wrong number of features at the call, with the fix', async () => {
    const g = await analyze(HEADER + py(`
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.rnn = nn.LSTM(32, 16, batch_first=True)
          def forward(self, x):
              return self.rnn(x)[0]
      `), { input: [2, 5, 24] });
    assert.deepEqual(errors(g), ['in-features-mismatch@9']);
    assert.match(g.diagnostics.find((d) => d.severity === 'error')!.message, /expects 32 input features .* got 24.*nn\.LSTM\(24, 16/);
  });
});

describe('interpreter: attention and transformers', () => {
  it('nn.MultiheadAttention returns (output, weights) with PyTorch parameter count', async () => {
    const g = await analyze(HEADER + py(`
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.attn = nn.MultiheadAttention(64, 4, batch_first=True)
              self.cross = nn.MultiheadAttention(64, 8, kdim=16, vdim=24)
          def forward(self, x, mem):
              y, w = self.attn(x, x, x)
              assert w.shape == (2, 10, 10)
              z, w2 = self.cross(y.transpose(0, 1), mem, torch.zeros(3, 2, 24))
              return z
      `), { input: [2, 10, 64] });
    // attn: in_proj 3*64*64 + 192, out_proj 64*64 + 64 = 16,640; cross: q 64*64, k 64*16, v 64*24, in_proj_bias 192, out_proj 4,160.
    const byPath = new Map(g.nodes.map((n) => [n.path, n]));
    assert.equal(byPath.get('attn')!.params, 16_640);
    assert.equal(byPath.get('cross')!.params, 4096 + 1024 + 1536 + 192 + 4160);
  });

  it('nn.TransformerEncoder(layer, n): PyTorch module paths, cloned layers, parameters', async () => {
    const g = await analyze(HEADER + py(`
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, batch_first=True, norm_first=True)
              self.encoder = nn.TransformerEncoder(layer, num_layers=3, norm=nn.LayerNorm(32))
              self.head = nn.Linear(32, 2)
          def forward(self, x):
              return self.head(self.encoder(x).mean(dim=1))
      `), { input: [2, 7, 32] });
    assert.deepEqual(errors(g), []);
    // One layer: self_attn 3*32*32 + 96 + 32*32 + 32 = 4,224; linear1 32*64 + 64 = 2,112; linear2 64*32 + 32 = 2,080;
    // norm1 + norm2 128 → 8,544. Three layers, the final norm 64, head 66.
    assert.equal(g.params, 3 * 8544 + 64 + 66);
    const paths = layerPaths(g);
    for (const p of ['encoder.layers.0.self_attn:MultiheadAttention', 'encoder.layers.2.linear2:Linear', 'encoder.layers.1.norm2:LayerNorm',
      'encoder.norm:LayerNorm']) {
      assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    }
    assert.deepEqual(g.output, [2, 2]);
  });

  it("nn.Transformer with its defaults reproduces PyTorch's 44,140,544 parameters", async () => {
    const g = await analyze(HEADER + py(`
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.t = nn.Transformer()
          def forward(self, src):
              return self.t(src, src[:4])
      `), { input: [10, 2, 512] });
    assert.deepEqual(errors(g), []);
    // Encoder layer: 4*512*512 + 4*512 (attention) + 2*512*2048 + 2048 + 512 (feed-forward) + 2*1024 (norms) = 3,152,384;
    // decoder layer: one more attention (1,050,624) and norm (1,024) = 4,204,032; 6 of each plus two final norms.
    assert.equal(g.params, 6 * 3_152_384 + 6 * 4_204_032 + 2 * 1024);
    assert.deepEqual(g.output, [4, 2, 512]);
  });
});

describe('interpreter: tensor expressions of real model code', () => {
  it('einsum shapes: explicit, implicit, batched, ellipsis and a mismatch', () => {
    assert.deepEqual(einsumShape('bhid,bhjd->bhij', [[2, 4, 5, 8], [2, 4, 6, 8]]), [2, 4, 5, 6]);
    assert.deepEqual(einsumShape('ij,jk', [[3, 4], [4, 5]]), [3, 5]);
    assert.deepEqual(einsumShape('bi,bj->bij', [[2, 3], [2, 4]]), [2, 3, 4]);
    assert.deepEqual(einsumShape('...ij,...jk->...ik', [[7, 2, 3, 4], [7, 2, 4, 5]]), [7, 2, 3, 5]);
    assert.deepEqual(einsumShape('ii->i', [[3, 3]]), [3]);
    assert.equal(einsumShape('ij,jk->ik', [[3, 4], [5, 6]]), undefined);
    assert.equal(einsumShape('ij->ik', [[3, 4]]), undefined);
  });

  it('max/min with and without dim, topk, sort, new_zeros, masked_fill, numpy sizes', async () => {
    const g = await analyze(HEADER + 'import numpy as np\n' + py(`
      shape = (2, 4, 4)
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.fc = nn.Linear(int(np.prod(shape)), 8)
          def forward(self, x):
              v, i = x.max(dim=1)
              assert v.shape == (3, 4, 4) and i.shape == (3, 4, 4)
              assert torch.max(x).shape == ()
              assert x.min(1, keepdim=True)[0].shape == (3, 1, 4, 4)
              assert torch.topk(x, 3, dim=2)[1].shape == (3, 2, 3, 4)
              assert x.argmax(dim=-1).shape == (3, 2, 4)
              assert torch.maximum(x, v.unsqueeze(1)).shape == (3, 2, 4, 4)
              z = x.new_zeros(x.size(0), 32).masked_fill(x.flatten(1) > 0, 1.0)
              return self.fc(z + x.view(x.size(0), -1))
      `), { input: [3, 2, 4, 4] });
    assert.deepEqual(errors(g), []);
    assert.equal(g.diagnostics.filter((d) => d.severity === 'warning').length, 0, g.diagnostics.map((d) => d.message).join('\n'));
    assert.equal(g.params, 32 * 8 + 8);
    assert.deepEqual(g.output, [3, 8]);
  });

  it('a Conv1d subclass whose forward calls super().forward and trims the padding (causal convolution)', async () => {
    const g = await analyze(HEADER + py(`
      class CausalConv1d(nn.Conv1d):
          def __init__(self, cin, cout, k, dilation=1):
              self.__padding = (k - 1) * dilation
              super(CausalConv1d, self).__init__(cin, cout, k, padding=self.__padding, dilation=dilation)
          def forward(self, x):
              y = super(CausalConv1d, self).forward(x)
              return y[:, :, :-self.__padding]
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.c1 = CausalConv1d(1, 8, 2, dilation=4)
              self.c2 = CausalConv1d(8, 8, 3)
          def forward(self, x):
              return self.c2(torch.tanh(self.c1(x)))
      `), { input: [2, 1, 50] });
    assert.deepEqual(errors(g), []);
    // c1: 8*1*2 + 8 = 24; c2: 8*8*3 + 8 = 200. Padding 4 then 2 is added on both sides and trimmed on the right.
    assert.equal(g.params, 224);
    assert.deepEqual(g.output, [2, 8, 50]);
    assert.deepEqual(g.nodes.find((n) => n.op === 'Conv1d' && n.path === 'c1')!.outputShape, [2, 8, 54]);
  });
});

describe('interpreter: Swin-style relative position bias', () => {
  it('a parameter table indexed by an integer buffer, viewed back to N×N×heads, broadcasts onto the attention', async () => {
    const g = await analyze(HEADER + py(`
      class M(nn.Module):
          def __init__(self, ws=4, heads=2):
              super().__init__()
              self.table = nn.Parameter(torch.zeros((2 * ws - 1) ** 2, heads))
              coords = torch.stack(torch.meshgrid([torch.arange(ws), torch.arange(ws)], indexing='ij'))
              flat = torch.flatten(coords, 1)
              rel = (flat[:, :, None] - flat[:, None, :]).permute(1, 2, 0).contiguous()
              self.register_buffer('index', rel.sum(-1))
              self.n = ws * ws
          def forward(self, attn):
              bias = self.table[self.index.view(-1)].view(self.n, self.n, -1).permute(2, 0, 1)
              return attn + bias.unsqueeze(0)
      `), { input: [8, 2, 16, 16] });
    assert.deepEqual(errors(g), []);
    assert.equal(g.params, 49 * 2);
    assert.deepEqual(g.output, [8, 2, 16, 16]);
  });

  it('tensor indices: an integer index tensor replaces its dimension, a full-shape mask gives unknown rows', async () => {
    const g = await analyze(HEADER + py(`
      class M(nn.Module):
          def forward(self, x):
              idx = torch.zeros(5, 3).long()
              picked = x[idx]
              assert picked.shape == (5, 3, 6)
              rows = x[x > 0]
              return rows
      `), { input: [4, 6] });
    assert.deepEqual(errors(g), []);
    assert.deepEqual(g.output, [null]);
  });
});

describe('interpreter: assert statements', () => {
  const SOURCE = HEADER + py(`
    class M(nn.Module):
        def __init__(self, size=32):
            super().__init__()
            self.size = size
            self.conv = nn.Conv2d(3, 8, 3)
        def forward(self, x):
            B, C, H, W = x.shape
            assert H == self.size, f"input height {H} != {self.size}"
            assert (x > 0).all() or x.dim() == 4
            return self.conv(x)
    `);

  it('a condition known to be False raises AssertionError with its message, as Python would', async () => {
    const g = await analyze(SOURCE, { input: [1, 3, 16, 16] });
    assert.deepEqual(errors(g), ['python-error@11']);
    assert.match(g.diagnostics.find((d) => d.severity === 'error')!.message, /AssertionError: input height 16 != 32/);
  });

  it('conditions on unknown values or tensors pass (shapes after an unknown layer)', async () => {
    const g = await analyze(HEADER + py(`
      import somelib
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.mystery = somelib.Block()
              self.fc = nn.Linear(8, 2)
          def forward(self, x):
              y = self.mystery(x)
              B, N, C = y.shape
              assert N == 16 and C == 8, "unexpected tokens"
              assert (y > 0).all() and not (x < 0)
              return self.fc(x)
      `), { input: [2, 4, 8] });
    assert.deepEqual(errors(g), []);
    assert.deepEqual(g.output, [2, 4, 2]);
  });

  it('true and unknown conditions pass', async () => {
    const g = await analyze(SOURCE, { input: [1, 3, 32, 32] });
    assert.deepEqual(errors(g), []);
    assert.deepEqual(g.output, [1, 8, 30, 30]);
  });
});

describe('ops forward: Embedding', () => {
  before(useCpuBackend);

  it('gathers table rows by index (N×L → N×L×E)', () => {
    const emb = nn('Embedding', [5, 3]);
    const table = { shape: [5, 3], data: Float64Array.from({ length: 15 }, (_, i) => i / 10) };
    const x = { shape: [2, 2], data: Float64Array.from([4, 0, 1, 1]) };
    const out = runBuilt(emb, [x], { weight: table });
    assert.deepEqual(out.shape, [2, 2, 3]);
    const expected = [4, 0, 1, 1].flatMap((row) => [0, 1, 2].map((c) => (row * 3 + c) / 10));
    Array.from(out.data).forEach((v, i) => assert.ok(Math.abs(v - (expected[i] as number)) < 1e-6, `element ${i}: ${v} vs ${expected[i]}`));
  });
});
