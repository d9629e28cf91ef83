// Keras merge entries applied to a list of tensors: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate.
import type { Shape } from '../graph/ir';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec, type Tf, type TfTensor } from './types';
import { formatShape } from './shapeText';

/** Keras's elementwise merge rule: same rank; each dimension equal, 1 (broadcast) or unknown. Returns null on mismatch. */
export function mergeShapes(inputs: Shape[]): Shape | null {
  const rank = (inputs[0] as Shape).length;
  if (inputs.some((s) => s.length !== rank)) return null;
  const out: Shape = [];
  for (let axis = 0; axis < rank; axis++) {
    let dim: number | null = 1;
    let unknown = false;
    for (const s of inputs) {
      const d = s[axis] as number | null;
      if (d === null) unknown = true;
      else if (d !== 1) {
        if (dim !== 1 && dim !== d) return null;
        dim = d;
      }
    }
    out.push(unknown && dim === 1 ? null : dim);
  }
  return out;
}

function requireList(op: string, inputs: Shape[], min: number): void {
  if (inputs.length < min) throw new ShapeError(`${op} expects a list of at least ${min} tensors but got ${inputs.length}`, 'arity-mismatch');
}

function makeElementwise(op: string, name: string, arity: 'two' | 'many', fn: (tf: Tf, xs: TfTensor[]) => TfTensor): OpSpec {
  return {
    op,
    category: 'merge',
    moduleNames: [`keras.layers.${name}`],
    signature: [],
    tensorInputs: 'list',
    inferShape(_attrs: Attrs, inputs: Shape[]): Shape {
      requireList(op, inputs, arity === 'two' ? 2 : 1);
      if (arity === 'two' && inputs.length !== 2) throw new ShapeError(`${op} expects exactly 2 tensors but got ${inputs.length}`, 'arity-mismatch');
      const out = mergeShapes(inputs);
      if (!out) throw new ShapeError(`${op}: inputs of shapes ${inputs.map(formatShape).join(', ')} are incompatible (they must match, channels-last)`,
        'merge-shape-mismatch');
      return out;
    },
    forward: (tf, _attrs, inputs) => fn(tf, inputs),
  };
}

const sum = (tf: Tf, xs: TfTensor[]): TfTensor => xs.slice(1).reduce((acc, x) => tf.add(acc, x), xs[0] as TfTensor);
const fold = (f: (a: TfTensor, b: TfTensor) => TfTensor) => (_tf: Tf, xs: TfTensor[]): TfTensor => xs.slice(1).reduce(f, xs[0] as TfTensor);

function readAxis(attrs: Attrs): number {
  const axis = attrs.axis;
  if (typeof axis !== 'number' || !Number.isInteger(axis)) throw new OpArgumentError(`Concatenate: axis must be an integer, got ${JSON.stringify(axis)}`);
  return axis;
}

const concatenate: OpSpec = {
  op: 'Concatenate',
  category: 'merge',
  moduleNames: ['keras.layers.Concatenate'],
  signature: [{ name: 'axis', default: -1 }],
  tensorInputs: 'list',
  normalize: (attrs) => ({ ...attrs, axis: readAxis(attrs) }),
  inferShape(attrs: Attrs, inputs: Shape[]): Shape {
    requireList('Concatenate', inputs, 1);
    const rank = (inputs[0] as Shape).length;
    const raw = readAxis(attrs);
    const axis = raw < 0 ? raw + rank : raw;
    const shown = inputs.map(formatShape).join(', ');
    if (axis < 0 || axis >= rank) throw new ShapeError(`Concatenate: axis ${raw} is out of range for inputs ${shown}`, 'cat-shape-mismatch');
    if (inputs.some((s) => s.length !== rank)) throw new ShapeError(`Concatenate: inputs ${shown} have different ranks`, 'cat-shape-mismatch');
    const out: Shape = [];
    for (let d = 0; d < rank; d++) {
      const dims = inputs.map((s) => s[d] as number | null);
      if (d === axis) {
        out.push(dims.some((x) => x === null) ? null : (dims as number[]).reduce((a, b) => a + b, 0));
        continue;
      }
      const known = dims.filter((x): x is number => x !== null);
      if (known.some((x) => x !== known[0])) {
        throw new ShapeError(`Concatenate on axis ${raw}: inputs ${shown} differ on axis ${d} (all but the concatenation axis must match, channels-last)`,
          'cat-shape-mismatch');
      }
      out.push(known.length ? (known[0] as number) : null);
    }
    return out;
  },
  summary: (attrs) => `axis ${attrs.axis}`,
  forward: (tf, attrs, inputs) => tf.concat(inputs, readAxis(attrs)),
};

export const KERAS_MERGE_OPS: readonly OpSpec[] = [
  makeElementwise('Add', 'Add', 'many', sum),
  makeElementwise('Subtract', 'Subtract', 'two', (tf, xs) => tf.sub(xs[0] as TfTensor, xs[1] as TfTensor)),
  makeElementwise('Multiply', 'Multiply', 'many', (tf, xs) => fold((a, b) => tf.mul(a, b))(tf, xs)),
  makeElementwise('Average', 'Average', 'many', (tf, xs) => tf.div(sum(tf, xs), xs.length)),
  makeElementwise('Maximum', 'Maximum', 'many', (tf, xs) => fold((a, b) => tf.maximum(a, b))(tf, xs)),
  makeElementwise('Minimum', 'Minimum', 'many', (tf, xs) => fold((a, b) => tf.minimum(a, b))(tf, xs)),
  concatenate,
];

/** Functional aliases (`layers.add([a, b])`) → the layer class they build. */
export const KERAS_MERGE_FUNCTIONS: Record<string, string> = {
  add: 'Add',
  subtract: 'Subtract',
  multiply: 'Multiply',
  average: 'Average',
  maximum: 'Maximum',
  minimum: 'Minimum',
  concatenate: 'Concatenate',
};
