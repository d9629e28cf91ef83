// Python's import semantics over the module loader: packages, relative/absolute/star imports, cycles, environments.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { analyzeSource } from '../../src/core/analyze';
import type { LayerGraph } from '../../src/core/graph/ir';
import { mapModuleLoader } from '../../src/core/interpret/moduleLoader';
import { createFileModuleLoader } from '../../src/node/fileModuleLoader';
import { FIXTURES_DIR } from '../fixtures/manifest';

const SEGPROJ = path.join(FIXTURES_DIR, 'projects', 'segproj');
const SITE = path.join(SEGPROJ, 'site', 'site-packages');

function codes(g: LayerGraph): string[] {
  return g.diagnostics.map((d) => `${d.severity} ${d.code}${d.range.file ? ' ' + path.basename(d.range.file) : ''}:${d.range.line}`);
}

const CONV_BLOCK =
  'import torch.nn as nn\nclass Block(nn.Module):\n    def __init__(self, c):\n        super().__init__()\n        self.conv = nn.Conv2d(c, 2 * c, 3, padding=1)\n    def forward(self, x):\n        return self.conv(x)\n';

describe('imports across files', () => {
  it('analyses a package project (relative, absolute, star, two-level relative and circular imports, an installed library)', async () => {
    const entry = path.join(SEGPROJ, 'train.py');
    const loader = createFileModuleLoader({ entry, pythonPath: SITE });
    const source = (await import('node:fs')).readFileSync(entry, 'utf8');
    // Figures from real PyTorch 1.13 (see the fixture files): UNet(UNetConfig(base=4)) 7,622; the default 29,930.
    const small = await analyzeSource(source, entry, { model: 'small_unet()', loader });
    assert.equal(small.params, 7622);
    assert.deepEqual(small.output, [1, 2, 64, 64]);
    assert.equal(small.shortcuts.filter((s) => s.op === 'cat').length, 2);
    const built = await analyzeSource(source, entry, { model: 'build_model()', loader });
    assert.equal(built.params, 29930);
    // Only the third-party import nobody has is reported, once, at its line; the analysis goes on.
    assert.deepEqual(codes(built).filter((c) => !c.startsWith('info')), ['warning unresolved-import:2']);
    // Nodes built in imported files point at them; the installed library is not a project file.
    const head = built.nodes.find((n) => n.path === 'head.proj')!;
    assert.equal(path.basename(head.defRange!.file!), 'unet.py');
    const conv = built.nodes.find((n) => n.path === 'inc.block.0')!;
    assert.equal(path.basename(conv.defRange!.file!), 'parts.py');
    const imported = (built.imports ?? []).map((f) => path.relative(SEGPROJ, f)).sort();
    assert.deepEqual(imported, ['segproj/__init__.py', 'segproj/config.py', 'segproj/models/__init__.py', 'segproj/models/parts.py',
      'segproj/models/registry.py', 'segproj/models/unet.py', 'segproj/utils.py']);
  });

  it('resolves the relative imports of a file opened inside the package', async () => {
    const entry = path.join(SEGPROJ, 'segproj', 'models', 'unet.py');
    const source = (await import('node:fs')).readFileSync(entry, 'utf8');
    const g = await analyzeSource(source, entry, { loader: createFileModuleLoader({ entry, pythonPath: SITE }), input: [1, 3, 64, 64] });
    assert.equal(g.model, 'UNet()');
    assert.equal(g.params, 29930);
    assert.deepEqual(codes(g), []);
  });

  it('without the environment, the installed library is one clear diagnostic at its import line', async () => {
    const entry = path.join(SEGPROJ, 'segproj', 'models', 'unet.py');
    const source = (await import('node:fs')).readFileSync(entry, 'utf8');
    const g = await analyzeSource(source, entry, { loader: createFileModuleLoader({ entry }), input: [1, 3, 64, 64] });
    const unresolved = g.diagnostics.filter((d) => d.code === 'unresolved-import');
    assert.equal(unresolved.length, 1);
    assert.equal(unresolved[0].range.line, 6);
    assert.match(unresolved[0].message, /'fancylayers'/);
    // The head is unknown, so its parameters are not counted as if known.
    assert.ok(g.diagnostics.some((d) => d.code === 'unknown-layer' || d.code === 'unknown-op'), codes(g).join('\n'));
  });

  it('honours __all__ in star imports and reports a missing name as ImportError', async () => {
    const loader = mapModuleLoader({
      lib: { path: 'lib/__init__.py', text: CONV_BLOCK + '__all__ = ["Block"]\nclass Other(nn.Module):\n    pass\n', isPackage: true },
    }, { name: 'main', isPackage: false });
    const star = await analyzeSource('from lib import *\nclass Net(Block):\n    def __init__(self):\n        super().__init__(3)\nx = Other\n', 'main.py',
      { loader, input: [1, 3, 8, 8] });
    assert.equal(star.params, 3 * 6 * 9 + 6);
    assert.ok(star.diagnostics.some((d) => d.code === 'module-level-error' && /Other/.test(d.message) && d.range.line === 5), codes(star).join('\n'));
    const missing = await analyzeSource('from lib import Missing\n', 'main.py', { loader });
    assert.ok(missing.diagnostics.some((d) => /cannot import name 'Missing' from 'lib'/.test(d.message) && d.range.line === 1), codes(missing).join('\n'));
  });

  it('takes the except branch of `try: import x / except ImportError` when x is missing, and the try branch when present', async () => {
    const src = 'import torch.nn as nn\ntry:\n    from fast import Block\nexcept ImportError:\n    Block = None\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4 if Block is None else 8)\n    def forward(self, x):\n        return self.fc(x)\n';
    const without = await analyzeSource(src, 'main.py', { loader: mapModuleLoader({}), input: [1, 4] });
    assert.equal(without.params, 20);
    assert.deepEqual(codes(without), []);
    const withIt = await analyzeSource(src, 'main.py', { loader: mapModuleLoader({ fast: { path: 'fast.py', text: 'Block = 1\n', isPackage: false } }),
      input: [1, 4] });
    assert.equal(withIt.params, 40);
  });

  it('loads each module once per analysis and reports errors inside an imported file at that file', async () => {
    const loader = mapModuleLoader({
      pkg: { path: 'pkg/__init__.py', text: 'from .a import A\nfrom .b import B\n', isPackage: true },
      'pkg.counter': { path: 'pkg/counter.py', text: 'loads = []\n', isPackage: false },
      'pkg.a': { path: 'pkg/a.py', text: 'from . import counter\ncounter.loads.append("a")\nfrom .b import B\nA = 1\n', isPackage: false },
      'pkg.b': { path: 'pkg/b.py',
        text: 'from . import counter\ncounter.loads.append("b")\nimport torch.nn as nn\nclass B(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.c1 = nn.Conv2d(3, 8, 1)\n        self.c2 = nn.Conv2d(4, 8, 1)\n    def forward(self, x):\n        return self.c2(self.c1(x))\n', isPackage: false },
    }, { name: 'main', isPackage: false });
    const g = await analyzeSource('import pkg\nfrom pkg.counter import loads\nn = len(loads)\nnet = pkg.B()\n', 'main.py', { loader, model: 'pkg.B()',
      input: [1, 3, 8, 8] });
    const mismatch = g.diagnostics.find((d) => d.severity === 'error');
    assert.ok(mismatch, codes(g).join('\n'));
    assert.equal(mismatch.range.file, 'pkg/b.py');
    assert.equal(mismatch.range.line, 10);
    const again = await analyzeSource('import pkg\nfrom pkg.counter import loads\nclass Net:\n    pass\nassert len(loads) == 2, loads\n', 'main.py',
      { loader });
    assert.ok(!again.diagnostics.some((d) => d.code === 'module-level-error'), codes(again).join('\n'));
  });

  it('builds a detector from its YAML file (open, yaml.safe_load, eval of module names, contextlib.suppress)', async () => {
    const entry = path.join(FIXTURES_DIR, 'projects', 'yolo_yaml', 'models', 'yolo.py');
    const source = (await import('node:fs')).readFileSync(entry, 'utf8');
    const g = await analyzeSource(source, entry, { loader: createFileModuleLoader({ entry }) });
    // Real PyTorch 1.13 on the same files: 1,790,977 parameters, conv MACs 526,259,200 at the 1×3×320×320 of __main__.
    assert.equal(g.model, 'Model()');
    assert.equal(g.inputSource, 'file');
    assert.deepEqual(g.input, [1, 3, 320, 320]);
    assert.equal(g.params, 1790977);
    assert.equal(g.macs, 526259200);
    assert.deepEqual(g.output, [1, 3, 40, 40, 25]);
    assert.deepEqual(g.diagnostics.filter((d) => d.severity !== 'info'), []);
  });

  it('reads YAML configs as PyYAML does and reports what it cannot read', async () => {
    const yaml = 'a: 1\nb: [1, 2.5, [x, "y z"], {k: v}]\nc:\n  - d: true\n    e: ~\n  - plain text  # comment\nf: .inf\n';
    const loader = mapModuleLoader({}, { name: 'main', isPackage: false }, { 'cfg.yaml': yaml, 'bad.yaml': 'a: &x 1\n' });
    const src = [
      'import yaml', 'import torch.nn as nn', 'with open("cfg.yaml") as f:', '    cfg = yaml.safe_load(f)', 'try:', '    yaml.safe_load(open("bad.yaml"))',
        '    failed = False',
      'except Exception:', '    failed = True', 'missing = open("missing.yaml")', 'class Net(nn.Module):', '    def __init__(self):',
        '        super().__init__()',
      '        out = len(cfg["c"]) + (10 if cfg["f"] > 1e308 else 0) + (100 if failed else 0) + (1000 if cfg["c"][0]["e"] is None else 0)',
      '        out += 5000 * (cfg["b"][2][1] == "y z") + 20000 * (cfg["c"][1] == "plain text")',
      '        self.fc = nn.Linear(cfg["a"] + int(cfg["b"][1] * 2), out)', '    def forward(self, x):', '        return self.fc(x)', '',
    ].join('\n');
    const g = await analyzeSource(src, 'main.py', { loader, input: [1, 6] });
    // in = 1 + 2.5 * 2 = 6; out = 2 + 10 + 100 + 1000 + 5000 + 20000 = 26112.
    assert.equal(g.params, 6 * 26112 + 26112, g.diagnostics.map((d) => d.message).join('\n'));
    assert.deepEqual(g.diagnostics, []);
  });

  it('reports a relative import beyond the top-level package as Python does', async () => {
    const g = await analyzeSource('from ...x import y\n', 'main.py', { loader: mapModuleLoader({}, { name: 'pkg.main', isPackage: false }) });
    assert.ok(g.diagnostics.some((d) => /beyond top-level package/.test(d.message)), codes(g).join('\n'));
  });
});
