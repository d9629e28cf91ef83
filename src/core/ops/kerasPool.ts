// Keras pooling and padding entries: MaxPooling2D, AveragePooling2D, global pooling, ZeroPadding2D, Cropping2D, UpSampling2D.
import type { AttrValue, Shape } from '../graph/ir';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec, type Tf, type TfTensor } from './types';
import { formatShape } from './shapeText';
import { readBool } from './args';
import { readPadding, readPair, requireChannelsLast, requireImage, requireSequence, windowedOutput } from './kerasArgs';

function normalizePool(op: string) {
  return (attrs: Attrs): Attrs => {
    requireChannelsLast(op, attrs);
    const pool = readPair(op, attrs, 'pool_size');
    const strides = attrs.strides === null || attrs.strides === undefined ? pool : readPair(op, { strides: attrs.strides }, 'strides');
    return { ...attrs, pool_size: pool, strides, padding: readPadding(op, attrs) };
  };
}

function makePool(op: 'MaxPooling2D' | 'AveragePooling2D', names: string[]): OpSpec {
  return {
    op,
    category: 'pool',
    moduleNames: names,
    signature: [
      { name: 'pool_size', default: 2 },
      { name: 'strides', default: null },
      { name: 'padding', default: 'valid' },
      { name: 'data_format', default: null },
    ],
    normalize: normalizePool(op),
    inferShape(attrs: Attrs, inputs: Shape[]): Shape {
      const input = inputs[0] as Shape;
      requireImage(op, input);
      const pool = attrs.pool_size as [number, number];
      const [h, w] = windowedOutput(op, input, pool, attrs.strides as [number, number], [1, 1], readPadding(op, attrs));
      return [input[0] as number | null, h, w, input[3] as number | null];
    },
    summary(attrs: Attrs): string {
      const p = attrs.pool_size as number[];
      const s = attrs.strides as number[];
      return `${p.join('×')}, s${s[0] === s[1] ? s[0] : s.join('×')}${attrs.padding === 'same' ? ', same' : ''}`;
    },
    forward(tf: Tf, attrs: Attrs, inputs: TfTensor[]): TfTensor {
      const x = inputs[0] as TfTensor4;
      const pool = attrs.pool_size as [number, number];
      const strides = attrs.strides as [number, number];
      const pad = readPadding(op, attrs);
      return op === 'MaxPooling2D' ? tf.maxPool(x, pool, strides, pad) : tf.avgPool(x, pool, strides, pad);
    },
  };
}

type TfTensor4 = Parameters<Tf['maxPool']>[0];

type GlobalPoolOp = 'GlobalAveragePooling1D' | 'GlobalMaxPooling1D' | 'GlobalAveragePooling2D' | 'GlobalMaxPooling2D';

/** Global average/max pooling over the 1 (steps) or 2 (height, width) spatial axes of a channels-last input. */
export function makeGlobalPool(op: GlobalPoolOp, names: string[], spatialDims: 1 | 2): OpSpec {
  const axes = spatialDims === 1 ? [1] : [1, 2];
  return {
    op,
    category: 'pool',
    moduleNames: names,
    signature: [
      { name: 'data_format', default: null },
      { name: 'keepdims', default: false },
    ],
    normalize(attrs: Attrs): Attrs {
      requireChannelsLast(op, attrs);
      return { ...attrs, keepdims: readBool(attrs, 'keepdims') };
    },
    inferShape(attrs: Attrs, inputs: Shape[]): Shape {
      const input = inputs[0] as Shape;
      if (spatialDims === 1) requireSequence(op, input);
      else requireImage(op, input);
      const n = input[0] as number | null;
      const c = input[spatialDims + 1] as number | null;
      return attrs.keepdims ? [n, ...axes.map(() => 1), c] : [n, c];
    },
    summary: (attrs) => (attrs.keepdims ? 'keepdims' : ''),
    forward(tf: Tf, attrs: Attrs, inputs: TfTensor[]): TfTensor {
      const x = inputs[0] as TfTensor;
      const keep = Boolean(attrs.keepdims);
      return op.startsWith('GlobalAverage') ? tf.mean(x, axes, keep) : tf.max(x, axes, keep);
    },
  };
}

/** ZeroPadding2D's `padding`: int, (h, w) or ((top, bottom), (left, right)). */
export function readZeroPadding(op: string, value: AttrValue | undefined): [[number, number], [number, number]] {
  const isInt = (v: AttrValue | undefined): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  if (isInt(value)) return [[value, value], [value, value]];
  if (Array.isArray(value) && value.length === 2) {
    const [a, b] = value;
    if (isInt(a) && isInt(b)) return [[a, a], [b, b]];
    if (Array.isArray(a) && Array.isArray(b) && a.length === 2 && b.length === 2 && [...a, ...b].every(isInt)) {
      return [[a[0] as number, a[1] as number], [b[0] as number, b[1] as number]];
    }
  }
  throw new OpArgumentError(`${op}: padding must be an int, a tuple of 2 ints or a tuple of 2 tuples of 2 ints, got ${JSON.stringify(value ?? null)}`);
}

