// Browser page for ops-webgl.test.ts: runs op entries on the tfjs CPU and WebGL backends and reports their differences.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { fromTorchOrder, toTorchOrder } from '../../src/core/ops/layout';
import type { Tf, TfTensor } from '../../src/core/ops/types';
import { build, functional, method, nn, op, seededRandom, type Built } from './ops-helpers';

const tfns = tf as unknown as Tf;
/** One op call: a built layer and the PyTorch shapes of its inputs. */
interface Case {
  name: string;
  layer: Built;
  inputs: number[][];
}
const c = (name: string, layer: Built, ...inputs: number[][]): Case => ({ name, layer, inputs });
const cases: Case[] = [
  c('conv s2 p1', nn('Conv2d', [3, 5, 3], { stride: 2, padding: 1 }), [2, 3, 9, 8]),
  c('conv dil+stride', nn('Conv2d', [4, 6, [3, 2]], { stride: [2, 1], padding: [2, 1], dilation: [2, 3] }), [1, 4, 11, 10]),
  c('conv grouped', nn('Conv2d', [6, 9, 3], { padding: 1, groups: 3 }), [2, 6, 7, 6]),
  c('conv depthwise dil stride', nn('Conv2d', [4, 8, 3], { padding: 2, groups: 4, stride: 2, dilation: 2 }), [1, 4, 9, 10]),
  c('conv same even', nn('Conv2d', [3, 4, 4], { padding: 'same' }), [1, 3, 6, 7]),
  c('conv reflect', nn('Conv2d', [2, 3, 3], { padding: 2, padding_mode: 'reflect' }), [1, 2, 5, 6]),
  c('conv circular', nn('Conv2d', [2, 3, 3], { padding: 2, padding_mode: 'circular' }), [1, 2, 5, 6]),
  c('conv1d', nn('Conv1d', [4, 6, 3], { stride: 2, padding: 1, groups: 2 }), [2, 4, 11]),
  c('convT op', nn('ConvTranspose2d', [4, 3, 3], { stride: 2, padding: 1, output_padding: 1 }), [2, 4, 4, 5]),
  c('convT groups dil', nn('ConvTranspose2d', [4, 6, [3, 4]], { stride: [2, 3], padding: [0, 2], dilation: [2, 1], groups: 2, output_padding: [1, 0] }), [1,
    4, 3, 4]),
  c('convT dilated g1', nn('ConvTranspose2d', [3, 2, 3], { stride: 2, padding: 1, dilation: 2 }), [1, 3, 4, 3]),
  c('convT uneven', nn('ConvTranspose2d', [3, 4, [4, 3]], { stride: [2, 3], padding: [1, 0], output_padding: [1, 2] }), [1, 3, 4, 3]),
  c('convT1d g1', nn('ConvTranspose1d', [4, 3, 4], { stride: 3, padding: 2 }), [2, 4, 5]),
  c('convT crop', nn('ConvTranspose2d', [2, 2, 2], { stride: 3, padding: 2 }), [1, 2, 4, 4]),
  c('maxpool s2 p1', nn('MaxPool2d', [3, 2, 1]), [2, 3, 9, 8]),
  c('maxpool ceil', nn('MaxPool2d', [2, 2, 1], { ceil_mode: true }), [1, 2, 5, 7]),
  c('maxpool dil ceil', nn('MaxPool2d', [3, 2, 1], { dilation: 2, ceil_mode: true }), [1, 2, 11, 10]),
  c('avgpool incl', nn('AvgPool2d', [3, 2, 1]), [1, 3, 7, 6]),
  c('avgpool excl ceil', nn('AvgPool2d', [[3, 2], [2, 2], [1, 1]], { ceil_mode: true, count_include_pad: false }), [1, 3, 7, 6]),
  c('adaptive avg 3x5', nn('AdaptiveAvgPool2d', [[3, 5]]), [2, 3, 7, 11]),
  c('adaptive max 4xNone', nn('AdaptiveMaxPool2d', [[4, null]]), [2, 3, 7, 11]),
  c('gap', nn('AdaptiveAvgPool2d', [1]), [2, 3, 7, 11]),
  c('bn2d eps', nn('BatchNorm2d', [3], { eps: 0.1 }), [2, 3, 4, 5]),
  c('bn1d', nn('BatchNorm1d', [4]), [3, 4]),
  c('bn batch stats', nn('BatchNorm2d', [2], { track_running_stats: false }), [2, 2, 3, 3]),
  c('groupnorm', nn('GroupNorm', [2, 6]), [2, 6, 3, 4]),
  c('layernorm', nn('LayerNorm', [[4, 5]]), [2, 3, 4, 5]),
  c('layernorm tokens', nn('LayerNorm', [6]), [2, 3, 6]),
  c('instancenorm', nn('InstanceNorm2d', [3]), [2, 3, 4, 4]),
  c('prelu', nn('PReLU', [3]), [2, 3, 4, 4]),
  c('gelu', nn('GELU'), [2, 3, 4, 5]),
  c('elu', nn('ELU', [0.5]), [2, 3, 4, 5]),
  c('hardswish', nn('Hardswish'), [2, 3, 4, 5]),
  c('softmax dim1', nn('Softmax', [1]), [2, 3, 4, 5]),
  c('logsoftmax', nn('LogSoftmax', [-1]), [2, 3, 4, 5]),
  c('softplus', nn('Softplus', [2]), [2, 3, 4, 5]),
  c('flatten', nn('Flatten'), [2, 3, 4, 5]),
  c('linear rank3', nn('Linear', [5, 4]), [2, 3, 5]),
  c('linear', nn('Linear', [60, 7]), [2, 60]),
  c('view rank5', build(method('view'), [2, 3, 1, 4, 5], {}, true), [2, 3, 4, 5]),
  c('permute', build(method('permute'), [0, 2, 3, 1], {}, true), [2, 3, 4, 5]),
  c('add bcast', build(op('add'), [], {}, true), [2, 3, 4, 5], [1, 3, 1, 1]),
  c('add rank mix', build(op('add'), [], {}, true), [2, 3, 4, 5], [3, 1, 1]),
  c('mul', build(op('mul'), [], {}, true), [2, 3, 4, 5], [2, 3, 1, 1]),
  c('cat dim1', build(functional('torch.cat'), [1], {}, true), [2, 3, 4, 5], [2, 1, 4, 5]),
  c('cat dim-2', build(functional('torch.cat'), [-2], {}, true), [2, 3, 4, 5], [2, 3, 2, 5]),
  c('mean (2,3)', build(method('mean'), [[2, 3]], {}, true), [2, 3, 4, 5]),
  c('mean dim1', build(method('mean'), [1], {}, true), [2, 3, 4, 5]),
  c('pixelshuffle', nn('PixelShuffle', [2]), [2, 8, 3, 5]),
  c('up nearest 1.7', nn('Upsample', [], { scale_factor: 1.7 }), [1, 2, 3, 4]),
  c('up bilinear', nn('Upsample', [[7, 9]], { mode: 'bilinear' }), [1, 2, 3, 4]),
  c('up bilinear ac', nn('Upsample', [], { scale_factor: 2, mode: 'bilinear', align_corners: true }), [1, 2, 3, 4]),
  c('zeropad', nn('ZeroPad2d', [[1, 2, 0, 3]]), [1, 2, 3, 4]),
  c('maxpool1d', nn('MaxPool1d', [3, 2, 1], { ceil_mode: true }), [2, 3, 11]),
  c('matmul batched', build(op('matmul'), [], {}, true), [2, 1, 3, 4], [5, 4, 2]),
  c('matmul vector', build(op('matmul'), [], {}, true), [3, 4], [4]),
  c('1 - x', build(op('sub'), [], { scalar: 1, scalarFirst: true }, true), [2, 3, 4, 5]),
  c('x ** 2', build(op('pow'), [], { scalar: 2, scalarFirst: false }, true), [2, 3, 4, 5]),
  c('div bcast', build(op('div'), [], {}, true), [2, 3, 4, 5], [1, 3, 1, 1]),
  c('squeeze', build(method('squeeze'), [2], {}, true), [2, 3, 1, 5]),
  c('unsqueeze', build(method('unsqueeze'), [1], {}, true), [2, 3, 5]),
  c('convT1d', nn('ConvTranspose1d', [4, 6, 3], { stride: 2, padding: 1, output_padding: 1, groups: 2 }), [2, 4, 5]),
];

