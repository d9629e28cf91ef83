// TensorFlow.js computation of PyTorch convolutions on channels-last tensors (groups, dilation with stride, transposed).
import type { Tf, TfTensor } from './types';
import { padSpatial, type PadMode } from './padding';

/**
 * 2-D convolution with no padding (or with `zeroPad` on all four sides).
 * `filter` is [kh, kw, in/groups, out] (PyTorch's weight transposed once by prepareWeights).
 * Handles what tfjs lacks: groups (depthwise or split/concat) and stride combined with dilation.
 */
export function convValid2d(
  tf: Tf,
  x: TfTensor,
  filter: TfTensor,
  stride: readonly [number, number],
  dilation: readonly [number, number],
  groups: number,
  /** Zero padding on every side, done by the conv kernel itself (cheaper than a separate pad). */
  zeroPad = 0,
  /** Per-output-channel bias, fused into the convolution where tfjs allows it. */
  bias?: TfTensor,
): TfTensor {
  return tf.tidy(() => {
    const strided = (stride[0] > 1 || stride[1] > 1) && (dilation[0] > 1 || dilation[1] > 1);
    const convStride: [number, number] = strided ? [1, 1] : [stride[0], stride[1]];
    const dil: [number, number] = [dilation[0], dilation[1]];
    const pad: number | 'valid' = zeroPad > 0 ? zeroPad : 'valid';
    const inChannels = x.shape[3] as number;
    const outChannels = filter.shape[3] as number;
    let y: TfTensor;
    const common = { strides: convStride, pad, dataFormat: 'NHWC' as const, dilations: dil, bias };
    if (groups === 1) {
      y = tf.fused.conv2d({ x: x as never, filter: filter as never, ...common });
    } else if (groups === inChannels) {
      const [kh, kw] = filter.shape as number[];
      const depthFilter = tf.reshape(filter, [kh as number, kw as number, inChannels, outChannels / inChannels]);
      y = tf.fused.depthwiseConv2d({ x: x as never, filter: depthFilter as never, ...common });
    } else {
      const xs = tf.split(x, groups, 3);
      const fs = tf.split(filter, groups, 3);
      y = tf.concat(
        xs.map((xi, i) => tf.conv2d(xi as never, fs[i] as never, convStride, pad, 'NHWC', dil)),
        3,
      );
      if (bias) y = tf.add(y, bias);
    }
    if (strided) {
      const [n, h, w, c] = y.shape as number[];
      y = tf.stridedSlice(y, [0, 0, 0, 0], [n as number, h as number, w as number, c as number], [1, stride[0], stride[1], 1]);
    }
    return y;
  });
}

export interface Conv2dParams {
  stride: [number, number];
  dilation: [number, number];
  groups: number;
  /** [[top, bottom], [left, right]] */
  pads: [[number, number], [number, number]];
  padMode: PadMode;
}

/** Full PyTorch Conv2d on an NHWC tensor: padding in any mode, then convValid2d, then bias. */
export function conv2dForward(tf: Tf, x: TfTensor, filter: TfTensor, bias: TfTensor | undefined, p: Conv2dParams): TfTensor {
  return tf.tidy(() => {
    const [[top, bottom], [left, right]] = p.pads;
    const uniformZeroPad = (p.padMode === 'zeros' && top === bottom && top === left && top === right) ? top : -1;
    return uniformZeroPad >= 0
      ? convValid2d(tf, x, filter, p.stride, p.dilation, p.groups, uniformZeroPad, bias)
      : convValid2d(tf, padSpatial(tf, x, p.pads, p.padMode), filter, p.stride, p.dilation, p.groups, 0, bias);
  });
}

