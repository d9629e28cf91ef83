// Reduction entries: mean and sum over PyTorch dimensions (int, tuple or all), with keepdim.
import type { AttrValue, Shape } from '../graph/ir';
import { OpArgumentError, type Attrs, type OpSpec, type Tf, type TfTensor } from './types';
import { normalizeDim, readBool } from './args';
import { fromTorchOrder, toTorchOrder, torchAxisToInternal } from './layout';

function readDims(op: string, value: AttrValue | undefined): number[] | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && Number.isInteger(value)) return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isInteger(v))) return value as number[];
  throw new OpArgumentError(`${op}: dim must be an int, a tuple of ints or None, got ${JSON.stringify(value)}`);
}

/** Reduced PyTorch axes (sorted, unique), all axes when dim is None or empty. */
function reducedAxes(op: string, attrs: Attrs, input: Shape): number[] {
  const dims = readDims(op, attrs.dim);
  if (dims === null || dims.length === 0) return [...input.keys()];
  const axes = [...new Set(dims.map((d) => normalizeDim(op, d, input.length, input)))];
  return axes.sort((a, b) => a - b);
}

function makeReduction(op: 'mean' | 'sum', apply: (tf: Tf, x: TfTensor, axes: number[], keep: boolean) => TfTensor): OpSpec {
  return {
    op,
    category: 'reduce',
    functionalNames: [`torch.${op}`],
    methodNames: [op],
    functionalSignature: [
      { name: 'dim', default: null },
      { name: 'keepdim', default: false },
      { name: 'dtype', default: null },
    ],
    normalize: (attrs) => ({ ...attrs, dim: readDims(op, attrs.dim), keepdim: readBool(attrs, 'keepdim') }),
    inferShape: (attrs, inputs) => {
      const input = inputs[0] as Shape;
      const axes = reducedAxes(op, attrs, input);
      if (readBool(attrs, 'keepdim')) return input.map((d, i) => (axes.includes(i) ? 1 : d));
      return input.filter((_, i) => !axes.includes(i));
    },
    summary: (attrs) => {
      const dims = readDims(op, attrs.dim);
      const text = dims === null ? 'all' : `dim=${dims.length === 1 ? dims[0] : `(${dims.join(', ')})`}`;
      return readBool(attrs, 'keepdim') ? `${text}, keepdim` : text;
    },
    forward: (tf, attrs, inputs) => {
      const x = inputs[0] as TfTensor;
      const shape = x.shape as number[];
      const axes = reducedAxes(op, attrs, shape);
      const keep = readBool(attrs, 'keepdim');
      return tf.tidy(() => {
        // keepdim keeps the rank, so the internal layout is kept too; otherwise reduce in PyTorch order.
        if (keep || x.rank < 3) return apply(tf, x, axes.map((a) => torchAxisToInternal(a, x.rank)), keep);
        return fromTorchOrder(tf, apply(tf, toTorchOrder(tf, x), axes, false));
      });
    },
  };
}

export const Mean = makeReduction('mean', (tf, x, axes, keep) => tf.mean(x, axes, keep));
export const Sum = makeReduction('sum', (tf, x, axes, keep) => tf.sum(x, axes, keep));

export const REDUCE_OPS: readonly OpSpec[] = [Mean, Sum];