function random(shape: number[], seed: number, lo = -1, hi = 1): Float32Array {
  const next = seededRandom(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => lo + ((next() + 1) / 2) * (hi - lo));
}

async function runOn(backend: string, cs: Case, seed: number): Promise<Float32Array> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const raw: Record<string, TfTensor> = {};
  (cs.layer.spec.weights?.(cs.layer.attrs) ?? []).forEach((w, i) => {
    if (w.integer) return;
    raw[w.name] = tf.tensor(w.name === 'running_var' ? random(w.shape, seed + i, 0.05, 2) : random(w.shape, seed + i), w.shape);
  });
  const prepared = cs.layer.spec.prepareWeights ? tf.tidy(() => cs.layer.spec.prepareWeights!(tfns, cs.layer.attrs, raw)) : raw;
  const xs = cs.inputs.map((s, i) => tf.tidy(() => fromTorchOrder(tfns, tf.tensor(random(s, seed * 7 + i, -3, 3), s))));
  const y = tf.tidy(() => toTorchOrder(tfns, cs.layer.spec.forward!(tfns, cs.layer.attrs, xs, prepared, cs.inputs)));
  const data = (await y.data()) as Float32Array;
  tf.dispose([y, ...xs, ...Object.values(raw), ...Object.values(prepared)]);
  if (tf.memory().numTensors !== before) throw new Error(`${cs.name}: leaked ${tf.memory().numTensors - before} on ${backend}`);
  return data;
}

(async () => {
  const results: { name: string; maxDiff: number; n: number; error?: string }[] = [];
  await tf.setBackend('webgl');
  const backend = tf.getBackend();
  for (const [i, cs] of cases.entries()) {
    try {
      const cpu = await runOn('cpu', cs, 100 + i);
      const gl = await runOn('webgl', cs, 100 + i);
      let maxDiff = cpu.length === gl.length ? 0 : Infinity;
      for (let k = 0; k < cpu.length; k++) maxDiff = Math.max(maxDiff, Math.abs(cpu[k]! - gl[k]!) / Math.max(1, Math.abs(cpu[k]!)));
      results.push({ name: cs.name, maxDiff, n: cpu.length });
    } catch (e) {
      results.push({ name: cs.name, maxDiff: NaN, n: 0, error: String(e) });
    }
  }
  (globalThis as unknown as { __opsWebgl: unknown }).__opsWebgl = { backend, results };
})();