/** Puts stride−1 zeros between neighbouring pixels (N,H,W,C → N,(H−1)·sh+1,(W−1)·sw+1,C), with rank-4 ops only (WebGL-safe). */
function insertZeros(tf: Tf, x: TfTensor, sh: number, sw: number): TfTensor {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const columns = tf.reshape(tf.pad(tf.reshape(x, [n * h, w, 1, c]), [[0, 0], [0, 0], [0, sw - 1], [0, 0]]), [n, h, 1, w * sw * c]);
    const rows = tf.reshape(tf.pad(columns, [[0, 0], [0, 0], [0, sh - 1], [0, 0]]), [n, h * sh, w * sw, c]);
    return tf.slice(rows, [0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
  });
}

export interface ConvTranspose2dParams {
  stride: [number, number];
  padding: [number, number];
  outputPadding: [number, number];
  dilation: [number, number];
  groups: number;
  kernel: [number, number];
}

/**
 * PyTorch ConvTranspose2d as a direct convolution: insert stride-1 zeros between input pixels, pad by
 * dilation·(k−1) − padding (plus output_padding after), convolve with the spatially flipped kernel.
 * `filter` is prepared as [kh, kw, in/groups, out].
 */
export function convTranspose2dForward(tf: Tf, x: TfTensor, filter: TfTensor, bias: TfTensor | undefined, p: ConvTranspose2dParams): TfTensor {
  return tf.tidy(() => {
    if (usesNativeTranspose(p.groups, p.dilation)) {
      const [n, h, w] = x.shape as [number, number, number, number];
      const outShape = [0, 1].map((i) => {
        const len = i === 0 ? h : w;
        return (len - 1) * (p.stride[i] as number) - 2 * (p.padding[i] as number) + (p.kernel[i] as number) + (p.outputPadding[i] as number);
      }) as [number, number];
      const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [p.padding[0], p.padding[0]], [p.padding[1],
        p.padding[1]], [0, 0]];
      const y = tf.conv2dTranspose(x as never, filter as never, [n, outShape[0], outShape[1], filter.shape[2] as number], p.stride, pad);
      return bias ? tf.add(y, bias) : y;
    }
    const [sh, sw] = p.stride;
    const up = sh > 1 || sw > 1 ? insertZeros(tf, x, sh, sw) : x;
    const edge = (i: 0 | 1): [number, number] => {
      const q = p.dilation[i] * (p.kernel[i] - 1) - p.padding[i];
      return [q, q + p.outputPadding[i]];
    };
    const padded = padSpatial(tf, up, [edge(0), edge(1)]);
    return convValid2d(tf, padded, filter, [1, 1], p.dilation, p.groups, 0, bias);
  });
}

/** PyTorch conv weight [out, in/g, kh, kw] → [kh, kw, in/g, out]. */
export function prepareConvFilter(tf: Tf, weight: TfTensor): TfTensor {
  return tf.transpose(weight, [2, 3, 1, 0]);
}

/** tfjs's own conv2dTranspose (the gradient of conv2d) covers the ungrouped, undilated case in one kernel, without zero insertion. */
export function usesNativeTranspose(groups: number, dilation: readonly number[]): boolean {
  return groups === 1 && dilation.every((d) => d === 1);
}

/**
 * PyTorch transposed-conv weight [in, out/g, kh, kw] → for tfjs's conv2dTranspose [kh, kw, out, in]; otherwise the flipped
 * direct-conv filter [kh, kw, in/g, out] (rank-4 ops only).
 */
export function prepareConvTransposeFilter(tf: Tf, weight: TfTensor, groups: number, dilation: readonly number[]): TfTensor {
  return tf.tidy(() => {
    if (usesNativeTranspose(groups, dilation)) return tf.transpose(weight, [2, 3, 1, 0]);
    const flipped = tf.reverse(weight, [2, 3]);
    const perGroup = groups === 1 ? [flipped] : tf.split(flipped, groups, 0);
    const filters = perGroup.map((g) => tf.transpose(g, [2, 3, 0, 1]));
    return filters.length === 1 ? (filters[0] as TfTensor) : tf.concat(filters, 3);
  });
}
