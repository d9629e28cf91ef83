// Constructs met in transformer-era repositories (CLIP, latent diffusion, YOLO, vit-pytorch): each reproduced in a small
// model of NetLens's own; parameters and output shapes from real PyTorch 1.13 on the same code.
import assert from 'node:assert/strict';
import type { LayerGraph } from '../../src/core/graph/ir';
import { analyze, errors, HEADER, py } from './interpret-helpers';

/** Shapes of every tensor the model returns (the Output node's inputs). */
function outputs(g: LayerGraph): unknown[] {
  return g.nodes.find((n) => n.op === 'Output')?.inputShapes ?? [];
}

describe('interpreter: transformer-era repository constructs', () => {
  it('F.multi_head_attention_forward returns out_proj_weight\'s features (CLIP\'s attention pooling to output_dim)', async () => {
    const g = await analyze(HEADER + py(`
      class Pool(nn.Module):
          def __init__(self, spacial=4, embed=32, heads=4, out=24):
              super().__init__()
              self.pos = nn.Parameter(torch.randn(spacial ** 2 + 1, embed))
              self.k_proj = nn.Linear(embed, embed)
              self.q_proj = nn.Linear(embed, embed)
              self.v_proj = nn.Linear(embed, embed)
              self.c_proj = nn.Linear(embed, out)
              self.heads = heads
          def forward(self, x):
              x = x.flatten(start_dim=2).permute(2, 0, 1)
              x = torch.cat([x.mean(dim=0, keepdim=True), x], dim=0)
              x = x + self.pos[:, None, :]
              x, _ = F.multi_head_attention_forward(query=x[:1], key=x, value=x, embed_dim_to_check=x.shape[-1], num_heads=self.heads,
                  q_proj_weight=self.q_proj.weight, k_proj_weight=self.k_proj.weight, v_proj_weight=self.v_proj.weight, in_proj_weight=None,
                  in_proj_bias=torch.cat([self.q_proj.bias, self.k_proj.bias, self.v_proj.bias]), bias_k=None, bias_v=None, add_zero_attn=False,
                  dropout_p=0, out_proj_weight=self.c_proj.weight, out_proj_bias=self.c_proj.bias, use_separate_proj_weight=True,
                  training=self.training, need_weights=False)
              return x.squeeze(0)
      `), { model: 'Pool()', input: [2, 32, 4, 4] });
    assert.deepEqual(errors(g), []);
    assert.equal(g.params, 4504);
    assert.deepEqual(g.output, [2, 24]);
  });

  it('MultiheadAttention.out_proj is its Linear (weights shared, counted once); two index tensors broadcast; t(); F.linear by keyword', async () => {
    const g = await analyze(HEADER + py(`
      class Block(nn.Module):
          def __init__(self, d=32, h=4):
              super().__init__()
              self.attn = nn.MultiheadAttention(d, h)
              nn.init.normal_(self.attn.in_proj_weight, std=0.02)
              nn.init.normal_(self.attn.out_proj.weight, std=0.02)
              self.proj = nn.Parameter(torch.randn(d, 16))
              self.w = nn.Parameter(torch.randn(8, d))
              self.b = nn.Parameter(torch.zeros(8))
          def forward(self, x, idx):
              y = self.attn(x, x, x, need_weights=False)[0]
              y = y.permute(1, 0, 2)
              z = y[torch.arange(y.shape[0]), idx] @ self.proj
              z = z / z.norm(dim=1, keepdim=True)
              sim = z @ z.t()
              lin = F.linear(input=y, weight=self.w, bias=self.b)
              return sim, lin
      `), { model: 'Block()', inputs: [{ shape: [5, 2, 32] }, { shape: [2], dtype: 'int64' }] });
    assert.deepEqual(errors(g), []);
    assert.equal(g.params, 5000);
    assert.deepEqual(outputs(g), [[2, 2], [2, 5, 8]]);
  });

  it('var/std/amax/logsumexp/prod reduce as PyTorch does; ~mask keeps the shape', async () => {
    const g = await analyze(HEADER + py(`
      class Norms(nn.Module):
          def __init__(self, c=6):
              super().__init__()
              self.g = nn.Parameter(torch.ones(1, c, 1, 1))
          def forward(self, x):
              var = torch.var(x, dim=1, unbiased=False, keepdim=True)
              mean = torch.mean(x, dim=1, keepdim=True)
              y = (x - mean) / (var + 1e-5).sqrt() * self.g
              s = y.std(-1)
              m = y.amax(dim=(2, 3))
              keep = ~(y > 0)
              return y.masked_fill(keep, 0.), s, m, y.logsumexp(1), y.prod(3)
      `), { model: 'Norms()', input: [2, 6, 4, 5] });
    assert.deepEqual(errors(g), []);
    assert.deepEqual(g.diagnostics.map((d) => d.code), []);
    assert.equal(g.params, 6);
    assert.deepEqual(outputs(g), [[2, 6, 4, 5], [2, 6, 4], [2, 6], [2, 4, 5], [2, 6, 4]]);
  });

  it('torch.autograd.Function.apply runs the static forward (latent diffusion\'s checkpoint)', async () => {
    const g = await analyze(HEADER + py(`
      class Ckpt(torch.autograd.Function):
          @staticmethod
          def forward(ctx, run, n, *args):
              ctx.run = run
              ctx.inputs = list(args[:n])
              with torch.no_grad():
                  return ctx.run(*ctx.inputs)
          @staticmethod
          def backward(ctx, *grads):
              return (None, None) + grads
      class UsesCkpt(nn.Module):
          def __init__(self):
              super().__init__()
              self.conv = nn.Conv2d(3, 8, 3, padding=1)
          def forward(self, x):
              return Ckpt.apply(self.conv, 1, x, *self.conv.parameters())
      `), { model: 'UsesCkpt()', input: [1, 3, 8, 8] });
    assert.deepEqual(errors(g), []);
    assert.equal(g.params, 224);
    assert.deepEqual(g.output, [1, 8, 8, 8]);
  });

  it('self.training is True while the model is built (YOLO\'s stride probe) and False in the traced forward', async () => {
    const g = await analyze(HEADER + py(`
      class Head(nn.Module):
          stride = None
          def __init__(self, ch=(8, 16)):
              super().__init__()
              self.m = nn.ModuleList(nn.Conv2d(c, 12, 1) for c in ch)
          def forward(self, xs):
              xs = [m(x) for m, x in zip(self.m, xs)]
              if self.training:
                  return xs
              return torch.cat([x.flatten(2) * self.stride[i] for i, x in enumerate(xs)], 2)
      class Det(nn.Module):
          def __init__(self):
              super().__init__()
              self.a = nn.Conv2d(3, 8, 3, 2, 1)
              self.b = nn.Conv2d(8, 16, 3, 2, 1)
              self.head = Head()
              s = 64
              self.head.stride = torch.tensor([s / x.shape[-2] for x in self.forward(torch.zeros(1, 3, s, s))])
              for conv, st in zip(self.head.m, self.head.stride):
                  conv.bias.data += st
          def forward(self, x):
              a = self.a(x)
              return self.head([a, self.b(a)])
      `), { model: 'Det()', input: [1, 3, 64, 64] });
    assert.deepEqual(errors(g), []);
    assert.equal(g.params, 1704);
    assert.deepEqual(g.output, [1, 12, 1280]);
  });

  it('inspect.isfunction, dir() of torch namespaces, and a tensor\'s truth taken as False with a warning (random layer drop)', async () => {
    const g = await analyze(HEADER + py(`
      from inspect import isfunction

      _HAS_SILU = 'silu' in dir(torch.nn.functional)
      _HAS_FAKE = 'not_a_function' in dir(F)

      def default(val, d):
          if val is not None:
              return val
          return d() if isfunction(d) else d

      class Drop(nn.Module):
          def __init__(self, dim=16, depth=3, act=None):
              super().__init__()
              act = default(act, lambda: nn.SiLU() if _HAS_SILU else nn.ReLU())
              self.layers = nn.ModuleList([nn.Sequential(nn.Linear(dim, dim), act) for _ in range(depth)])
              self.extra = nn.Linear(dim, 4) if _HAS_FAKE else nn.Identity()
          def forward(self, x, ctx=None):
              ctx = default(ctx, x)
              to_drop = torch.zeros(len(self.layers)).uniform_(0., 1.) < 0.1
              for layer, drop in zip(self.layers, to_drop):
                  if not drop:
                      x = layer(x) + ctx
              return self.extra(x)
      `), { model: 'Drop()', input: [2, 16] });
    assert.deepEqual(errors(g), []);
    assert.equal(g.params, 816);
    assert.deepEqual(g.output, [2, 16]);
    assert.ok(g.nodes.some((n) => n.op === 'SiLU'), 'SiLU chosen: silu is in dir(torch.nn.functional)');
    assert.deepEqual(g.diagnostics.map((d) => `${d.code}@${d.range.line}`), ['unknown-condition@24']);
  });

  it('timm ConvNeXt from the bundled stub: timm\'s layout and counts (atto with conv_mlp, tiny; figures from timm on PyTorch 1.13)', async () => {
    const source = py(`
      import timm
      import torch.nn as nn
      from timm.models.convnext import ConvNeXt

      class Net(nn.Module):
          def __init__(self, name='convnext_atto', num_classes=10):
              super().__init__()
              self.backbone = timm.create_model(name, pretrained=False, num_classes=num_classes)
          def forward(self, x):
              return self.backbone(x)
      `);
    const atto = await analyze(source, { model: "Net('convnext_atto')", input: [1, 3, 224, 224] });
    assert.deepEqual(errors(atto), []);
    assert.deepEqual([atto.params, atto.macs, atto.output], [3377730, 547015680, [1, 10]]);
    const tiny = await analyze(source, { model: "ConvNeXt(depths=(3, 3, 9, 3), dims=(96, 192, 384, 768), num_classes=10)", input: [1, 3, 224, 224] });
    assert.deepEqual([tiny.params, tiny.macs, tiny.output], [27827818, 4454770944, [1, 10]]);
    assert.ok(tiny.nodes.some((n) => n.path === 'stages.1.downsample.1' && n.op === 'Conv2d'), 'stages.N.downsample as in timm');
    assert.ok(tiny.nodes.some((n) => n.path === 'head.fc'), 'head.fc as in timm');
  });

  it('a layer NetLens could not build makes the parameter count a lower bound, said by a warning', async () => {
    const g = await analyze(HEADER + py(`
      from missing_package import make_divisible

      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.a = nn.Conv2d(3, 8, 3)
              self.b = nn.Conv2d(8, make_divisible(12, 8), 3)
          def forward(self, x):
              return self.b(self.a(x))
      `), { model: 'M()', input: [1, 3, 16, 16] });
    assert.deepEqual(errors(g), []);
    assert.equal(g.params, 224);
    assert.ok(g.diagnostics.some((d) => d.code === 'incomplete-count' && d.severity === 'warning'));
    const known = await analyze(HEADER + py(`
      class K(nn.Module):
          def __init__(self):
              super().__init__()
              self.a = nn.Conv2d(3, 8, 3)
          def forward(self, x):
              return self.a(x)
      `), { model: 'K()', input: [1, 3, 16, 16] });
    assert.ok(!known.diagnostics.some((d) => d.code === 'incomplete-count'));
  });

  it('collections.defaultdict calls its factory for a missing key (timm\'s model registry), as Python does', async () => {
    const g = await analyze(HEADER + py(`
      from collections import defaultdict

      groups = defaultdict(list)
      for name, width in [('a', 8), ('b', 16), ('a', 4)]:
          groups[name].append(width)
      counts = defaultdict(int)
      counts['x'] += 3

      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.l = nn.Linear(sum(groups['a']) + counts['x'] + len(groups), 2)
          def forward(self, x):
              return self.l(x)
      `), { model: 'M()', input: [1, 17] });
    assert.deepEqual(g.diagnostics.map((d) => d.code), []);
    assert.equal(g.params, 36);
  });
});
