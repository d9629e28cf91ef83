// 1-D pooling entries (MaxPool1d, AvgPool1d, AdaptiveAvg/MaxPool1d) expressed as the 2-D entries over a height-1 input.
import type { AttrValue, Shape } from '../graph/ir';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec, type ParamSpec, type TfTensor } from './types';
import { formatShape } from './shapeText';
import { intTupleValue, requireRank } from './args';
import { withBatchAxis } from './layout';
import { AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, MaxPool2d } from './pool';

const F = 'torch.nn.functional.';

function single(op: string, name: string, value: AttrValue | undefined): number {
  return intTupleValue(op, name, value, 1)[0] as number;
}

/** Attributes of the 1-D form rewritten for the 2-D entry (kernel k → 1×k, padding p → 0×p, ...). */
function windowTo2d(op: string) {
  return (attrs: Attrs): Attrs => {
    const out: Attrs = { ...attrs, kernel_size: [1, single(op, 'kernel_size', attrs.kernel_size)] };
    const stride = attrs.stride;
    out.stride = stride === null || stride === undefined || (Array.isArray(stride) && stride.length === 0) ? null : [1, single(op, 'stride', stride)];
    out.padding = [0, single(op, 'padding', attrs.padding ?? 0)];
    if ('dilation' in attrs) out.dilation = [1, single(op, 'dilation', attrs.dilation ?? 1)];
    return out;
  };
}

function adaptiveTo2d(op: string) {
  return (attrs: Attrs): Attrs => {
    let size = attrs.output_size;
    if (Array.isArray(size) && size.length === 1) size = size[0] as AttrValue;
    if (size !== null && !(typeof size === 'number' && Number.isInteger(size) && size >= 1)) {
      throw new OpArgumentError(`${op}: output_size must be a positive int, got ${JSON.stringify(attrs.output_size)}`);
    }
    return { ...attrs, output_size: [1, size] };
  };
}

function lift(op: string, base: OpSpec, to2d: (attrs: Attrs) => Attrs, signature: ParamSpec[], functional: string, functionalSignature?: ParamSpec[]): OpSpec {
  return {
    op,
    category: 'pool',
    moduleNames: [`torch.nn.${op}`],
    signature,
    functionalNames: [`${F}${functional}`],
    functionalSignature,
    normalize: (attrs) => {
      base.normalize?.(to2d(attrs));
      return attrs;
    },
    inferShape: (attrs, inputs) => {
      const input = inputs[0] as Shape;
      requireRank(op, input, [2, 3], 'C×L or N×C×L');
      const attrs2d = to2d(attrs);
      try {
        const out = base.inferShape(attrs2d, [[...input.slice(0, -1), 1, input[input.length - 1] as number | null]]);
        return [...out.slice(0, -2), out[out.length - 1] as number | null];
      } catch (error) {
        if (!(error instanceof ShapeError) || error.code !== 'empty-output') throw error;
        const second = (name: string): string => String((attrs2d[name] as number[] | null)?.[1] ?? (attrs2d.kernel_size as number[])[1]);
        throw new ShapeError(
          `${op} output would be empty: input ${formatShape(input)} with kernel ${second('kernel_size')}, stride ${second('stride')}, padding ${second('padding')}`,
          'empty-output',
        );
      }
    },
    summary: (attrs) => (base.summary?.(to2d(attrs)) ?? '').replace(/^1×/, '').replace(/^\(1, /, '(').replace(/s1×/, 's'),
    forward: (tf, attrs, inputs, weights) => {
      const run = (x: TfTensor): TfTensor =>
        tf.tidy(() => tf.squeeze(base.forward!(tf, to2d(attrs), [tf.expandDims(x, 1)], weights, []), [1]));
      const x = inputs[0] as TfTensor;
      return x.rank === 2 ? withBatchAxis(tf, x, run) : run(x);
    },
  };
}

export const MaxPool1d = lift(
  'MaxPool1d',
  MaxPool2d,
  windowTo2d('MaxPool1d'),
  MaxPool2d.signature as ParamSpec[],
  'max_pool1d',
  MaxPool2d.functionalSignature,
);
export const AvgPool1d = lift(
  'AvgPool1d',
  AvgPool2d,
  windowTo2d('AvgPool1d'),
  (AvgPool2d.signature as ParamSpec[]).filter((p) => p.name !== 'divisor_override'),
  'avg_pool1d',
);
export const AdaptiveAvgPool1d = lift('AdaptiveAvgPool1d', AdaptiveAvgPool2d, adaptiveTo2d('AdaptiveAvgPool1d'), [{ name: 'output_size' }],
  'adaptive_avg_pool1d');
export const AdaptiveMaxPool1d = lift(
  'AdaptiveMaxPool1d',
  AdaptiveMaxPool2d,
  adaptiveTo2d('AdaptiveMaxPool1d'),
  [{ name: 'output_size' }, { name: 'return_indices', default: false }],
  'adaptive_max_pool1d',
);

export const POOL1D_OPS: readonly OpSpec[] = [MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, AdaptiveMaxPool1d];
