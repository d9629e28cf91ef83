// einops.pack / unpack / parse_shape / einsum on symbolic tensors, with einops's checks and messages.
import type { Shape } from '../../graph/ir';
import type { Pos } from '../../python/ast';
import type { TorchContext } from '../context';
import { toRange } from '../diagnostics';
import { PyError } from '../errors';
import { einsumTensors } from '../tensorShapes';
import { unknownTensorOp } from '../unknownOp';
import { PyDict, PyList, PyTensor, PyTuple, PyUnknown, type Value } from '../values';
import { einopsError, sizeRepr } from './apply';
import { axisNameProblem, EinopsFailure, parseSide } from './pattern';

function analyzePackPattern(tc: TorchContext, pattern: string, opname: string, site: Pos): { before: number; after: number } {
  const axes = pattern.split(/\s+/).filter(Boolean);
  if (new Set(axes).size !== axes.length) throw einopsError(tc, `Duplicates in axes names in ${opname}(..., "${pattern}")`, site);
  if (!axes.includes('*')) throw einopsError(tc, `No *-axis in ${opname}(..., "${pattern}")`, site);
  for (const a of axes) if (a !== '*' && axisNameProblem(a)) throw einopsError(tc, `Invalid axis name ${a} in ${opname}(..., "${pattern}")`, site);
  const before = axes.indexOf('*');
  return { before, after: axes.length - before - 1 };
}

const product = (xs: Shape): number | null => xs.reduce<number | null>((a, x) => (a === null || x === null ? null : a * x), 1);
const shapeTuple = (s: Shape): PyTuple => new PyTuple(s.map((d) => (d === null ? new PyUnknown('size') : d)));

/** pack(tensors, 'b * c') → (packed, packed_shapes): each tensor's '*' axes flattened, then concatenated there. */
export function packTensors(tc: TorchContext, list: Value, pattern: Value, site: Pos): Value {
  const items = list instanceof PyList || list instanceof PyTuple ? list.items : [];
  if (typeof pattern !== 'string' || items.length === 0 || !items.every((t) => t instanceof PyTensor)) {
    return new PyTuple([unknownTensorOp(tc, 'einops.pack', items, site), new PyUnknown('packed shapes')]);
  }
  const { before, after } = analyzePackPattern(tc, pattern, 'pack', site);
  const tensors = items as PyTensor[];
  const min = before + after;
  const packedShapes: (Shape | null)[] = [];
  tensors.forEach((t, i) => {
    if (t.shape && t.shape.length < min)
      throw einopsError(tc,
        `packed tensor #${i} (enumeration starts with 0) has shape ${sizeRepr(t.shape)}, while pattern ${pattern} assumes at least ${min} axes`, site);
    packedShapes.push(t.shape ? t.shape.slice(before, t.shape.length - after) : null);
  });
  let out: Shape | null = null;
  if (tensors.every((t) => t.shape)) {
    const first = tensors[0].shape!;
    const lead = first.slice(0, before);
    const tail = first.slice(first.length - after);
    const packed = packedShapes.map((s) => product(s!)).reduce<number | null>((a, x) => (a === null || x === null ? null : a + x), 0);
    out = [...lead, packed, ...tail];
  }
  const ps = new PyList(packedShapes.map((s) => (s ? shapeTuple(s) : new PyUnknown('packed shape'))));
  const traced = tensors.filter((t) => t.node !== null);
  if (!tc.tracer.recording || traced.length === 0) return new PyTuple([new PyTensor(out, null), ps]);
  const node = tc.tracer.addNode({ op: 'pack', attrs: { pattern, before, after }, summary: pattern, inputs: tensors.map((t) => t.node),
    inputShapes: tensors.map((t) => t.shape), outputShape: out, params: 0, macs: 0, module: null, suffix: 'pack', callRange: toRange(site) });
  return new PyTuple([new PyTensor(out, node.id), ps]);
}

/** unpack(tensor, packed_shapes, 'b * c') → the tensors pack() took apart, one `unpack` node per piece. */
export function unpackTensor(tc: TorchContext, tensor: Value, shapes: Value, pattern: Value, site: Pos): Value {
  if (!(tensor instanceof PyTensor) || typeof pattern !== 'string' || !(shapes instanceof PyList || shapes instanceof PyTuple))
    return new PyUnknown('einops.unpack(...)');
  const { before, after } = analyzePackPattern(tc, pattern, 'unpack', site);
  const input = tensor.shape;
  if (input && input.length !== before + 1 + after)
    throw einopsError(tc, `unpack(..., ${pattern}) received input of wrong dim with shape ${sizeRepr(input)}`, site);
  const pieces: (Shape | null)[] = shapes.items.map((s) =>
    (s instanceof PyList || s instanceof PyTuple ? s.items.map((d) => (typeof d === 'number' ? d : null)) : null));
  const lengths = pieces.map((p) => (p === null ? null : p.includes(-1) ? -1 : product(p)));
  if (lengths.filter((l) => l === -1).length > 1)
    throw einopsError(tc, `unpack(..., ${pattern}) received more than one -1 in ${shapes.items.length} shapes and can't infer dimensions`, site);
  const total = input ? input[before] : null;
  // A -1 piece takes what the others leave.
  const known = lengths.reduce<number | null>((a, l) => (a === null || l === null ? null : l === -1 ? a : a + l), 0);
  const sizes = lengths.map((l) => (l === -1 ? (total === null || known === null ? null : total - known) : l));
  if (total !== null && known !== null && !lengths.includes(-1) && known !== total) {
    throw einopsError(tc, `Error during unpack(..., "${pattern}"): could not split axis of size ${total} into requested ${tc.it.repr(shapes)}`, site);
  }
  const out: Value[] = [];
  let start: number | null = 0;
  pieces.forEach((piece, i) => {
    const size = sizes[i];
    const elem = piece ? piece.map((d) => (d === -1 ? size : d)) : null;
    const shape: Shape | null = input && elem ? [...input.slice(0, before), ...elem, ...input.slice(before + 1)] : null;
    if (!tc.tracer.recording || tensor.node === null) out.push(new PyTensor(shape, null));
    else {
      const node = tc.tracer.addNode({ op: 'unpack', attrs: { pattern, axis: before, start, length: size, shape }, summary: `${pattern} [${i}]`,
        inputs: [tensor.node], inputShapes: [input], outputShape: shape, params: 0, macs: 0, module: null, suffix: 'unpack', callRange: toRange(site) });
      out.push(new PyTensor(shape, node.id));
    }
    start = start === null || size === null ? null : start + size;
  });
  return new PyList(out);
}

