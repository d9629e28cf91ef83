// Keras registry entries: TensorFlow's same/valid arithmetic, Keras parameter counting, merge and argument errors.
import { strict as assert } from 'node:assert';
import type { Shape } from '../../src/core/graph/ir';
import { findModuleOp, trainableParamCount } from '../../src/core/ops/registry';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec } from '../../src/core/ops/types';
import { samePads } from '../../src/core/ops/kerasConv';
import { BUILT_INPUT_DIM } from '../../src/core/ops/kerasArgs';

function spec(name: string): OpSpec {
  const found = findModuleOp(`keras.layers.${name}`);
  assert.ok(found, `keras.layers.${name} is registered`);
  return found;
}

/** Binds like a Keras constructor call (defaults from the signature), normalises, and builds for `inputDim`. */
function layer(name: string, given: Attrs, inputDim?: number): { s: OpSpec; attrs: Attrs } {
  const s = spec(name);
  const attrs: Attrs = {};
  for (const p of s.signature ?? []) attrs[p.name] = p.name in given ? given[p.name]! : (p.default ?? null);
  const normalized = s.normalize ? s.normalize(attrs) : attrs;
  return { s, attrs: inputDim === undefined ? normalized : { ...normalized, [BUILT_INPUT_DIM]: inputDim } };
}

function infer(name: string, given: Attrs, input: Shape | Shape[]): Shape {
  const inputs = Array.isArray(input[0]) || input.length === 0 ? (input as Shape[]) : [input as Shape];
  const last = (inputs[0] as Shape)[(inputs[0] as Shape).length - 1];
  const { s, attrs } = layer(name, given, typeof last === 'number' ? last : undefined);
  return s.inferShape(attrs, inputs);
}

function totalParams(s: OpSpec, attrs: Attrs): number {
  return (s.weights?.(attrs) ?? []).reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0);
}

describe('keras ops: shapes as TensorFlow computes them', () => {
  it('"same" keeps ceil(size / stride); "valid" drops the window overhang; batch None stays None', () => {
    assert.deepEqual(infer('Conv2D', { filters: 64, kernel_size: 7, strides: 2, padding: 'same' }, [null, 224, 224, 3]), [null, 112, 112, 64]);
    assert.deepEqual(infer('Conv2D', { filters: 64, kernel_size: 7, strides: 2 }, [null, 230, 230, 3]), [null, 112, 112, 64]);
    assert.deepEqual(infer('Conv2D', { filters: 8, kernel_size: 3, strides: 2, padding: 'same' }, [2, 7, 5, 4]), [2, 4, 3, 8]);
    assert.deepEqual(infer('Conv2D', { filters: 8, kernel_size: [3, 1], dilation_rate: 2 }, [1, 9, 9, 4]), [1, 5, 9, 8]);
    assert.deepEqual(infer('MaxPooling2D', { pool_size: 3, strides: 2 }, [null, 114, 114, 64]), [null, 56, 56, 64]);
    assert.deepEqual(infer('AveragePooling2D', {}, [null, 7, 7, 16]), [null, 3, 3, 16]);
    assert.deepEqual(infer('AveragePooling2D', { padding: 'same' }, [null, 7, 7, 16]), [null, 4, 4, 16]);
    assert.deepEqual(infer('DepthwiseConv2D', { kernel_size: 3, strides: 2, padding: 'same', depth_multiplier: 3 }, [1, 9, 9, 4]), [1, 5, 5, 12]);
    assert.deepEqual(infer('ZeroPadding2D', { padding: [[3, 3], [1, 2]] }, [null, 224, 224, 3]), [null, 230, 227, 3]);
    assert.deepEqual(infer('ZeroPadding2D', { padding: [2, 1] }, [null, 4, 4, 3]), [null, 8, 6, 3]);
    assert.deepEqual(infer('GlobalAveragePooling2D', {}, [null, 7, 7, 2048]), [null, 2048]);
    assert.deepEqual(infer('GlobalMaxPooling2D', { keepdims: true }, [null, 7, 7, 32]), [null, 1, 1, 32]);
    assert.deepEqual(infer('Flatten', {}, [null, 7, 7, 64]), [null, 3136]);
    assert.deepEqual(infer('Dense', { units: 10 }, [null, 5, 64]), [null, 5, 10]);
    assert.deepEqual(infer('Reshape', { target_shape: [4, -1] }, [null, 6, 2]), [null, 4, 3]);
  });

  it('pads "same" like TensorFlow: the odd pixel goes after (bottom / right)', () => {
    assert.deepEqual(samePads(224, 7, 2, 1), [2, 3]);
    assert.deepEqual(samePads(56, 3, 1, 1), [1, 1]);
    assert.deepEqual(samePads(56, 1, 2, 1), [0, 0]);
    assert.deepEqual(samePads(7, 3, 2, 2), [2, 2]);
  });

  it('raises precise errors: a window larger than the input, a reused layer on other channels, bad padding', () => {
    assert.throws(() => infer('Conv2D', { filters: 4, kernel_size: 5 }, [1, 3, 3, 2]),
      (e: unknown) => e instanceof ShapeError && e.code === 'input-too-small' && /5×5/.test(e.message));
    const { s, attrs } = layer('Conv2D', { filters: 4, kernel_size: 3 }, 16);
    assert.throws(() => s.inferShape(attrs, [[1, 8, 8, 32]]),
      (e: unknown) => e instanceof ShapeError && e.code === 'channel-mismatch' && /16 channels/.test(e.message));
    assert.throws(() => layer('Conv2D', { filters: 4, kernel_size: 3, padding: 'full' }), OpArgumentError);
    assert.throws(() => layer('Conv2D', { filters: 4, kernel_size: 3, data_format: 'channels_first' }), OpArgumentError);
    assert.throws(() => layer('Dense', { units: 4, activation: 'sparkle' }), OpArgumentError);
    assert.throws(() => infer('Reshape', { target_shape: [5] }, [null, 6, 2]), ShapeError);
  });

  it('merges: Add broadcasts only size-1 dims, Concatenate checks all but its axis', () => {
    assert.deepEqual(infer('Add', {}, [[null, 7, 7, 64], [null, 7, 7, 64], [null, 1, 1, 64]]), [null, 7, 7, 64]);
    assert.throws(() => infer('Add', {}, [[null, 14, 14, 64], [null, 7, 7, 128]]),
      (e: unknown) => e instanceof ShapeError && e.code === 'merge-shape-mismatch');
    assert.deepEqual(infer('Concatenate', {}, [[null, 7, 7, 64], [null, 7, 7, 32]]), [null, 7, 7, 96]);
    assert.deepEqual(infer('Concatenate', { axis: 1 }, [[null, 3, 8], [null, 5, 8]]), [null, 8, 8]);
    assert.throws(() => infer('Concatenate', {}, [[null, 7, 7, 64], [null, 14, 14, 32]]),
      (e: unknown) => e instanceof ShapeError && e.code === 'cat-shape-mismatch');
    assert.throws(() => infer('Subtract', {}, [[null, 4], [null, 4], [null, 4]]), ShapeError);
  });
});