const zeroPadding2d: OpSpec = {
  op: 'ZeroPadding2D',
  category: 'resample',
  moduleNames: ['keras.layers.ZeroPadding2D'],
  signature: [
    { name: 'padding', default: 1 },
    { name: 'data_format', default: null },
  ],
  normalize(attrs: Attrs): Attrs {
    requireChannelsLast('ZeroPadding2D', attrs);
    return { ...attrs, padding: readZeroPadding('ZeroPadding2D', attrs.padding) };
  },
  inferShape(attrs: Attrs, inputs: Shape[]): Shape {
    const input = inputs[0] as Shape;
    requireImage('ZeroPadding2D', input);
    const [[t, b], [l, r]] = attrs.padding as [[number, number], [number, number]];
    const grow = (d: number | null, extra: number): number | null => (d === null ? null : d + extra);
    return [input[0] as number | null, grow(input[1] as number | null, t + b), grow(input[2] as number | null, l + r), input[3] as number | null];
  },
  summary(attrs: Attrs): string {
    const [[t, b], [l, r]] = attrs.padding as [[number, number], [number, number]];
    return t === b && b === l && l === r ? `pad ${t}` : `pad ${t},${b},${l},${r}`;
  },
  forward(tf: Tf, attrs: Attrs, inputs: TfTensor[]): TfTensor {
    const [h, w] = attrs.padding as [[number, number], [number, number]];
    return tf.pad(inputs[0] as TfTensor, [[0, 0], h, w, [0, 0]]);
  },
};

const cropping2d: OpSpec = {
  op: 'Cropping2D',
  category: 'resample',
  moduleNames: ['keras.layers.Cropping2D'],
  signature: [
    { name: 'cropping', default: [[0, 0], [0, 0]] },
    { name: 'data_format', default: null },
  ],
  normalize(attrs: Attrs): Attrs {
    requireChannelsLast('Cropping2D', attrs);
    return { ...attrs, cropping: readZeroPadding('Cropping2D', attrs.cropping) };
  },
  inferShape(attrs: Attrs, inputs: Shape[]): Shape {
    const input = inputs[0] as Shape;
    requireImage('Cropping2D', input);
    const [[t, b], [l, r]] = attrs.cropping as [[number, number], [number, number]];
    const crop = (d: number | null, by: number): number | null => {
      if (d === null) return null;
      if (d - by < 1) throw new ShapeError(`Cropping2D: cropping ${by} from a side of ${d} in ${formatShape(input)} leaves nothing (channels-last)`, 'input-too-small');
      return d - by;
    };
    return [input[0] as number | null, crop(input[1] as number | null, t + b), crop(input[2] as number | null, l + r), input[3] as number | null];
  },
  summary(attrs: Attrs): string {
    const [[t, b], [l, r]] = attrs.cropping as [[number, number], [number, number]];
    return `crop ${t},${b},${l},${r}`;
  },
  forward(tf: Tf, attrs: Attrs, inputs: TfTensor[]): TfTensor {
    const x = inputs[0] as TfTensor;
    const [[t, b], [l, r]] = attrs.cropping as [[number, number], [number, number]];
    const [n, h, w, c] = x.shape as number[];
    return tf.slice(x, [0, t, l, 0], [n as number, (h as number) - t - b, (w as number) - l - r, c as number]);
  },
};

const upSampling2d: OpSpec = {
  op: 'UpSampling2D',
  category: 'resample',
  moduleNames: ['keras.layers.UpSampling2D'],
  signature: [
    { name: 'size', default: 2 },
    { name: 'data_format', default: null },
    { name: 'interpolation', default: 'nearest' },
  ],
  normalize(attrs: Attrs): Attrs {
    requireChannelsLast('UpSampling2D', attrs);
    if (attrs.interpolation !== 'nearest' && attrs.interpolation !== 'bilinear') {
      throw new OpArgumentError(`UpSampling2D: interpolation must be "nearest" or "bilinear", got ${JSON.stringify(attrs.interpolation)}`);
    }
    return { ...attrs, size: readPair('UpSampling2D', attrs, 'size') };
  },
  inferShape(attrs: Attrs, inputs: Shape[]): Shape {
    const input = inputs[0] as Shape;
    requireImage('UpSampling2D', input);
    const [sh, sw] = attrs.size as [number, number];
    const scale = (d: number | null, s: number): number | null => (d === null ? null : d * s);
    return [input[0] as number | null, scale(input[1] as number | null, sh), scale(input[2] as number | null, sw), input[3] as number | null];
  },
  summary: (attrs) => `×${(attrs.size as number[]).join('×')}, ${attrs.interpolation}`,
  forward(tf: Tf, attrs: Attrs, inputs: TfTensor[]): TfTensor {
    const x = inputs[0] as TfTensor;
    const [sh, sw] = attrs.size as [number, number];
    const size: [number, number] = [(x.shape[1] as number) * sh, (x.shape[2] as number) * sw];
    const image = x as TfTensor4;
    return attrs.interpolation === 'bilinear' ? tf.image.resizeBilinear(image as never, size, false, true) : tf.image.resizeNearestNeighbor(image as never,
      size, false, false);
  },
};

export const KERAS_POOL_OPS: readonly OpSpec[] = [
  makePool('MaxPooling2D', ['keras.layers.MaxPooling2D', 'keras.layers.MaxPool2D']),
  makePool('AveragePooling2D', ['keras.layers.AveragePooling2D', 'keras.layers.AvgPool2D']),
  makeGlobalPool('GlobalAveragePooling2D', ['keras.layers.GlobalAveragePooling2D', 'keras.layers.GlobalAvgPool2D'], 2),
  makeGlobalPool('GlobalMaxPooling2D', ['keras.layers.GlobalMaxPooling2D', 'keras.layers.GlobalMaxPool2D'], 2),
  zeroPadding2d,
  cropping2d,
  upSampling2d,
];
