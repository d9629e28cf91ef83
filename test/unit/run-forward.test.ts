// Forward pass on the tfjs CPU backend: agrees with a naive NCHW reference, frees every tensor, shares reused weights.
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Tf } from '../../src/core/ops/types';
import { prepareRun, runForward, RunCancelledError, type RunProgress } from '../../src/core/run/index';
import { GraphBuilder, resnetGraph, smallResidualNet } from './run-graphs';
import { layersModel } from './run-layers-reference';

const tfns = tf as unknown as Tf;

/** A dense NCHW tensor for the reference implementation. */
interface Nchw {
  shape: number[];
  data: Float64Array;
}

function at(t: Nchw, n: number, c: number, h: number, w: number): number {
  const [, C, H, W] = t.shape as [number, number, number, number];
  return t.data[((n * C + c) * H + h) * W + w] as number;
}

function conv2d(x: Nchw, weight: Float32Array, bias: Float32Array | null, outC: number, k: number, stride: number, pad: number): Nchw {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const OH = Math.floor((H + 2 * pad - k) / stride) + 1;
  const OW = Math.floor((W + 2 * pad - k) / stride) + 1;
  const out = new Float64Array(N * outC * OH * OW);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < outC; o++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let sum = bias ? (bias[o] as number) : 0;
          for (let c = 0; c < C; c++)
            for (let i = 0; i < k; i++)
              for (let j = 0; j < k; j++) {
                const h = oh * stride - pad + i;
                const w = ow * stride - pad + j;
                if (h < 0 || h >= H || w < 0 || w >= W) continue;
                sum += at(x, n, c, h, w) * (weight[((o * C + c) * k + i) * k + j] as number);
              }
          out[((n * outC + o) * OH + oh) * OW + ow] = sum;
        }
  return { shape: [N, outC, OH, OW], data: out };
}

function batchNorm(x: Nchw, gamma: Float32Array, beta: Float32Array, mean: Float32Array, variance: Float32Array, eps = 1e-5): Nchw {
  const [, C, H, W] = x.shape as [number, number, number, number];
  const out = new Float64Array(x.data.length);
  x.data.forEach((value, i) => {
    const c = Math.floor(i / (H * W)) % C;
    out[i] = ((value - (mean[c] as number)) / Math.sqrt((variance[c] as number) + eps)) * (gamma[c] as number) + (beta[c] as number);
  });
  return { shape: x.shape, data: out };
}

const relu = (x: Nchw): Nchw => ({ shape: x.shape, data: x.data.map((v) => Math.max(0, v)) });
const add = (a: Nchw, b: Nchw): Nchw => ({ shape: a.shape, data: a.data.map((v, i) => v + (b.data[i] as number)) });

function maxPool(x: Nchw, k: number, stride: number, pad: number): Nchw {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const OH = Math.floor((H + 2 * pad - k) / stride) + 1;
  const OW = Math.floor((W + 2 * pad - k) / stride) + 1;
  const out = new Float64Array(N * C * OH * OW);
  let index = 0;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let best = -Infinity;
          for (let i = 0; i < k; i++)
            for (let j = 0; j < k; j++) {
              const h = oh * stride - pad + i;
              const w = ow * stride - pad + j;
              if (h >= 0 && h < H && w >= 0 && w < W) best = Math.max(best, at(x, n, c, h, w));
            }
          out[index++] = best;
        }
  return { shape: [N, C, OH, OW], data: out };
}

/** Global average pool then flatten: N×C. */
function globalAverage(x: Nchw): Nchw {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const out = new Float64Array(N * C);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      let sum = 0;
      for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) sum += at(x, n, c, h, w);
      out[n * C + c] = sum / (H * W);
    }
  return { shape: [N, C], data: out };
}

function linear(x: Nchw, weight: Float32Array, bias: Float32Array, outF: number): Nchw {
  const [N, F] = x.shape as [number, number];
  const out = new Float64Array(N * outF);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < outF; o++) {
      let sum = bias[o] as number;
      for (let f = 0; f < F; f++) sum += (x.data[n * F + f] as number) * (weight[o * F + f] as number);
      out[n * outF + o] = sum;
    }
  return { shape: [N, outF], data: out };
}

