// `netlens run` in node: the --json contract, exit codes, refusals, and --dump's .npy files (wasm agrees with cpu).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCommand, type RunJson } from '../../src/cli/run';
import type { LayerGraph } from '../../src/core/graph/ir';
import { analyzeSource } from '../../src/core/analyze';
import { smallResidualNet } from './run-graphs';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const TEST_FIXTURES = path.join(__dirname, '..', 'fixtures');

/** An independent NumPy implementation of examples/cifar_resnet.py that reads the --dump folder by state-dict key. */
const NUMPY_CIFAR_RESNET18 = String.raw`import numpy as np, os
import sys
d = sys.argv[1]
W = lambda k: np.load(os.path.join(d, k + '.npy')).astype(np.float64)
def conv(x, w, stride, pad):
    n, c, h, wd = x.shape; o, _, kh, kw = w.shape
    xp = np.pad(x, ((0,0),(0,0),(pad,pad),(pad,pad)))
    oh = (h + 2*pad - kh)//stride + 1; ow = (wd + 2*pad - kw)//stride + 1
    cols = np.empty((n, c, kh, kw, oh, ow))
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = xp[:, :, i:i+stride*oh:stride, j:j+stride*ow:stride]
    return np.einsum('nckluv,ockl->nouv', cols, w)
def bn(x, p):
    g, b, m, v = W(p+'.weight'), W(p+'.bias'), W(p+'.running_mean'), W(p+'.running_var')
    assert np.load(os.path.join(d, p + '.num_batches_tracked.npy')).dtype == np.int64
    return (x - m[None,:,None,None]) / np.sqrt(v[None,:,None,None] + 1e-5) * g[None,:,None,None] + b[None,:,None,None]
relu = lambda x: np.maximum(x, 0)
x = W('input')
out = relu(bn(conv(x, W('conv1.weight'), 1, 1), 'bn1'))
for li, stride in zip(range(1, 5), [1, 2, 2, 2]):
    for b in range(2):
        p = f'layer{li}.{b}'; s = stride if b == 0 else 1
        y = relu(bn(conv(out, W(p+'.conv1.weight'), s, 1), p+'.bn1'))
        y = bn(conv(y, W(p+'.conv2.weight'), 1, 1), p+'.bn2')
        sc = bn(conv(out, W(p+'.shortcut.0.weight'), s, 0), p+'.shortcut.1') if os.path.exists(os.path.join(d, p+'.shortcut.0.weight.npy')) else out
        out = relu(y + sc)
n, c, h, w = out.shape
out = out.reshape(n, c, h//4, 4, w//4, 4).mean(axis=(3, 5)).reshape(n, -1)
out = out @ W('linear.weight').T + W('linear.bias')
got = np.load(os.path.join(d, 'output.npy'))
print(len(os.listdir(d)), np.abs(got - out).max(), np.abs(out).max())
`;

function hasNumpy(): boolean {
  return spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}

/** Minimal .npy reader written for the test (v1.0, '<f4' or '<i8', C order). */
function readNpy(file: string): { descr: string; shape: number[]; values: number[] } {
  const bytes = fs.readFileSync(file);
  assert.equal(bytes.subarray(0, 6).toString('latin1'), '\x93NUMPY');
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const descr = /'descr': '([^']+)'/.exec(header)![1]!;
  const shapeText = /'shape': \(([^)]*)\)/.exec(header)![1]!;
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((p, d) => p * d, 1);
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    const offset = 10 + headerLength + i * (descr === '<f4' ? 4 : 8);
    values.push(descr === '<f4' ? bytes.readFloatLE(offset) : Number(bytes.readBigInt64LE(offset)));
  }
  return { descr, shape, values };
}

async function runCaptured(graph: LayerGraph, options: Partial<Parameters<typeof runCommand>[1]>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCommand(graph, { backend: 'cpu', seed: 0, runs: 1, warmup: 0, ...options, write: (t) => (out += t), writeError: (t) => (err += t) });
  return { code, out, err };
}

