// Runs one op entry's TensorFlow.js forward (CPU backend) on NCHW test data and compares it with a reference.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Attrs, OpSpec, Tf, TfTensor } from '../../src/core/ops/types';
import { fromTorchOrder, toTorchOrder } from '../../src/core/ops/layout';
import { dense, type Dense } from './ops-reference';
import { seededRandom, type Built } from './ops-helpers';

export const tfns = tf as unknown as Tf;

/** The CPU backend (the reference backend of these tests); NETLENS_OPS_BACKEND=wasm runs the same checks on WASM. */
export async function useCpuBackend(): Promise<void> {
  if (process.env.NETLENS_OPS_BACKEND === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const path = await import('node:path');
    wasm.setWasmPaths(`${path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
  } else {
    await tf.setBackend('cpu');
  }
  await tf.ready();
}

/** A seeded random tensor with values in [-1, 1) (or [lo, hi)). */
export function randomDense(shape: number[], seed: number, lo = -1, hi = 1): Dense {
  const next = seededRandom(seed);
  return dense(shape, () => lo + ((next() + 1) / 2) * (hi - lo));
}

/**
 * Runs `spec.forward` like the runner does: weights in PyTorch layout through prepareWeights, inputs converted to the
 * internal layout, output converted back to PyTorch order. Checks that no tensor is left behind and that the static
 * shape rule agrees with the runtime shape.
 */
export function runForward(spec: OpSpec, attrs: Attrs, inputs: Dense[], weights: Record<string, Dense> = {}): Dense {
  const before = tf.memory().numTensors;
  const raw: Record<string, TfTensor> = {};
  for (const [name, w] of Object.entries(weights)) raw[name] = tf.tensor(Float32Array.from(w.data), w.shape, 'float32');
  const prepared = spec.prepareWeights ? tf.tidy(() => spec.prepareWeights!(tfns, attrs, raw)) : raw;
  const xs = inputs.map((d) => tf.tidy(() => fromTorchOrder(tfns, tf.tensor(Float32Array.from(d.data), d.shape, 'float32'))));
  const result = tf.tidy(() => {
    const y = spec.forward!(tfns, attrs, xs, prepared, inputs.map((d) => d.shape));
    return toTorchOrder(tfns, y);
  });
  const out: Dense = { shape: result.shape.slice() as number[], data: Float64Array.from(result.dataSync()) };
  tf.dispose([result, ...xs, ...Object.values(raw), ...Object.values(prepared)]);
  assert.equal(tf.memory().numTensors, before, `${spec.op} left tensors behind`);
  assert.deepEqual(out.shape, spec.inferShape(attrs, inputs.map((d) => d.shape)), `${spec.op}: runtime shape differs from the shape rule`);
  return out;
}

/** Runs a built layer (see ops-helpers.build). */
export function runBuilt(layer: Built, inputs: Dense[], weights: Record<string, Dense> = {}): Dense {
  return runForward(layer.spec, layer.attrs, inputs, weights);
}

/** Random weights for every entry of `weights()` (seeded), keyed by state-dict name; running_var kept positive. */
export function randomWeights(layer: Built, seed: number): Record<string, Dense> {
  const out: Record<string, Dense> = {};
  (layer.spec.weights?.(layer.attrs) ?? []).forEach((w, i) => {
    if (w.integer) return;
    out[w.name] = w.name === 'running_var' ? randomDense(w.shape, seed + i, 0.05, 2) : randomDense(w.shape, seed + i);
  });
  return out;
}

export function assertClose(actual: Dense, expected: Dense, tolerance = 1e-4, label = ''): void {
  assert.deepEqual(actual.shape, expected.shape, `${label} shape`);
  let worst = 0;
  let where = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i] as number;
    const diff = Math.abs((actual.data[i] as number) - e) / Math.max(1, Math.abs(e));
    if (!(diff <= worst)) {
      worst = diff;
      where = i;
    }
  }
  assert.ok(worst <= tolerance, `${label} differs by ${worst} at flat index ${where}: ${actual.data[where]} vs ${expected.data[where]}`);
}
