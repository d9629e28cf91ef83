// The `netlens` command's contract: exit codes, the --json object, the human table, argument errors.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArguments, parseShapeArgument, UsageError } from '../../src/cli/args';

const CLI = path.resolve('bin/netlens.js');

function netlens(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function tempPython(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-cli-'));
  const file = path.join(dir, 'model.py');
  fs.writeFileSync(file, text);
  return file;
}

describe('cli: argument parsing', () => {
  it('parses shapes written with commas or ×', () => {
    assert.deepEqual(parseShapeArgument('1,3,224,224'), [1, 3, 224, 224]);
    assert.deepEqual(parseShapeArgument('2×3×32×32'), [2, 3, 32, 32]);
    assert.throws(() => parseShapeArgument('1,3,-4'), UsageError);
    assert.throws(() => parseShapeArgument('a,b'), UsageError);
  });
  it('reads every option of the three commands', () => {
    const r = parseArguments(['run', 'm.py', '--model', 'resnet18()', '--input=1,3,64,64', '--backend', 'cpu', '--seed', '7', '--json', '--dump', 'out']);
    assert.deepEqual(
      { c: r.command, f: r.file, m: r.model, i: r.input, b: r.backend, s: r.seed, j: r.json, d: r.dump },
      { c: 'run', f: 'm.py', m: 'resnet18()', i: [1, 3, 64, 64], b: 'cpu', s: 7, j: true, d: 'out' },
    );
    assert.equal(parseArguments(['view', 'm.py', '--expand', 'all', '-o', 'x.html']).expand, 'all');
    assert.throws(() => parseArguments(['view', 'm.py']), /-o OUT.html/);
    assert.throws(() => parseArguments(['check']), /no FILE/);
    assert.throws(() => parseArguments(['check', 'a.py', '--bogus']), /unknown option/);
    assert.throws(() => parseArguments(['frobnicate', 'a.py']), /unknown command/);
  });
});

describe('cli: netlens run memory budget', function () {
  this.timeout(120_000);

  it('--memory-budget refuses a pass estimated above it before anything runs; within it the pass runs', () => {
    assert.equal(parseArguments(['run', 'm.py', '--memory-budget', '512']).memoryBudget, 512);
    assert.throws(() => parseArguments(['run', 'm.py', '--memory-budget', '8']), UsageError);
    // Two Linear(2000, 2000): 32 MB of weights, over 100 MiB once the wasm backend's copies are counted.
    const file = tempPython([
      'import torch.nn as nn',
      'class M(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.a = nn.Linear(2000, 2000)',
      '        self.b = nn.Linear(2000, 2000)',
      '    def forward(self, x):',
      '        return self.b(self.a(x))',
      '',
    ].join('\n'));
    const refused = netlens('run', file, '--input', '1,2000', '--memory-budget', '64', '--json');
    assert.equal(refused.code, 1);
    const error = JSON.parse(refused.stdout).error;
    assert.equal(error.code, 'memory-budget');
    assert.match(error.message, /more than the budget of 64 MiB.*--memory-budget/);
    const ran = netlens('run', file, '--input', '1,2000', '--runs', '1', '--json');
    assert.equal(ran.code, 0, ran.stderr);
    assert.ok(JSON.parse(ran.stdout).memoryBytes > 100 * 1024 * 1024);
  });
});

describe('cli: netlens check', function () {
  this.timeout(60_000);

  it('exits 2 on bad usage and on an unreadable file', () => {
    assert.equal(netlens('check').code, 2);
    assert.equal(netlens('check', 'x.py', '--input', 'nope').code, 2);
    const missing = netlens('check', path.join(os.tmpdir(), 'does-not-exist-netlens.py'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read/);
  });

  it('prints the JSON contract for the bundled ResNet example and exits 0', () => {
    const r = netlens('check', 'examples/resnet.py', '--model', 'resnet18()', '--json');
    assert.equal(r.code, 0, r.stderr + r.stdout.slice(0, 2000));
    const report = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(report).sort(), ['diagnostics', 'file', 'imports', 'input', 'inputs', 'layers', 'macs', 'model', 'models', 'output', 'params',
      'shortcuts'].sort());
    assert.equal(report.params, 11_689_512);
    assert.deepEqual(report.input, [1, 3, 224, 224]);
    assert.deepEqual(report.output, [1, 1000]);
    assert.ok(report.models.includes('resnet18()'), `models: ${report.models}`);
    assert.equal(report.shortcuts.length, 8);
    assert.equal(report.shortcuts.filter((s: { kind: string }) => s.kind === 'projection').length, 3);
    const conv1 = report.layers.find((l: { path: string }) => l.path === 'conv1');
    assert.deepEqual(conv1.output, [1, 64, 112, 112]);
    assert.equal(conv1.params, 9408);
    assert.equal(typeof conv1.line, 'number');
    assert.equal(report.diagnostics.filter((d: { severity: string }) => d.severity === 'error').length, 0);
  });

  it('honours --input and reports the error line of a broken shortcut with exit 1', () => {
    const file = tempPython(
      [
        'import torch.nn as nn',
        '',
        'class Block(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.conv = nn.Conv2d(16, 32, 3, stride=2, padding=1)',
        '',
        '    def forward(self, x):',
        '        out = self.conv(x)',
        '        return out + x',
        '',
      ].join('\n'),
    );
    const r = netlens('check', file, '--input', '1,16,8,8', '--json');
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.input, [1, 16, 8, 8]);
    const error = report.diagnostics.find((d: { severity: string }) => d.severity === 'error');
    assert.equal(error.code, 'shortcut-shape-mismatch');
    assert.equal(error.line, 10);
    assert.match(error.message, /1×32×4×4/);
    assert.match(error.message, /1×16×8×8/);
    const human = netlens('check', file, '--input', '1,16,8,8');
    assert.equal(human.code, 1);
    assert.match(human.stdout, /model\.py:10:\d+: error: /);
    assert.match(human.stdout, /Params: +4,640/);
  });

  it('prints a module table with totals', () => {
    const r = netlens('check', 'examples/resnet.py', '--model', 'resnet18()', '--depth', '2');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /layer1\.0 +BasicBlock +1×64×56×56 +73,984/);
    assert.match(r.stdout, /Params: +11,689,512/);
    assert.match(r.stdout, /MACs: .*\(1\.81 G\)/);
  });

  it("follows a project's imports, reads an environment given with --python-path and names imported files in diagnostics", () => {
    const project = path.join('test', 'fixtures', 'projects', 'segproj');
    const site = path.join(project, 'site', 'site-packages');
    const r = netlens('check', path.join(project, 'train.py'), '--model', 'small_unet()', '--python-path', site, '--json');
    assert.equal(r.code, 0, r.stderr + r.stdout.slice(0, 2000));
    const report = JSON.parse(r.stdout);
    assert.equal(report.params, 7622);
    assert.equal(report.imports.length, 7);
    assert.ok(report.layers.some((l: { path: string; file?: string }) => l.path === 'inc.block.0' && l.file?.endsWith(path.join('models', 'parts.py'))));
    // A broken copy of the project: the error is printed at the imported file's own path and line.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-project-'));
    fs.cpSync(project, dir, { recursive: true });
    const parts = path.join(dir, 'segproj', 'models', 'parts.py');
    fs.writeFileSync(parts, fs.readFileSync(parts, 'utf8').replace('_conv3x3(cout, cout)', '_conv3x3(cin, cout)'));
    const broken = netlens('check', path.join(dir, 'segproj', 'models', 'unet.py'), '--path', dir, '--python-path', path.join(dir, 'site', 'site-packages'));
    assert.equal(broken.code, 1, broken.stdout);
    assert.match(broken.stdout, new RegExp(`${parts.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:20:\\d+: error: `));
  });
});