/** parse_shape(x, 'b _ h w') → {'b': 1, 'h': 224, 'w': 224}; unknown sizes are unknown values. */
export function parseShape(tc: TorchContext, x: Value, pattern: Value, site: Pos): Value {
  if (!(x instanceof PyTensor) || !x.shape || typeof pattern !== 'string') return new PyUnknown('einops.parse_shape(...)');
  const shape = x.shape;
  let exp;
  try {
    exp = parseSide(pattern, { allowUnderscore: true });
  } catch (err) {
    if (err instanceof EinopsFailure) throw einopsError(tc, err.message, site);
    throw err;
  }
  const shown = `${pattern} ${sizeRepr(shape)}`;
  if (exp.composition.some((c) => c !== 'ellipsis' && c.length > 1)) throw new PyError('RuntimeError', `Can't parse shape with composite axes: ${shown}`, site);
  let comp = exp.composition;
  if (shape.length !== comp.length) {
    if (!exp.hasEllipsis) throw new PyError('RuntimeError', `Can't parse shape with different number of dimensions: ${shown}`, site);
    if (shape.length < comp.length - 1) throw new PyError('RuntimeError', `Can't parse shape with this number of dimensions: ${shown}`, site);
  }
  if (exp.hasEllipsis) {
    const at = comp.indexOf('ellipsis');
    comp = [...comp.slice(0, at), ...Array.from({ length: shape.length - comp.length + 1 }, () => [{ key: '_' }]), ...comp.slice(at + 1)];
  }
  const d = new PyDict(true);
  comp.forEach((axes, i) => {
    const len = shape[i];
    if (axes === 'ellipsis') return;
    if (axes.length === 0) {
      if (len !== null && len !== 1) throw new PyError('RuntimeError', `Length of axis is not 1: ${shown}`, site);
    } else if (axes[0].anon !== undefined) {
      if (len !== null && len !== axes[0].anon) throw new PyError('RuntimeError', `Length of anonymous axis does not match: ${shown}`, site);
    } else if (axes[0].key !== '_') d.set(axes[0].key, len === null ? new PyUnknown(`size of ${axes[0].key}`) : len);
  });
  return d;
}

/** einops.einsum(a, b, 'b i d, b j d -> b i j'): named axes mapped to letters, then torch.einsum (its MACs included). */
export function einopsEinsum(tc: TorchContext, args: Value[], site: Pos): Value {
  const pattern = args[args.length - 1];
  if (args.length <= 1)
    throw new PyError('ValueError', '`einops.einsum` takes at minimum two arguments: the tensors (at least one), followed by the pattern.', site);
  if (typeof pattern !== 'string')
    throw new PyError('ValueError', 'The last argument passed to `einops.einsum` must be a string, representing the einsum pattern.', site);
  if (!pattern.includes('->')) throw new PyError('ValueError', "Einsum pattern must contain '->'.", site);
  const [lefts, right] = pattern.split('->');
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const mapping = new Map<string, string>();
  const compact = (text: string, isRight: boolean): string => {
    let side;
    try {
      side = parseSide(text, { allowUnderscore: true, allowDuplicates: !isRight });
    } catch (err) {
      if (err instanceof EinopsFailure) throw einopsError(tc, err.message, site);
      throw err;
    }
    let out = '';
    for (const c of side.composition) {
      if (c === 'ellipsis') {
        out += '...';
        continue;
      }
      if (c.length === 0) throw new PyError('NotImplementedError', 'Singleton () axes are not yet supported in einsum.', site);
      if (c.length > 1) throw new PyError('NotImplementedError', 'Shape rearrangement is not yet supported in einsum.', site);
      if (c[0].anon !== undefined) throw new PyError('NotImplementedError', 'Anonymous axes are not yet supported in einsum.', site);
      const name = c[0].key;
      if (!mapping.has(name)) {
        if (isRight) throw einopsError(tc, `Unknown axis ${name} on right side of einsum ${pattern}.`, site);
        if (mapping.size >= letters.length) throw new PyError('RuntimeError', 'Too many axes in einsum.', site);
        mapping.set(name, letters[mapping.size]);
      }
      out += mapping.get(name);
    }
    return out;
  };
  const equation = `${lefts.split(',').map((l) => compact(l, false)).join(',')}->${compact(right, true)}`;
  return einsumTensors(tc, [equation, ...args.slice(0, -1)], site);
}