describe('keras ops: parameter counting as Keras reports it', () => {
  it('counts Conv2D / Dense with use_bias defaulting to True, none before the layer is built', () => {
    const conv = layer('Conv2D', { filters: 64, kernel_size: 3 }, 32);
    assert.equal(trainableParamCount(conv.s, conv.attrs), 3 * 3 * 32 * 64 + 64);
    const noBias = layer('Conv2D', { filters: 64, kernel_size: 3, use_bias: false }, 32);
    assert.equal(trainableParamCount(noBias.s, noBias.attrs), 3 * 3 * 32 * 64);
    const grouped = layer('Conv2D', { filters: 64, kernel_size: 3, groups: 4 }, 32);
    assert.equal(trainableParamCount(grouped.s, grouped.attrs), 3 * 3 * 8 * 64 + 64);
    const dense = layer('Dense', { units: 1000 }, 2048);
    assert.equal(trainableParamCount(dense.s, dense.attrs), 2049000);
    const unbuilt = layer('Dense', { units: 10 });
    assert.equal(trainableParamCount(unbuilt.s, unbuilt.attrs), 0);
  });

  it('BatchNormalization: 4 per channel, 2 of them trainable; center/scale switch gamma and beta off', () => {
    const bn = layer('BatchNormalization', { epsilon: 1.001e-5 }, 256);
    assert.equal(trainableParamCount(bn.s, bn.attrs), 512);
    assert.equal(totalParams(bn.s, bn.attrs), 1024);
    const bare = layer('BatchNormalization', { center: false, scale: false }, 8);
    assert.equal(trainableParamCount(bare.s, bare.attrs), 0);
    assert.equal(totalParams(bare.s, bare.attrs), 16);
  });

  it('depthwise and separable convolutions', () => {
    const dw = layer('DepthwiseConv2D', { kernel_size: 3, depth_multiplier: 2 }, 32);
    assert.equal(trainableParamCount(dw.s, dw.attrs), 3 * 3 * 32 * 2 + 64);
    const sep = layer('SeparableConv2D', { filters: 64, kernel_size: 3 }, 32);
    assert.equal(trainableParamCount(sep.s, sep.attrs), 3 * 3 * 32 + 32 * 64 + 64);
    assert.equal(sep.s.macs!(sep.attrs, [[1, 10, 10, 32]], [1, 8, 8, 64]), 8 * 8 * 32 * (9 + 64));
  });

  it('MACs count one sample when the batch is None', () => {
    const conv = layer('Conv2D', { filters: 64, kernel_size: 7, strides: 2 }, 3);
    assert.equal(conv.s.macs!(conv.attrs, [[null, 230, 230, 3]], [null, 112, 112, 64]), 112 * 112 * 64 * 7 * 7 * 3);
    assert.equal(conv.s.macs!(conv.attrs, [[4, 230, 230, 3]], [4, 112, 112, 64]), 4 * 112 * 112 * 64 * 7 * 7 * 3);
  });
});