describe('forward pass (tfjs cpu backend)', () => {
  before(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  });

  it('matches a naive NCHW reference on conv-bn-relu-pool-residual-linear, with the same seeded weights', async () => {
    const graph = smallResidualNet([2, 3, 12, 12], 5);
    const prepared = prepareRun(graph, { seed: 7 });
    const w = (key: string): Float32Array => {
      const weight = prepared.weights.byKey.get(key);
      assert.ok(weight, `missing weight ${key}`);
      return weight.data;
    };
    const x: Nchw = { shape: [2, 3, 12, 12], data: Float64Array.from(prepared.input) };
    let y = conv2d(x, w('stem.0.weight'), null, 8, 3, 1, 1);
    y = relu(batchNorm(y, w('stem.1.weight'), w('stem.1.bias'), w('stem.1.running_mean'), w('stem.1.running_var')));
    const pooled = maxPool(y, 3, 2, 1);
    y = conv2d(pooled, w('block.conv1.weight'), null, 8, 3, 1, 1);
    y = relu(batchNorm(y, w('block.bn1.weight'), w('block.bn1.bias'), w('block.bn1.running_mean'), w('block.bn1.running_var')));
    y = conv2d(y, w('block.conv2.weight'), w('block.conv2.bias'), 8, 3, 1, 1);
    y = relu(add(y, pooled));
    const expected = linear(globalAverage(y), w('fc.weight'), w('fc.bias'), 5);

    const report = await runForward(tfns, graph, { seed: 7, warmup: 0, runs: 1, plainRuns: 0 });
    assert.deepEqual(report.output, [2, 5]);
    assert.equal(report.outputData.length, expected.data.length);
    report.outputData.forEach((value, i) => assert.ok(Math.abs(value - (expected.data[i] as number)) < 1e-4,
      `output[${i}] = ${value}, reference ${expected.data[i]}`));
    assert.equal(report.mismatches.length, 0);
  });

  it('initialises like PyTorch: conv weights within 1/sqrt(fan_in), BatchNorm 1/0/0/1, num_batches_tracked an integer', () => {
    const prepared = prepareRun(smallResidualNet(), { seed: 1 });
    const conv = prepared.weights.byKey.get('block.conv1.weight');
    assert.ok(conv);
    const bound = 1 / Math.sqrt(8 * 3 * 3);
    assert.ok(conv.data.every((v) => Math.abs(v) <= bound));
    assert.ok(Math.max(...conv.data.map(Math.abs)) > bound * 0.8, 'values spread over the whole range');
    assert.ok(prepared.weights.byKey.get('stem.1.weight')?.data.every((v) => v === 1));
    assert.ok(prepared.weights.byKey.get('stem.1.running_var')?.data.every((v) => v === 1));
    assert.ok(prepared.weights.byKey.get('stem.1.running_mean')?.data.every((v) => v === 0));
    assert.equal(prepared.weights.byKey.get('stem.1.num_batches_tracked')?.integer, true);
  });

  it('leaves no tensor behind after a run, a failed layer or a cancellation', async () => {
    const graph = smallResidualNet();
    const start = tf.memory().numTensors;
    await runForward(tfns, graph, { warmup: 1, runs: 2, plainRuns: 1 });
    assert.equal(tf.memory().numTensors, start);

    const controller = new AbortController();
    let steps = 0;
    const cancelled = runForward(tfns, graph, {
      signal: controller.signal,
      onProgress: () => {
        if (++steps === 5) controller.abort();
      },
    });
    await assert.rejects(cancelled, RunCancelledError);
    assert.equal(tf.memory().numTensors, start);

    const broken = smallResidualNet();
    const fc = broken.nodes.find((node) => node.path === 'fc');
    assert.ok(fc);
    fc.attrs = { ...fc.attrs, in_features: 9 };
    await assert.rejects(runForward(tfns, broken, { runs: 1 }), /Layer 'fc' \(Linear\) failed at run time/);
    assert.equal(tf.memory().numTensors, start);
  });

  it('reports progress, per-layer medians, block totals, shares and GFLOP/s', async () => {
    const graph = smallResidualNet();
    const seen: RunProgress[] = [];
    const report = await runForward(tfns, graph, { runs: 3, warmup: 1, onProgress: (p) => seen.push(p) });
    assert.ok(seen.length > graph.nodes.length, 'progress for every step');
    assert.ok(seen.every((p, i) => i === 0 || p.fraction >= (seen[i - 1] as RunProgress).fraction));
    assert.equal(seen[seen.length - 1]?.phase, 'done');
    assert.equal(report.layers.length, graph.nodes.length - 1, 'every layer but the input');
    assert.ok(report.layers.every((layer) => layer.ms >= 0 && Number.isFinite(layer.ms)));
    assert.ok(Math.abs(report.layers.reduce((s, l) => s + l.share, 0) - 1) < 1e-9);
    const block = report.blocks.find((b) => b.path === 'block');
    assert.ok(block);
    const inBlock = report.layers.filter((l) => l.path.startsWith('block.')).reduce((s, l) => s + l.ms, 0);
    assert.ok(Math.abs(block.ms - inBlock) < 1e-9);
    const conv = report.layers.find((l) => l.path === 'block.conv1');
    assert.ok(conv && conv.macs > 0 && Math.abs(conv.gflops - (2 * conv.macs) / (conv.ms * 1e6)) < 1e-9);
    assert.equal(report.layers.filter((l) => l.path === 'block.relu').length, 2, 'a module called twice is two layers');
  });

  it('shares the weights of a module called twice (one state-dict entry, same result as applying it twice)', async () => {
    const g = new GraphBuilder([1, 4]);
    const x = g.layer('Linear', 'shared', { in_features: 4, out_features: 4 }, [g.inputId]);
    g.layer('Linear', 'shared', { in_features: 4, out_features: 4 }, [x]);
    const graph = g.build();
    const prepared = prepareRun(graph, { seed: 3 });
    assert.deepEqual([...prepared.weights.byKey.keys()], ['shared.weight', 'shared.bias']);
    const weight = prepared.weights.byKey.get('shared.weight')!.data;
    const bias = prepared.weights.byKey.get('shared.bias')!.data;
    let expected: Nchw = { shape: [1, 4], data: Float64Array.from(prepared.input) };
    expected = linear(linear(expected, weight, bias, 4), weight, bias, 4);
    const report = await runForward(tfns, graph, { seed: 3, runs: 1, warmup: 0, plainRuns: 0 });
    report.outputData.forEach((v, i) => assert.ok(Math.abs(v - (expected.data[i] as number)) < 1e-5));
  });

  it('is deterministic per seed and per state-dict key', () => {
    const a = prepareRun(smallResidualNet(), { seed: 5 });
    const b = prepareRun(smallResidualNet(), { seed: 5 });
    const c = prepareRun(smallResidualNet(), { seed: 6 });
    assert.deepEqual(a.weights.byKey.get('fc.weight')?.data, b.weights.byKey.get('fc.weight')?.data);
    assert.deepEqual(a.input, b.input);
    assert.notDeepEqual(a.weights.byKey.get('fc.weight')?.data, c.weights.byKey.get('fc.weight')?.data);
    // The same layer in a different model gets the same values: streams are keyed, not sequential.
    const g = new GraphBuilder([2, 8]);
    g.layer('Linear', 'fc', { in_features: 8, out_features: 5 }, [g.inputId]);
    assert.deepEqual(prepareRun(g.build(), { seed: 5 }).weights.byKey.get('fc.weight')?.data, a.weights.byKey.get('fc.weight')?.data);
  });

  it('agrees with the same ResNet-50 built from tfjs-layers (an independent implementation) with the same weights', async function () {
    this.timeout(120_000);
    const graph = resnetGraph(50, [1, 3, 32, 32], 10);
    const prepared = prepareRun(graph, { seed: 11 });
    const start = tf.memory().numTensors;
    const model = layersModel(tfns, graph, prepared);
    const input = tf.tidy(() => tf.transpose(tf.tensor(prepared.input, [1, 3, 32, 32]), [0, 2, 3, 1]));
    const reference = model.predict(input) as tf.Tensor;
    const expected = await reference.data();
    tf.dispose([input, reference]);
    model.dispose();
    const report = await runForward(tfns, graph, { prepared, runs: 1, warmup: 0, plainRuns: 0 });
    assert.deepEqual(report.output, [1, 10]);
    report.outputData.forEach((v, i) => assert.ok(Math.abs(v - (expected[i] as number)) < 1e-4, `output[${i}] ${v} vs tfjs-layers ${expected[i]}`));
    assert.equal(tf.memory().numTensors, start);
  });

  it('runs pass-through ops (Identity, Dropout) and a model that only passes its input through, without leaks', async () => {
    const g = new GraphBuilder([1, 2, 3, 3]);
    const a = g.layer('Identity', 'id', {}, [g.inputId]);
    const b = g.layer('Dropout', 'drop', { p: 0.5 }, [a]);
    const c = g.layer('ReLU', 'relu', {}, [b]);
    g.layer('add', 'add', {}, [c, a]);
    const graph = g.build();
    const only = new GraphBuilder([1, 2, 3, 3]);
    only.layer('Identity', 'id', {}, [only.inputId]);
    const start = tf.memory().numTensors;
    const report = await runForward(tfns, graph, { seed: 4, runs: 2, warmup: 1, plainRuns: 1 });
    const x = prepareRun(graph, { seed: 4 }).input;
    report.outputData.forEach((v, i) => assert.ok(Math.abs(v - (Math.max(0, x[i] as number) + (x[i] as number))) < 1e-6));
    const identity = await runForward(tfns, only.build(), { seed: 4, runs: 1, warmup: 0, plainRuns: 1 });
    assert.deepEqual([...identity.outputData], [...x]);
    assert.equal(tf.memory().numTensors, start);
  });
});
