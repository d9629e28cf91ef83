// Shape rules, parameter counts, MACs, labels and error messages of the op registry, against hand-computed values.
import assert from 'node:assert/strict';
import { OpArgumentError, ShapeError } from '../../src/core/ops/types';
import { build, functional, method, nn, op } from './ops-helpers';

function shapeError(fn: () => unknown, code: string, message?: string | RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ShapeError, `expected ShapeError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (typeof message === 'string') assert.equal(error.message, message);
    else if (message) assert.match(error.message, message);
    return true;
  });
}

function argumentError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (error: unknown) => error instanceof OpArgumentError && message.test(error.message));
}

describe('ops: convolutions', () => {
  it('Conv2d 3×3 s2 p1 without bias: shape, params, MACs, label', () => {
    const conv = nn('Conv2d', [64, 128, 3, 2, 1], { bias: false });
    assert.deepEqual(conv.shape([1, 64, 56, 56]), [1, 128, 28, 28]);
    assert.equal(conv.params(), 73_728);
    assert.equal(conv.macs([1, 64, 56, 56]), 57_802_752);
    assert.equal(conv.summary(), '3×3, s2, 64→128');
  });

  it('Conv2d stem 7×7 s2 p3 with bias', () => {
    const conv = nn('Conv2d', [3, 64, 7], { stride: 2, padding: 3 });
    assert.deepEqual(conv.shape([2, 3, 224, 224]), [2, 64, 112, 112]);
    assert.equal(conv.params(), 64 * 3 * 49 + 64);
    assert.equal(conv.macs([2, 3, 224, 224]), 2 * 64 * 112 * 112 * 3 * 49);
  });

  it("Conv2d padding='same' pads asymmetrically for even kernels and respects dilation", () => {
    assert.deepEqual(nn('Conv2d', [8, 8, 4], { padding: 'same' }).shape([1, 8, 9, 10]), [1, 8, 9, 10]);
    assert.deepEqual(nn('Conv2d', [8, 8, 3], { padding: 'same', dilation: 3 }).shape([1, 8, 9, 10]), [1, 8, 9, 10]);
    assert.deepEqual(nn('Conv2d', [3, 8, 5], { padding: 'valid' }).shape([1, 3, 32, 30]), [1, 8, 28, 26]);
    argumentError(() => nn('Conv2d', [8, 8, 3], { padding: 'same', stride: 2 }), /padding='same' is not supported for strided/);
  });

  it('Conv2d tuple arguments, dilation with stride, and unbatched input', () => {
    const conv = nn('Conv2d', [4, 6, [3, 5]], { stride: [2, 1], padding: [1, 2], dilation: 2 });
    // H: floor((15 + 2 - 2·2 - 1) / 2) + 1 = 7; W: floor((11 + 4 - 2·4 - 1) / 1) + 1 = 7
    assert.deepEqual(conv.shape([1, 4, 15, 11]), [1, 6, 7, 7]);
    assert.deepEqual(conv.shape([4, 15, 11]), [6, 7, 7]);
    assert.equal(conv.summary(), '3×5, s2×1, d2, 4→6');
  });

  it('grouped and depthwise Conv2d: params, MACs, labels', () => {
    const grouped = nn('Conv2d', [64, 128, 3], { padding: 1, groups: 32 });
    assert.equal(grouped.params(), 128 * 2 * 9 + 128);
    assert.equal(grouped.macs([1, 64, 8, 8]), 128 * 64 * 2 * 9);
    assert.equal(grouped.summary(), '3×3, 64→128, g32');
    const depthwise = nn('Conv2d', [32, 32, 3], { padding: 1, groups: 32, bias: false });
    assert.equal(depthwise.params(), 288);
    assert.equal(depthwise.summary(), '3×3, 32→32, dw');
    argumentError(() => nn('Conv2d', [30, 64, 3], { groups: 4 }), /in_channels \(30\) must be divisible by groups \(4\)/);
  });

  it('Conv2d errors: channel mismatch, rank, empty output', () => {
    const conv = nn('Conv2d', [64, 128, 3]);
    shapeError(() => conv.shape([1, 128, 28, 28]), 'channel-mismatch', 'Conv2d expects 64 input channels but got 128 (input 1×128×28×28)');
    shapeError(() => conv.shape([1, 64]), 'rank-mismatch', /Conv2d expects a 3-D or 4-D input .* but got 1×64 \(rank 2\)/);
    shapeError(() => nn('Conv2d', [3, 8, 5]).shape([1, 3, 3, 3]), 'empty-output', /Conv2d output would be empty: input 1×3×3×3 with kernel 5×5/);
  });

  it('unknown dimensions propagate and never raise', () => {
    const conv = nn('Conv2d', [64, 128, 3], { stride: 2, padding: 1 });
    assert.deepEqual(conv.shape([null, 64, null, 56]), [null, 128, null, 28]);
    assert.deepEqual(conv.shape([1, null, 56, 56]), [1, 128, 28, 28]);
    assert.equal(conv.macs([1, 64, null, 56]), 0);
  });

  it('Conv1d', () => {
    const conv = nn('Conv1d', [16, 32, 5], { stride: 2 });
    assert.deepEqual(conv.shape([1, 16, 100]), [1, 32, 48]);
    assert.deepEqual(conv.shape([16, 100]), [32, 48]);
    assert.equal(conv.params(), 32 * 16 * 5 + 32);
    assert.equal(conv.macs([1, 16, 100]), 32 * 48 * 16 * 5);
    assert.equal(conv.summary(), '5, s2, 16→32');
  });

  it('ConvTranspose2d: output size with padding and output_padding, params, MACs, init', () => {
    const up = nn('ConvTranspose2d', [64, 32, 4], { stride: 2, padding: 1 });
    assert.deepEqual(up.shape([1, 64, 16, 16]), [1, 32, 32, 32]);
    assert.equal(up.params(), 64 * 32 * 16 + 32);
    assert.equal(up.macs([1, 64, 16, 16]), 64 * 16 * 16 * 32 * 16);
    const weight = up.spec.weights!(up.attrs)[0]!;
    assert.deepEqual(weight.shape, [64, 32, 4, 4]);
    assert.deepEqual(weight.init, { kind: 'uniform', bound: 1 / Math.sqrt(32 * 16) });
    const withOutputPadding = nn('ConvTranspose2d', [16, 8, 3], { stride: 2, padding: 1, output_padding: 1 });
    assert.deepEqual(withOutputPadding.shape([1, 16, 7, 7]), [1, 8, 14, 14]);
    assert.equal(nn('ConvTranspose2d', [8, 4, 3], { groups: 2 }).params(), 8 * 2 * 9 + 4);
    argumentError(() => nn('ConvTranspose2d', [8, 4, 3], { stride: 2, output_padding: 2 }), /output_padding \(2\) must be smaller/);
  });

  it('conv weights follow PyTorch initialisation bounds', () => {
    const conv = nn('Conv2d', [64, 128, 3], { groups: 2 });
    const [weight, bias] = conv.spec.weights!(conv.attrs);
    assert.deepEqual(weight?.shape, [128, 32, 3, 3]);
    assert.deepEqual(weight?.init, { kind: 'uniform', bound: 1 / Math.sqrt(32 * 9) });
    assert.deepEqual(bias?.init, { kind: 'uniform', bound: 1 / Math.sqrt(32 * 9) });
  });
});

describe('ops: normalization', () => {
  it('BatchNorm2d: params count trainable weights only; buffers are listed', () => {
    const bn = nn('BatchNorm2d', [64]);
    assert.equal(bn.params(), 128);
    const weights = bn.spec.weights!(bn.attrs);
    assert.deepEqual(weights.map((w) => [w.name, w.trainable]), [
      ['weight', true], ['bias', true], ['running_mean', false], ['running_var', false], ['num_batches_tracked', false],
    ]);
    assert.deepEqual(weights.find((w) => w.name === 'running_var')?.init, { kind: 'constant', value: 1 });
    assert.equal(weights.find((w) => w.name === 'num_batches_tracked')?.integer, true);
    assert.equal(bn.summary(), '64');
    assert.equal(nn('BatchNorm2d', [64], { affine: false }).params(), 0);
    assert.equal(nn('BatchNorm2d', [64], { track_running_stats: false }).spec.weights!(nn('BatchNorm2d', [64],
      { track_running_stats: false }).attrs).length, 2);
  });

  it('BatchNorm errors', () => {
    shapeError(() => nn('BatchNorm2d', [64]).shape([1, 128, 28, 28]), 'channel-mismatch', 'BatchNorm2d expects 64 channels but got 128 (input 1×128×28×28)');
    shapeError(() => nn('BatchNorm2d', [64]).shape([64, 28, 28]), 'rank-mismatch');
    assert.deepEqual(nn('BatchNorm1d', [10]).shape([4, 10]), [4, 10]);
    assert.deepEqual(nn('BatchNorm1d', [10]).shape([4, 10, 7]), [4, 10, 7]);
  });

  it('GroupNorm, LayerNorm, InstanceNorm2d', () => {
    assert.equal(nn('GroupNorm', [32, 64]).params(), 128);
    assert.equal(nn('GroupNorm', [32, 64]).summary(), '32g, 64');
    argumentError(() => nn('GroupNorm', [3, 64]), /num_channels \(64\) must be divisible by num_groups \(3\)/);
    shapeError(() => nn('GroupNorm', [8, 64]).shape([1, 32, 4, 4]), 'channel-mismatch');
    assert.equal(nn('LayerNorm', [768]).params(), 1536);
    assert.equal(nn('LayerNorm', [768], { bias: false }).params(), 768);
    assert.equal(nn('LayerNorm', [768], { elementwise_affine: false }).params(), 0);
    assert.deepEqual(nn('LayerNorm', [[8, 8]]).shape([1, 4, 8, 8]), [1, 4, 8, 8]);
    shapeError(() => nn('LayerNorm', [[8, 8]]).shape([1, 4, 8, 7]), 'channel-mismatch', 'LayerNorm expects the last dimensions to be 8×8 but got 1×4×8×7');
    assert.equal(nn('InstanceNorm2d', [64]).params(), 0);
    assert.equal(nn('InstanceNorm2d', [64], { affine: true }).params(), 128);
    assert.deepEqual(nn('InstanceNorm2d', [64]).shape([1, 32, 4, 4]), [1, 32, 4, 4]);
    shapeError(() => nn('InstanceNorm2d', [64], { affine: true }).shape([1, 32, 4, 4]), 'channel-mismatch');
  });
});

describe('ops: activations, dropout, identity', () => {
  it('PReLU parameters and channel check', () => {
    assert.equal(nn('PReLU').params(), 1);
    const prelu = nn('PReLU', [64], { init: 0.1 });
    assert.equal(prelu.params(), 64);
    assert.deepEqual(prelu.spec.weights!(prelu.attrs)[0]?.init, { kind: 'constant', value: 0.1 });
    shapeError(() => prelu.shape([1, 32, 8, 8]), 'channel-mismatch', 'PReLU expects 64 channels but got 32 (input 1×32×8×8)');
  });

  it('elementwise activations keep the shape and own no parameters', () => {
    for (const name of ['ReLU', 'ReLU6', 'LeakyReLU', 'ELU', 'GELU', 'SiLU', 'Sigmoid', 'Tanh', 'Hardswish', 'Hardsigmoid']) {
      const layer = nn(name);
      assert.deepEqual(layer.shape([2, 3, 5, 7]), [2, 3, 5, 7], name);
      assert.equal(layer.params(), 0, name);
      assert.equal(layer.macs([2, 3, 5, 7]), 0, name);
    }
  });

  it('Softmax dim checks', () => {
    assert.deepEqual(nn('Softmax', [1]).shape([2, 10]), [2, 10]);
    shapeError(() => nn('Softmax', [3]).shape([2, 10]), 'dim-out-of-range', /dimension 3 is out of range for input 2×10/);
  });

  it('Dropout label and validation; Identity', () => {
    assert.equal(nn('Dropout').summary(), 'p=0.5');
    assert.equal(nn('Dropout2d', [0.2]).summary(), 'p=0.2');
    argumentError(() => nn('Dropout', [1.5]), /between 0 and 1/);
    assert.deepEqual(nn('Identity', [54], { unused_argument: 1 }).shape([1, 5]), [1, 5]);
  });
});

describe('ops: pooling', () => {
  it('MaxPool2d 3×3 s2 p1 (ResNet stem) and stride defaulting to the kernel', () => {
    const pool = nn('MaxPool2d', [3, 2, 1]);
    assert.deepEqual(pool.shape([1, 64, 112, 112]), [1, 64, 56, 56]);
    assert.equal(pool.summary(), '3×3, s2');
    assert.deepEqual(nn('AvgPool2d', [2]).shape([1, 8, 7, 7]), [1, 8, 3, 3]);
    assert.equal(nn('AvgPool2d', [2]).params(), 0);
  });

  it('ceil_mode, including the rule that the last window must start inside the input or left padding', () => {
    assert.deepEqual(nn('MaxPool2d', [2, 2], { ceil_mode: true }).shape([1, 1, 5, 5]), [1, 1, 3, 3]);
    assert.deepEqual(nn('MaxPool2d', [2, 2]).shape([1, 1, 5, 5]), [1, 1, 2, 2]);
    // span (5 + 2 − 2 + 1) / 2 + 1 = 4 windows, but the 4th would start at 6 ≥ 5 + 1: dropped.
    assert.deepEqual(nn('MaxPool2d', [2, 2, 1], { ceil_mode: true }).shape([1, 1, 5, 5]), [1, 1, 3, 3]);
    assert.deepEqual(nn('AvgPool2d', [3, 2], { ceil_mode: true }).shape([1, 1, 6, 6]), [1, 1, 3, 3]);
    assert.deepEqual(nn('AvgPool2d', [3, 2]).shape([1, 1, 6, 6]), [1, 1, 2, 2]);
  });

  it('pool argument and shape errors', () => {
    argumentError(() => nn('MaxPool2d', [3], { padding: 2 }), /padding \(2\) should be at most half of the kernel size \(3\)/);
    argumentError(() => nn('MaxPool2d', [3], { padding: 2, dilation: 2 }), /padding \(2\) should be at most half/);
    argumentError(() => nn('AvgPool2d', [2], { divisor_override: 0 }), /divisor_override must be a non-zero integer/);
    shapeError(() => nn('MaxPool2d', [3]).shape([1, 1, 2, 2]), 'empty-output');
    shapeError(() => nn('MaxPool2d', [3]).shape([1, 8]), 'rank-mismatch');
  });

  it('adaptive pools: int, tuple, None entries', () => {
    const gap = nn('AdaptiveAvgPool2d', [[1, 1]]);
    assert.deepEqual(gap.shape([1, 2048, 7, 7]), [1, 2048, 1, 1]);
    assert.equal(gap.summary(), '(1, 1)');
    assert.deepEqual(nn('AdaptiveAvgPool2d', [7]).shape([1, 512, 14, 13]), [1, 512, 7, 7]);
    assert.deepEqual(nn('AdaptiveMaxPool2d', [[null, 3]]).shape([1, 8, 10, 20]), [1, 8, 10, 3]);
    assert.equal(nn('AdaptiveMaxPool2d', [[null, 3]]).summary(), '(None, 3)');
  });
});

describe('ops: linear', () => {
  it('Linear shape, params, MACs, label', () => {
    const fc = nn('Linear', [512, 1000]);
    assert.deepEqual(fc.shape([1, 512]), [1, 1000]);
    assert.equal(fc.params(), 513_000);
    assert.equal(fc.macs([1, 512]), 512_000);
    assert.equal(fc.summary(), '512→1000');
    assert.deepEqual(fc.shape([2, 10, 512]), [2, 10, 1000]);
    assert.equal(fc.macs([2, 10, 512]), 20 * 512 * 1000);
    assert.equal(nn('Linear', [512, 10], { bias: false }).params(), 5120);
  });

  it('Linear in_features mismatch', () => {
    shapeError(() => nn('Linear', [512, 1000]).shape([1, 2048]), 'in-features-mismatch', 'Linear expects 512 input features but got 2048 (input 1×2048)');
  });
});

describe('ops: reshaping', () => {
  it('nn.Flatten starts at dim 1, torch.flatten and Tensor.flatten at dim 0', () => {
    assert.deepEqual(nn('Flatten').shape([1, 512, 7, 7]), [1, 25088]);
    assert.deepEqual(nn('Flatten', [2]).shape([1, 2, 3, 4]), [1, 2, 12]);
    assert.deepEqual(build(functional('torch.flatten'), [], {}, true).shape([2, 512, 7, 7]), [50176]);
    assert.deepEqual(build(functional('torch.flatten'), [1], {}, true).shape([2, 512, 7, 7]), [2, 25088]);
    assert.deepEqual(build(method('flatten'), [1, 2], {}, true).shape([2, 3, 4, 5]), [2, 12, 5]);
    shapeError(() => nn('Flatten', [3, 1]).shape([1, 2, 3, 4]), 'dim-out-of-range');
  });

  it('view/reshape infer one -1 and check element counts', () => {
    const view = (...args: number[]) => build(method('view'), args, {}, true);
    assert.deepEqual(view(1, -1).shape([1, 2048, 7, 7]), [1, 100352]);
    assert.deepEqual(view(4, -1).shape([1, 2048, 7, 7]), [4, 25088]);
    assert.deepEqual(build(method('view'), [[2, 3]], {}, true).shape([6]), [2, 3]);
    assert.deepEqual(build(functional('torch.reshape'), [[2, -1]], {}, true).shape([3, 4]), [2, 6]);
    shapeError(() => view(3, -1).shape([1, 2048, 7, 7]), 'size-mismatch', 'view: shape [3, -1] is invalid for input 1×2048×7×7 of 100352 elements');
    shapeError(() => view(1, 2048).shape([1, 2048, 7, 7]), 'size-mismatch',
      'view: shape [1, 2048] (2048 elements) is invalid for input 1×2048×7×7 of 100352 elements');
    argumentError(() => view(-1, -1), /only one dimension can be inferred/);
    assert.deepEqual(view(1, -1).shape([1, null, 7, 7]), [1, null]);
  });

  it('permute and transpose', () => {
    assert.deepEqual(build(method('permute'), [0, 2, 3, 1], {}, true).shape([1, 3, 4, 5]), [1, 4, 5, 3]);
    assert.deepEqual(build(method('transpose'), [1, 2], {}, true).shape([1, 3, 4, 5]), [1, 4, 3, 5]);
    shapeError(() => build(method('permute'), [0, 1], {}, true).shape([1, 3, 4, 5]), 'rank-mismatch');
  });
});

describe('ops: merges and reductions', () => {
  it('add/mul broadcast as PyTorch does', () => {
    const add = build(op('add'), [], {}, true);
    assert.deepEqual(add.shape([1, 64, 56, 56], [1, 64, 56, 56]), [1, 64, 56, 56]);
    assert.deepEqual(add.shape([1, 64, 1, 1], [1, 64, 56, 56]), [1, 64, 56, 56]);
    assert.deepEqual(add.shape([64, 1, 1], [2, 64, 5, 5]), [2, 64, 5, 5]);
    assert.deepEqual(add.shape([1, null, 56, 56], [1, 64, 56, 56]), [1, 64, 56, 56]);
    shapeError(() => add.shape([1, 64, 56, 56], [1, 128, 28, 28]), 'broadcast-mismatch', /cannot broadcast 1×64×56×56 with 1×128×28×28$/);
    shapeError(() => build(op('mul'), [], {}, true).shape([2, 3], [4, 3]), 'broadcast-mismatch', /cannot broadcast 2×3 with 4×3/);
    assert.equal(functional('torch.add'), op('add'));
    assert.equal(method('add'), op('add'));
  });

  it('cat sums the cat dimension and checks the others', () => {
    const cat = build(functional('torch.cat'), [1], {}, true);
    assert.deepEqual(cat.shape([1, 64, 56, 56], [1, 32, 56, 56], [1, 32, 56, 56]), [1, 128, 56, 56]);
    assert.deepEqual(build(functional('torch.concat'), [-3], {}, true).shape([1, 64, 5, 5], [1, 32, 5, 5]), [1, 96, 5, 5]);
    shapeError(() => cat.shape([1, 64, 56, 56], [1, 32, 28, 28]), 'cat-mismatch', /dim 2 differs: 1×64×56×56 vs 1×32×28×28/);
    shapeError(() => cat.shape([1, 64, 56, 56], [1, 32, 28]), 'rank-mismatch');
  });

  it('mean with int, tuple, None and keepdim', () => {
    const mean = (...args: (number | number[] | boolean)[]) => build(method('mean'), args, {}, true);
    assert.deepEqual(mean([2, 3]).shape([1, 64, 7, 7]), [1, 64]);
    assert.deepEqual(mean([2, 3], true).shape([1, 64, 7, 7]), [1, 64, 1, 1]);
    assert.deepEqual(mean(-1).shape([1, 64, 7, 7]), [1, 64, 7]);
    assert.deepEqual(mean().shape([1, 64, 7, 7]), []);
    shapeError(() => mean(4).shape([1, 64, 7, 7]), 'dim-out-of-range');
  });
});

describe('ops: resampling', () => {
  it('Upsample by size or scale factor', () => {
    assert.deepEqual(nn('Upsample', [], { scale_factor: 2 }).shape([1, 3, 5, 5]), [1, 3, 10, 10]);
    assert.deepEqual(nn('Upsample', [], { scale_factor: 1.5 }).shape([1, 3, 5, 6]), [1, 3, 7, 9]);
    assert.deepEqual(nn('Upsample', [[7, 9]], { mode: 'bilinear' }).shape([1, 3, 5, 5]), [1, 3, 7, 9]);
    argumentError(() => nn('Upsample', [4], { scale_factor: 2 }), /exactly one of size and scale_factor/);
    argumentError(() => nn('Upsample', [], { scale_factor: 2, align_corners: true }), /align_corners option can only be set/);
    shapeError(() => nn('Upsample', [], { scale_factor: 2, mode: 'bilinear' }).shape([1, 3, 5]), 'rank-mismatch');
    assert.deepEqual(build(functional('torch.nn.functional.interpolate'), [null, 2], {}, true).shape([1, 3, 4, 4]), [1, 3, 8, 8]);
  });

  it('PixelShuffle and ZeroPad2d', () => {
    assert.deepEqual(nn('PixelShuffle', [2]).shape([1, 12, 4, 4]), [1, 3, 8, 8]);
    shapeError(() => nn('PixelShuffle', [2]).shape([1, 6, 4, 4]), 'channel-mismatch',
      'PixelShuffle(2) expects input channels divisible by 4 but got 6 (input 1×6×4×4)');
    assert.deepEqual(nn('ZeroPad2d', [[1, 2, 3, 4]]).shape([1, 3, 5, 5]), [1, 3, 12, 8]);
    assert.deepEqual(nn('ZeroPad2d', [1]).shape([1, 3, 5, 5]), [1, 3, 7, 7]);
  });
});

describe('ops: registry names', () => {
  it('resolves every functional and method form NetLens promises', () => {
    const F = 'torch.nn.functional.';
    const functionals = [
      'relu', 'relu6', 'leaky_relu', 'elu', 'gelu', 'silu', 'sigmoid', 'tanh', 'hardswish', 'softmax', 'dropout', 'max_pool2d',
      'avg_pool2d', 'adaptive_avg_pool2d', 'adaptive_max_pool2d', 'interpolate', 'pixel_shuffle', 'pad',
    ].map((n) => F + n);
    const torch = ['relu', 'sigmoid', 'tanh', 'flatten', 'cat', 'concat', 'add', 'mul', 'mean', 'softmax'].map((n) => `torch.${n}`);
    for (const name of [...functionals, ...torch]) assert.ok(functional(name), name);
    for (const name of ['relu', 'sigmoid', 'tanh', 'flatten', 'view', 'reshape', 'mean', 'add', 'mul', 'softmax', 'permute', 'contiguous']) {
      assert.ok(method(name), name);
    }
    assert.equal(functional(`${F}relu`), nn('ReLU').spec);
  });
});
