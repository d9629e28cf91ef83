// Transformer-era operations and Python: tied weights, weight_norm, matmul-family MACs, unfold/fold, complex ops.
import assert from 'node:assert/strict';
import { analyze, errors, py, HEADER } from './interpret-helpers';

function model(body: string): string {
  return HEADER + py(body);
}

function node(g: Awaited<ReturnType<typeof analyze>>, op: string) {
  const n = g.nodes.find((x) => x.op === op);
  assert.ok(n, `no ${op} node among ${g.nodes.map((x) => x.op).join(', ')}`);
  return n;
}

describe('transformer-era ops and Python', () => {
  it('counts tied weights once (parameters, named_parameters, node totals) and drops a parameter set to None', async () => {
    const g = await analyze(model(`
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.emb = nn.Embedding(10, 4)
              self.head = nn.Linear(4, 10)
              self.emb.weight = self.head.weight
              self.head.bias = None
              self.n = len(list(self.named_parameters()))
              self.total = sum(p.numel() for p in self.parameters())
              assert self.n == 1 and self.total == 40
          def forward(self, x):
              return self.head(self.emb(x))
      `), { model: 'M()', input: [1, 3] });
    assert.deepEqual(errors(g), []);
    assert.equal(g.params, 40);
    assert.equal(g.nodes.reduce((a, n) => a + n.params, 0), 40, 'the shared weight sits on one node only');
  });

  it('weight_norm replaces weight by weight_g (norm per dim, a scalar for dim=None) and weight_v', async () => {
    const g = await analyze(model(`
      from torch.nn.utils import weight_norm, remove_weight_norm
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.a = weight_norm(nn.Conv1d(2, 8, 3))
              self.b = weight_norm(nn.Linear(4, 5), dim=None)
              self.c = remove_weight_norm(weight_norm(nn.Linear(4, 5)))
              names = [n for n, _ in self.named_parameters()]
              assert names[:3] == ['a.bias', 'a.weight_g', 'a.weight_v'], names
          def forward(self, x):
              return self.a(x)
      `), { model: 'M()', input: [1, 2, 10] });
    assert.deepEqual(errors(g), []);
    // a: 8 bias + 8 g + 48 v; b: 5 bias + 1 g + 20 v; c: 20 + 5 as a plain Linear.
    assert.equal(g.params, 64 + 26 + 25);
  });

  it('counts matmul MACs as prod(batch) x M x K x N, broadcast and 1-D operands included', async () => {
    const g = await analyze(model(`
      class M(nn.Module):
          def forward(self, x):
              a = x @ x.transpose(-2, -1)
              b = torch.matmul(x[0, 0], x[0, 0, 0])
              return a, b
      `), { model: 'M()', input: [2, 3, 5, 7] });
    const [a, b] = g.nodes.filter((n) => n.op === 'matmul');
    assert.equal(a.macs, 2 * 3 * 5 * 7 * 5);
    assert.equal(b.macs, 5 * 7);
  });

  it('counts einsum (left to right) and scaled_dot_product_attention like the matmuls they are', async () => {
    const g = await analyze(model(`
      class M(nn.Module):
          def forward(self, q):
              s = torch.einsum('bhid,bhjd->bhij', q, q)
              t = torch.einsum('bij,bjk,bkl->bil', q[0], q[0].transpose(1, 2), q[0])
              return F.scaled_dot_product_attention(q, q, q), s, t
      `), { model: 'M()', input: [2, 4, 6, 8] });
    const [s, t] = g.nodes.filter((n) => n.op === 'einsum');
    assert.equal(s.macs, 2 * 4 * 6 * 6 * 8);
    // bij,bjk -> bik costs 4*6*8*6; then bik,bkl -> bil costs 4*6*6*8.
    assert.equal(t.macs, 4 * 6 * 8 * 6 + 4 * 6 * 6 * 8);
    assert.equal(node(g, 'scaled_dot_product_attention').macs, 2 * (2 * 4 * 6 * 6 * 8));
  });

  it('F.linear, F.layer_norm, F.normalize and F.multi_head_attention_forward shapes and MACs', async () => {
    const g = await analyze(model(`
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.w = nn.Parameter(torch.zeros(6, 4))
              self.mha = nn.MultiheadAttention(4, 2)
              self.out_w = nn.Parameter(torch.zeros(4, 4))
          def forward(self, x):
              y = F.normalize(F.layer_norm(x, (4,)), dim=-1)
              z, weights = F.multi_head_attention_forward(y, y, y, 4, 2, self.mha.in_proj_weight, self.mha.in_proj_bias,
                  None, None, False, 0.0, self.out_w, None)
              assert weights.shape == (3, 5, 5)
              return F.linear(z, self.w)
      `), { model: 'M()', input: [5, 3, 4] });
    assert.deepEqual(errors(g), []);
    assert.deepEqual(g.output, [5, 3, 6]);
    assert.equal(node(g, 'linear').macs, 5 * 3 * 4 * 6);
    // L=S=5, N=3, E=4: four projections 3*5*4*4*4 and q.kT + attn.v 3*5*5*4*2.
    assert.equal(node(g, 'multi_head_attention_forward').macs, 3 * 5 * 4 * 4 * 4 + 3 * 5 * 5 * 4 * 2);
  });

  it('reports an F.linear feature mismatch as a shape error', async () => {
    const g = await analyze(model(`
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.w = nn.Parameter(torch.zeros(6, 5))
          def forward(self, x):
              return F.linear(x, self.w)
      `), { model: 'M()', input: [2, 4] });
    assert.deepEqual(errors(g), ['in-features-mismatch@9']);
  });

  it('Tensor.unfold, nn.Unfold and nn.Fold shapes', async () => {
    const g = await analyze(model(`
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.unfold = nn.Unfold(kernel_size=2, stride=2)
              self.fold = nn.Fold(output_size=(8, 8), kernel_size=2, stride=2)
          def forward(self, x):
              cols = self.unfold(x)
              assert cols.shape == (1, 12, 16)
              windows = x.unfold(3, 4, 2)
              assert windows.shape == (1, 3, 8, 3, 4)
              return self.fold(cols)
      `), { model: 'M()', input: [1, 3, 8, 8] });
    assert.deepEqual(errors(g), []);
    assert.deepEqual(g.output, [1, 3, 8, 8]);
  });

  it('rotary helpers: arange keywords, outer, polar, view_as_complex / view_as_real', async () => {
    const g = await analyze(model(`
      class M(nn.Module):
          def forward(self, x):
              freqs = torch.arange(start=0, end=8, step=2).float()
              assert freqs.shape == (4,) and torch.arange(3, step=1).shape == (3,)
              angles = torch.outer(torch.arange(6), freqs)
              cis = torch.polar(torch.ones_like(angles), angles)
              xc = torch.view_as_complex(x.reshape(*x.shape[:-1], -1, 2))
              return torch.view_as_real(xc * cis).flatten(2)
      `), { model: 'M()', input: [1, 6, 8] });
    assert.deepEqual(errors(g), []);
    assert.deepEqual(g.output, [1, 6, 8]);
  });

  it("float() of strings follows Python (inf, -inf, nan, numbers) and refuses other text", async () => {
    const ok = await analyze(model(`
      import math
      assert float("-inf") < -1e308 and float(" Infinity ") > 1e308 and math.isnan(float("nan")) and float("1e-3") == 0.001
      class M(nn.Module):
          def forward(self, x):
              return x
      `), { model: 'M()', input: [1] });
    assert.deepEqual(ok.diagnostics.filter((d) => d.code === 'module-level-error').map((d) => d.message), []);
    const bad = await analyze(model(`
      y = float("abc")
      class M(nn.Module):
          def forward(self, x):
              return x
      `), { model: 'M()', input: [1] });
    assert.match(bad.diagnostics.find((d) => d.code === 'module-level-error')!.message, /could not convert string to float: 'abc'/);
  });
});
