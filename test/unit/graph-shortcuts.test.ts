// The traced graph: residual shortcuts (identity / projection), dense cat skips, shape errors at forward lines.
import assert from 'node:assert/strict';
import { analyze, errors, py, HEADER } from './interpret-helpers';

const BLOCK = HEADER + py(`
  class Block(nn.Module):
      def __init__(self, cin, cout, stride=1, project=True):
          super().__init__()
          self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
          self.bn1 = nn.BatchNorm2d(cout)
          self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
          self.bn2 = nn.BatchNorm2d(cout)
          self.shortcut = nn.Sequential()
          if project and (stride != 1 or cin != cout):
              self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
      def forward(self, x):
          out = F.relu(self.bn1(self.conv1(x)))
          out = self.bn2(self.conv2(out))
          out += self.shortcut(x)
          return F.relu(out)
  class Net(nn.Module):
      def __init__(self, project=True):
          super().__init__()
          self.a = Block(8, 8)
          self.b = Block(8, 16, 2, project)
          self.c = nn.Conv2d(7, 4, 1)
      def forward(self, x):
          return self.b(self.a(x))
  `);
const ADD_LINE = BLOCK.split('\n').findIndex((l) => l.includes('out += self.shortcut(x)')) + 1;

describe('graph: shortcuts', () => {
  it('classifies identity and projection shortcuts with one shortcut edge each', async () => {
    const g = await analyze(BLOCK, { model: 'Net()', input: [1, 8, 16, 16] });
    assert.deepEqual(errors(g), []);
    assert.deepEqual(g.shortcuts.map((s) => [s.path, s.op, s.kind, s.shortcutOperand]), [['a', 'add', 'identity', 1], ['b', 'add', 'projection', 1]]);
    const [identity, projection] = g.shortcuts;
    assert.equal(g.nodes.find((n) => n.id === identity.fromNodeId)!.op, 'Input');
    assert.deepEqual(projection.shortcutNodeIds.map((id) => g.nodes.find((n) => n.id === id)!.path), ['b.shortcut.0', 'b.shortcut.1']);
    assert.equal(g.edges.filter((e) => e.kind === 'shortcut').length, 2);
    const projEdge = g.edges.find((e) => e.id === projection.edgeId)!;
    assert.equal(projEdge.from, projection.shortcutNodeIds[1]);
    assert.equal(projEdge.to, projection.nodeId);
    assert.deepEqual(g.groups.filter((x) => x.kind === 'residual').map((x) => x.path), ['a', 'b']);
    assert.equal(identity.range.line, ADD_LINE);
  });

  it('reports a residual shape mismatch at the add line with both shapes, a fix and the layers involved', async () => {
    const g = await analyze(BLOCK, { model: 'Net(project=False)', input: [1, 8, 16, 16] });
    assert.deepEqual(errors(g), [`shortcut-shape-mismatch@${ADD_LINE}`]);
    const d = g.diagnostics.find((x) => x.code === 'shortcut-shape-mismatch')!;
    assert.match(d.message, /1×8×16×16 \(shortcut\) and 1×16×8×8 \(residual branch\)/);
    assert.match(d.message, /1×1 conv, stride 2, 8→16 channels/);
    assert.ok(d.related.length >= 2, 'related __init__ lines of the branch layers');
    assert.ok(g.nodes.find((n) => n.id === d.nodeId)!.error);
    assert.deepEqual(g.output, [1, 16, 8, 8], 'analysis continues with the residual branch shape');
  });

  it('treats a deliberate broadcast (x + a pooled N×C×1×1 gate) and a parameter addition as elementwise ops, not shortcuts', async () => {
    const g = await analyze(HEADER + py(`
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.squeeze = nn.AdaptiveAvgPool2d(1)
              self.pos = nn.Parameter(torch.zeros(1, 4, 8, 8))
              self.conv = nn.Conv2d(4, 4, 3, padding=1)
          def forward(self, x):
              x = x + self.squeeze(x)
              x = x + self.pos
              return x + self.conv(x)
      `), { input: [1, 4, 8, 8] });
    assert.deepEqual(g.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.code), []);
    assert.deepEqual(g.shortcuts.map((s) => [s.kind, s.range.line]), [['identity', 13]], 'only the same-shape addition of two computed tensors');
    assert.deepEqual(g.nodes.filter((n) => n.op === 'add').length, 3);
    assert.deepEqual(g.output, [1, 4, 8, 8]);
  });

  it('records dense concatenation skips and marks the group dense', async () => {
    const g = await analyze(HEADER + py(`
      class Dense(nn.Module):
          def __init__(self, c=4, growth=2, n=3):
              super().__init__()
              self.layers = nn.ModuleList([nn.Conv2d(c + i * growth, growth, 3, padding=1) for i in range(n)])
          def forward(self, x):
              feats = [x]
              for layer in self.layers:
                  feats.append(layer(torch.cat(feats, 1)))
              return torch.cat(feats, 1)
      `), { input: [1, 4, 8, 8] });
    assert.deepEqual(errors(g), []);
    assert.deepEqual(g.output, [1, 10, 8, 8]);
    assert.ok(g.shortcuts.length >= 1 && g.shortcuts.every((s) => s.op === 'cat' && s.kind === 'identity'));
    assert.equal(g.groups.find((x) => x.path === '')!.kind, 'dense');
  });

  it('reports a cat mismatch and a channel mismatch in one file, continuing after the first error', async () => {
    const src = HEADER + py(`
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.down = nn.Conv2d(3, 8, 3, stride=2, padding=1)
              self.conv = nn.Conv2d(16, 8, 3, padding=1)
              self.fc = nn.Linear(99, 2)
          def forward(self, x):
              y = self.down(x)
              z = torch.cat([x, y], 1)
              w = self.conv(y)
              return self.fc(w.flatten(1))
      `);
    const g = await analyze(src, { input: [1, 3, 16, 16] });
    const line = (text: string): number => src.split('\n').findIndex((l) => l.includes(text)) + 1;
    assert.deepEqual(errors(g).sort(), [`cat-shape-mismatch@${line('torch.cat')}`, `channel-mismatch@${line('w = self.conv')}`,
      `in-features-mismatch@${line('self.fc(w')}`].sort());
    const channel = g.diagnostics.find((d) => d.code === 'channel-mismatch')!;
    assert.equal(channel.related[0].range.line, line('self.conv = nn.Conv2d'), 'related: the conv definition in __init__');
  });
});

