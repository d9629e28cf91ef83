// Module trees as PyTorch builds them: named_modules paths, containers, parameters, weight-init loops, reuse.
import assert from 'node:assert/strict';
import { analyze, errors, layerPaths, py, HEADER } from './interpret-helpers';

describe('interpreter: modules', () => {
  it('names children like named_modules(): attributes, Sequential indices, OrderedDict keys, add_module, ModuleList, ModuleDict', async () => {
    const g = await analyze(HEADER + py(`
      from collections import OrderedDict
      class Net(nn.Module):
          def __init__(self):
              super(Net, self).__init__()
              self.stem = nn.Sequential(OrderedDict([("conv", nn.Conv2d(3, 8, 3, padding=1)), ("act", nn.ReLU())]))
              self.blocks = nn.ModuleList([nn.Conv2d(8, 8, 1) for _ in range(2)])
              self.heads = nn.ModuleDict({"a": nn.Conv2d(8, 4, 1)})
              tail = nn.Sequential()
              for i in range(2):
                  tail.add_module("pool%d" % (i + 1), nn.MaxPool2d(2))
              self.tail = tail
          def forward(self, x):
              x = self.stem(x)
              for b in self.blocks:
                  x = b(x)
              x = self.heads["a"](x)
              return self.tail(x)
      `), { input: [1, 3, 16, 16] });
    assert.deepEqual(errors(g), []);
    assert.deepEqual(layerPaths(g), ['stem.conv:Conv2d', 'stem.act:ReLU', 'blocks.0:Conv2d', 'blocks.1:Conv2d', 'heads.a:Conv2d', 'tail.pool1:MaxPool2d',
      'tail.pool2:MaxPool2d']);
    assert.deepEqual(g.output, [1, 4, 4, 4]);
    const groupPaths = g.groups.map((x) => `${x.path}:${x.kind}`).sort();
    assert.deepEqual(groupPaths, [':module', 'blocks:list', 'heads:list', 'stem:sequential', 'tail:sequential']);
  });

  it('counts parameters like PyTorch: shared modules once, nn.Parameter included, buffers excluded', async () => {
    const g = await analyze(HEADER + py(`
      class Net(nn.Module):
          def __init__(self):
              super().__init__()
              self.fc = nn.Linear(4, 4)
              self.again = self.fc
              self.scale = nn.Parameter(torch.ones(1, 4))
              self.register_buffer("mask", torch.zeros(4))
          def forward(self, x):
              return self.again(self.fc(x)) * self.scale
      `));
    assert.equal(g.params, 4 * 4 + 4 + 4);
    const fcNodes = g.nodes.filter((n) => n.path === 'fc');
    assert.equal(fcNodes.length, 2, 'a module called twice gives two nodes');
    assert.deepEqual(fcNodes.map((n) => [n.params, n.reuse]), [[20, 0], [0, 1]]);
    assert.deepEqual(g.input, [1, 4], 'default input from the first Linear');
    assert.equal(g.inputSource, 'default');
  });

  it('runs weight-init loops over self.modules() with nn.init and m.weight.data without errors', async () => {
    const g = await analyze(HEADER + py(`
      import math
      class Net(nn.Module):
          def __init__(self):
              super().__init__()
              self.conv = nn.Conv2d(3, 4, 3, bias=False)
              self.bn = nn.BatchNorm2d(4)
              for m in self.modules():
                  if isinstance(m, nn.Conv2d):
                      n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                      m.weight.data.normal_(0, math.sqrt(2. / n))
                      if m.bias is not None:
                          m.bias.data.zero_()
                  elif isinstance(m, nn.BatchNorm2d):
                      nn.init.constant_(m.weight, 1)
                      m.bias.data.zero_()
          def forward(self, x):
              return self.bn(self.conv(x))
      `), { input: [1, 3, 8, 8] });
    assert.deepEqual(errors(g), []);
    assert.equal(g.params, 3 * 4 * 9 + 8);
    assert.deepEqual(g.output, [1, 4, 6, 6]);
  });

  it('classes deriving from nn.Sequential and from user classes; optional submodules', async () => {
    const g = await analyze(HEADER + py(`
      class ConvBN(nn.Sequential):
          def __init__(self, cin, cout, stride=1):
              super().__init__(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout))
      class Base(nn.Module):
          def __init__(self, c):
              super().__init__()
              self.body = ConvBN(c, c)
              self.extra = None
          def forward(self, x):
              x = self.body(x)
              if self.extra is not None:
                  x = self.extra(x)
              return x
      class Derived(Base):
          def __init__(self):
              super().__init__(16)
              self.extra = nn.ReLU()
      `), { model: 'Derived()', input: [1, 16, 8, 8] });
    assert.deepEqual(errors(g), []);
    assert.deepEqual(layerPaths(g), ['body.0:Conv2d', 'body.1:BatchNorm2d', 'extra:ReLU']);
  });

  it('lists candidates and picks the top one (a factory function not used by another candidate)', async () => {
    const g = await analyze(HEADER + py(`
      class Block(nn.Module):
          def __init__(self, c=8):
              super().__init__()
              self.conv = nn.Conv2d(c, c, 3, padding=1)
          def forward(self, x):
              return self.conv(x)
      class Net(nn.Module):
          def __init__(self, depth):
              super().__init__()
              self.blocks = nn.Sequential(*[Block() for _ in range(depth)])
          def forward(self, x):
              return self.blocks(x)
      def net_small(**kwargs):
          return Net(2, **kwargs)
      def net_big():
          model = Net(4)
          return model
      def helper(x):
          return Net(x)
      `));
    assert.deepEqual(g.models.map((m) => m.expr), ['Block()', 'net_small()', 'net_big()']);
    assert.equal(g.model, 'net_small()');
    assert.equal(g.nodes.filter((n) => n.op === 'Conv2d').length, 2);
    assert.deepEqual(g.input, [1, 8, 224, 224]);
  });

  it('takes the input shape from a netlens comment and evaluates --model expressions with arguments', async () => {
    const g = await analyze(HEADER + py(`
      # netlens: input=2,3,32,32
      class Net(nn.Module):
          def __init__(self, width, classes=10):
              super().__init__()
              self.conv = nn.Conv2d(3, width, 3, stride=2, padding=1)
              self.pool = nn.AdaptiveAvgPool2d(1)
              self.fc = nn.Linear(width, classes)
          def forward(self, x):
              x = self.pool(F.relu(self.conv(x)))
              x = x.view(x.size(0), -1)
              return self.fc(x)
      `), { model: 'Net(width=12, classes=5)' });
    assert.equal(g.inputSource, 'comment');
    assert.deepEqual(g.input, [2, 3, 32, 32]);
    assert.deepEqual(g.output, [2, 5]);
    assert.deepEqual(layerPaths(g), ['conv:Conv2d', 'relu:ReLU', 'pool:AdaptiveAvgPool2d', 'view:view', 'fc:Linear']);
  });
});

