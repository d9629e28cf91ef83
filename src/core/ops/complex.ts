// Rotary-embedding helpers: torch.outer, torch.polar, view_as_complex / view_as_real (shapes; complex tensors do not run).
import type { Shape } from '../graph/ir';
import { ShapeError, type OpSpec } from './types';
import { formatShape } from './shapeText';
import { broadcastShapes } from './merge';

/** torch.outer(a, b) / torch.ger: two vectors → len(a)×len(b) (products, no accumulation: no MACs). */
export const Outer: OpSpec = {
  op: 'outer',
  category: 'merge',
  functionalNames: ['torch.outer', 'torch.ger'],
  methodNames: ['outer', 'ger'],
  tensorInputs: 2,
  functionalSignature: [],
  inferShape: (_attrs, inputs) => {
    const [a, b] = inputs as [Shape, Shape];
    if (a.length !== 1 || b.length !== 1)
      throw new ShapeError(`outer expects two 1-D tensors but got ${formatShape(a)} and ${formatShape(b)}`, 'rank-mismatch');
    return [a[0], b[0]];
  },
  forward: (tf, _attrs, inputs) => tf.outerProduct(inputs[0] as never, inputs[1] as never),
};

/** torch.polar(abs, angle): a complex tensor of the broadcast shape. */
export const Polar: OpSpec = {
  op: 'polar',
  category: 'merge',
  functionalNames: ['torch.polar', 'torch.complex'],
  tensorInputs: 2,
  functionalSignature: [],
  inferShape: (_attrs, inputs) => broadcastShapes('polar', inputs[0] as Shape, inputs[1] as Shape),
};

/** torch.view_as_complex(x): …×2 real pairs → … complex numbers. */
export const ViewAsComplex: OpSpec = {
  op: 'view_as_complex',
  category: 'reshape',
  functionalNames: ['torch.view_as_complex'],
  functionalSignature: [],
  inferShape: (_attrs, inputs) => {
    const x = inputs[0] as Shape;
    const last = x[x.length - 1];
    if (x.length === 0 || (last !== null && last !== 2))
      throw new ShapeError(`view_as_complex expects a last dimension of size 2 but got ${formatShape(x)}`, 'shape-mismatch');
    return x.slice(0, -1);
  },
};

/** torch.view_as_real(z): … complex numbers → …×2 (real, imaginary). */
export const ViewAsReal: OpSpec = {
  op: 'view_as_real',
  category: 'reshape',
  functionalNames: ['torch.view_as_real'],
  functionalSignature: [],
  inferShape: (_attrs, inputs) => [...(inputs[0] as Shape), 2],
};

export const COMPLEX_OPS: readonly OpSpec[] = [Outer, Polar, ViewAsComplex, ViewAsReal];