describe('graph: errors do not cascade', () => {
  it('a norm fed the wrong width reports once; later layers see the real width', async () => {
    const src = HEADER + py(`
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.conv1 = nn.Conv2d(3, 32, 3, padding=1)
              self.bn1 = nn.BatchNorm2d(64)
              self.conv2 = nn.Conv2d(32, 8, 3, padding=1)
          def forward(self, x):
              return self.conv2(self.bn1(self.conv1(x)))
      `);
    const g = await analyze(src, { input: [1, 3, 8, 8] });
    assert.deepEqual(errors(g), ['channel-mismatch@11']);
    assert.deepEqual(g.output, [1, 8, 8, 8]);
    assert.ok(g.nodes.find((n) => n.path === 'bn1')!.error);
  });
});

describe('graph: identity modules on the shortcut', () => {
  it('an nn.Identity() shortcut is an identity shortcut', async () => {
    const g = await analyze(HEADER + py(`
      class Block(nn.Module):
          def __init__(self):
              super().__init__()
              self.conv = nn.Conv2d(4, 4, 3, padding=1)
              self.shortcut = nn.Identity()
          def forward(self, x):
              return self.conv(x) + self.shortcut(x)
      `), { input: [1, 4, 8, 8] });
    assert.deepEqual(g.shortcuts.map((s) => [s.kind, s.shortcutOperand, s.shortcutNodeIds.length]), [['identity', 1, 0]]);
  });
});