describe('netlens run (CLI)', function () {
  this.timeout(60000);
  let dumpDir = '';
  before(() => {
    dumpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-dump-'));
  });
  after(() => fs.rmSync(dumpDir, { recursive: true, force: true }));

  it('--json prints exactly the documented document on the wasm backend', async () => {
    const graph = smallResidualNet();
    const { code, out } = await runCaptured(graph, { backend: 'wasm', json: true, runs: 2 });
    assert.equal(code, 0);
    const lines = out.trim().split('\n');
    assert.equal(lines.length, 1, 'one JSON line on stdout');
    const json = JSON.parse(lines[0]!) as RunJson;
    for (const key of ['backend', 'input', 'output', 'layers', 'blocks', 'totalMs']) assert.ok(key in json, `missing ${key}`);
    assert.equal(json.backend, 'wasm');
    assert.deepEqual(json.input, [2, 3, 12, 12]);
    assert.deepEqual(json.output, [2, 5]);
    assert.equal(json.layers.length, graph.nodes.length - 1);
    for (const layer of json.layers) {
      assert.deepEqual(Object.keys(layer).sort(), ['ms', 'op', 'path', 'shape']);
      assert.ok(typeof layer.ms === 'number' && layer.ms >= 0);
    }
    assert.deepEqual(json.layers.map((l) => l.path), graph.nodes.slice(1).map((n) => n.path));
    assert.deepEqual(json.layers.find((l) => l.path === 'pool')?.shape, [2, 8, 6, 6], 'shapes in PyTorch order');
    assert.deepEqual(json.blocks.map((b) => b.path).sort(), ['block', 'stem']);
    for (const block of json.blocks) assert.deepEqual(Object.keys(block).sort(), ['ms', 'path']);
    const sum = json.layers.reduce((s, l) => s + l.ms, 0);
    assert.ok(Math.abs(json.totalMs - sum) < 0.01 * json.layers.length);
    assert.deepEqual(json.mismatches, []);
  });

  it('prints a per-layer table and block totals without --json', async () => {
    const { code, out } = await runCaptured(smallResidualNet(), {});
    assert.equal(code, 0);
    assert.match(out, /backend cpu/);
    assert.match(out, /^block\.conv1\s+Conv2d\s+2×8×6×6\s+[0-9.]+\s+[0-9.]+%/m);
    assert.match(out, /^stem\s+Sequential/m);
    assert.match(out, /all 13 runtime shapes match the static analysis/);
  });

  it('exits 1 and names the layer when the graph is not runnable', async () => {
    const graph = smallResidualNet();
    graph.nodes.find((n) => n.path === 'fc')!.op = 'Unknown';
    const human = await runCaptured(graph, {});
    assert.equal(human.code, 1);
    assert.match(human.err, /layer 'fc'/);
    const json = await runCaptured(graph, { json: true });
    assert.equal(json.code, 1);
    assert.equal(JSON.parse(json.out).error.code, 'unknown-op');
  });

  it('exits 1 on a shape mismatch and reports both shapes in JSON', async () => {
    const graph = smallResidualNet();
    graph.nodes.find((n) => n.path === 'pool')!.outputShape = [2, 8, 5, 5];
    const { code, out } = await runCaptured(graph, { json: true });
    assert.equal(code, 1);
    const json = JSON.parse(out) as RunJson;
    assert.deepEqual(json.mismatches.map((m) => [m.path, m.runtime, m.static]), [['pool', [2, 8, 6, 6], [2, 8, 5, 5]]]);
  });

  it('--dump writes input, every parameter and buffer by state-dict key, and the output', async () => {
    const graph = smallResidualNet();
    const { code, out } = await runCaptured(graph, { backend: 'wasm', json: true, dump: dumpDir, seed: 4 });
    assert.equal(code, 0);
    const files = fs.readdirSync(dumpDir).sort();
    for (const name of ['input.npy', 'output.npy', 'stem.0.weight.npy', 'stem.1.running_var.npy', 'stem.1.num_batches_tracked.npy', 'block.conv2.bias.npy',
      'fc.weight.npy']) {
      assert.ok(files.includes(name), `missing ${name}`);
    }
    assert.ok(!files.includes('stem.0.bias.npy'), 'bias=False has no bias');
    const input = readNpy(path.join(dumpDir, 'input.npy'));
    assert.deepEqual([input.descr, input.shape], ['<f4', [2, 3, 12, 12]]);
    const conv = readNpy(path.join(dumpDir, 'stem.0.weight.npy'));
    assert.deepEqual(conv.shape, [8, 3, 3, 3], 'PyTorch layout [out, in, kh, kw]');
    const tracked = readNpy(path.join(dumpDir, 'stem.1.num_batches_tracked.npy'));
    assert.deepEqual([tracked.descr, tracked.shape, tracked.values], ['<i8', [], [0]]);
    const output = readNpy(path.join(dumpDir, 'output.npy'));
    assert.deepEqual(output.shape, (JSON.parse(out) as RunJson).output);

    // The wasm output agrees with the cpu backend's for the same seed.
    const cpuDir = path.join(dumpDir, 'cpu');
    await runCaptured(graph, { backend: 'cpu', json: true, dump: cpuDir, seed: 4 });
    const cpuOutput = readNpy(path.join(cpuDir, 'output.npy'));
    output.values.forEach((v, i) => assert.ok(Math.abs(v - cpuOutput.values[i]!) < 1e-4, `output[${i}] wasm ${v} cpu ${cpuOutput.values[i]}`));
  });

  it('runs a model analysed from Python source: every runtime shape confirms the static one', async () => {
    const source = fs.readFileSync(path.join(TEST_FIXTURES, 'resnet_family.py'), 'utf8');
    const graph = await analyzeSource(source, 'resnet_family.py', { model: 'resnet18()', input: [1, 3, 64, 64] });
    const { code, out } = await runCaptured(graph, { backend: 'wasm', json: true });
    assert.equal(code, 0, out);
    const json = JSON.parse(out) as RunJson;
    assert.deepEqual(json.output, [1, 1000]);
    assert.deepEqual(json.mismatches, []);
    assert.equal(json.layers.length, graph.nodes.filter((n) => n.op !== 'Input' && n.op !== 'Output').length);
    assert.ok(json.blocks.some((b) => b.path === 'layer4.1'));
  });

  it('names the failing layer of a broken model with its inputs in PyTorch order', async () => {
    const source = fs.readFileSync(path.join(TEST_FIXTURES, 'broken_missing_downsample.py'), 'utf8');
    const graph = await analyzeSource(source, 'broken_missing_downsample.py', { input: [1, 3, 64, 64] });
    const { code, err } = await runCaptured(graph, { backend: 'wasm' });
    assert.equal(code, 1);
    assert.match(err, /Layer 'layer2\.0\.add' \(add\) failed at run time on inputs 1×128×8×8, 1×64×16×16/);
  });

  it('dumps a state dict that an independent NumPy implementation turns into the same output', async function () {
    if (!hasNumpy()) this.skip();
    const source = fs.readFileSync(path.join(EXAMPLES, 'cifar_resnet.py'), 'utf8');
    const graph = await analyzeSource(source, 'cifar_resnet.py', { input: [2, 3, 32, 32] });
    const dir = path.join(dumpDir, 'cifar');
    const { code } = await runCaptured(graph, { backend: 'wasm', json: true, dump: dir, seed: 5 });
    assert.equal(code, 0);
    const script = path.join(dumpDir, 'cifar_resnet18.py');
    fs.writeFileSync(script, NUMPY_CIFAR_RESNET18);
    const result = spawnSync('python3', [script, dir], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const [files, maxDiff, maxAbs] = result.stdout.trim().split(/\s+/).map(Number);
    // conv1 + bn1 (5) + 8 blocks × 12 + 3 projections × 6 + linear 2 = 122 state-dict entries, plus input and output.
    assert.equal(files, 124);
    assert.ok(maxAbs! > 0.01, 'a non-trivial output');
    assert.ok(maxDiff! < 1e-5, `max |NetLens − NumPy| = ${maxDiff}`);
  });
});