describe('interpreter: modules registered in unusual ways', () => {
  it('self.__setattr__ / self.__getattr__ with formatted names; default input from the first layer applied', async () => {
    const g = await analyze(HEADER + py(`
      class Tree(nn.Module):
          def __init__(self, level=2):
              super().__init__()
              self.level = level
              self.root = nn.Conv2d(level * 8, 8, 1)
              for i in reversed(range(1, level)):
                  self.__setattr__('level_%d' % i, nn.Conv2d(4, 8, 3, padding=1))
          def forward(self, x):
              outs = []
              for i in reversed(range(1, self.level)):
                  x = self.__getattr__('level_%d' % i)(x)
                  outs.append(x)
              outs.append(x * 2)
              return self.root(torch.cat(outs, 1))
      `));
    assert.deepEqual(errors(g), []);
    assert.deepEqual(g.input, [1, 4, 224, 224], 'root (registered first) takes 16 channels; level_1 (applied first) takes 4');
    assert.equal(g.inputSource, 'default');
    assert.deepEqual(layerPaths(g).filter((p) => p.endsWith('Conv2d')), ['level_1:Conv2d', 'root:Conv2d']);
  });
});

describe('interpreter: torchvision backbones', () => {
  it('torchvision.models.resnet50() and children() slicing build the real module trees', async () => {
    const g = await analyze(HEADER + py(`
      import torchvision
      from torchvision import models
      class Classifier(nn.Module):
          def __init__(self, num_classes=10):
              super().__init__()
              backbone = models.resnet18(weights=models.ResNet18_Weights.DEFAULT)
              self.features = nn.Sequential(*list(backbone.children())[:-1])
              self.head = nn.Linear(backbone.fc.in_features, num_classes)
          def forward(self, x):
              return self.head(torch.flatten(self.features(x), 1))
      class Full(nn.Module):
          def __init__(self):
              super().__init__()
              self.net = torchvision.models.resnet50(pretrained=True)
              self.net.fc = nn.Linear(2048, 5)
          def forward(self, x):
              return self.net(x)
      `), { model: 'Classifier()' });
    assert.deepEqual(errors(g), []);
    assert.equal(g.params, 11_689_512 - 513_000 + 5_130, 'ResNet-18 without its fc, plus a 512→10 head');
    assert.ok(g.nodes.some((n) => n.path === 'features.4.0.conv1'));
    const full = await analyze(HEADER + py(`
      import torchvision
      class Full(nn.Module):
          def __init__(self):
              super().__init__()
              self.net = torchvision.models.resnet50(pretrained=True)
              self.net.fc = nn.Linear(2048, 5)
          def forward(self, x):
              return self.net(x)
      `));
    assert.equal(full.params, 25_557_032 - 2_049_000 + 10_245);
    assert.deepEqual(full.output, [1, 5]);
    assert.equal(full.shortcuts.length, 16);
  });

  it('a float layer size (true division in Python 3) is a TypeError at its line, as PyTorch raises, not a fractional count', async () => {
    const g = await analyze(HEADER + py(`
      class Net(nn.Module):
          def __init__(self, planes=64):
              super().__init__()
              self.conv = nn.Conv2d(3, planes / 4, 3)
              self.fc = nn.Linear(planes // 4, 10)
          def forward(self, x):
              return self.fc(self.conv(x).mean((2, 3)))
      `), { input: [1, 3, 8, 8] });
    assert.deepEqual(errors(g), ['bad-layer-arguments@7']);
    const error = g.diagnostics.find((d) => d.severity === 'error');
    assert.match(error?.message ?? '', /out_channels must be an int, got the float 16\.0/);
  });
});
