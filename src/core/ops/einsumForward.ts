// torch.einsum in TensorFlow.js (whose own einsum lacks ellipses, repeated letters across many operands and sums of
// single-operand letters): operands contracted left to right, each pair as one batched matMul, in PyTorch order.
import type { Attrs, Tf, TfTensor } from './types';
import { OpArgumentError } from './types';
import { fromTorchOrder, toTorchOrder } from './layout';

interface Term {
  letters: string[];
  tensor: TfTensor;
}

/** Parses `bij,bjk->bik` (spaces, `...`, implicit output) into letter lists, `...` becoming named broadcast axes. */
function parse(equation: string, ranks: number[]): { inputs: string[][]; output: string[] } {
  const text = equation.replace(/\s+/g, '');
  const [lhs, rhs] = text.split('->') as [string, string | undefined];
  const terms = lhs.split(',');
  if (terms.length !== ranks.length) throw new OpArgumentError(`einsum: '${equation}' names ${terms.length} operands but got ${ranks.length}`);
  let ellipsisRank = 0;
  const inputs = terms.map((term, i) => {
    const plain = term.replace('...', '');
    if (!/^[a-zA-Z]*$/.test(plain)) throw new OpArgumentError(`einsum: cannot read the subscripts '${term}'`);
    const extra = term.includes('...') ? (ranks[i] as number) - plain.length : 0;
    ellipsisRank = Math.max(ellipsisRank, extra);
    const names = (count: number): string[] => Array.from({ length: count }, (_, k) => `#${ellipsisRank - count + k}`);
    const at = term.indexOf('...');
    return at < 0 ? plain.split('') : [...term.slice(0, at).split(''), ...names(extra), ...term.slice(at + 3).split('')];
  });
  // Ellipsis axes align from the right: rename each operand's to the common numbering.
  for (const [i, term] of terms.entries()) {
    if (!term.includes('...')) continue;
    const count = (ranks[i] as number) - term.replace('...', '').length;
    const at = term.indexOf('...');
    const list = inputs[i] as string[];
    for (let k = 0; k < count; k++) list[at + k] = `#${ellipsisRank - count + k}`;
  }
  const broadcast = Array.from({ length: ellipsisRank }, (_, k) => `#${k}`);
  let output: string[];
  if (rhs !== undefined) {
    const at = rhs.indexOf('...');
    output = at < 0 ? rhs.split('') : [...rhs.slice(0, at).split(''), ...broadcast, ...rhs.slice(at + 3).split('')];
  } else {
    const all = inputs.flat().filter((l) => !l.startsWith('#'));
    output = [...broadcast, ...[...new Set(all)].filter((l) => all.indexOf(l) === all.lastIndexOf(l)).sort()];
  }
  for (const list of inputs) {
    if (new Set(list).size !== list.length) {
      throw new OpArgumentError(`einsum: a letter repeated within one operand (a diagonal) is not supported: '${equation}'`);
    }
  }
  return { inputs, output };
}

/** Sums the letters no later operand and the output need; size-1 broadcast axes are kept for the matMul. */
function sumUnused(tf: Tf, term: Term, keep: Set<string>): Term {
  const axes = term.letters.map((l, i) => (keep.has(l) ? -1 : i)).filter((i) => i >= 0);
  if (axes.length === 0) return term;
  return { letters: term.letters.filter((l) => keep.has(l)), tensor: tf.sum(term.tensor, axes) };
}

/** a ⊗ b over their shared letters: batch (kept shared), contracted (shared, not kept), and each side's own letters. */
function contract(tf: Tf, a: Term, b: Term, keep: Set<string>): Term {
  const size = new Map<string, number>();
  a.letters.forEach((l, i) => size.set(l, Math.max(size.get(l) ?? 1, a.tensor.shape[i] as number)));
  b.letters.forEach((l, i) => size.set(l, Math.max(size.get(l) ?? 1, b.tensor.shape[i] as number)));
  const shared = a.letters.filter((l) => b.letters.includes(l));
  const batch = shared.filter((l) => keep.has(l));
  const summed = shared.filter((l) => !keep.has(l));
  const left = a.letters.filter((l) => !shared.includes(l));
  const right = b.letters.filter((l) => !shared.includes(l));
  const prod = (letters: string[]): number => letters.reduce((p, l) => p * (size.get(l) as number), 1);
  const arrange = (t: Term, order: string[]): TfTensor => {
    const permuted = tf.transpose(t.tensor, order.map((l) => t.letters.indexOf(l)));
    const target = order.map((l) => size.get(l) as number);
    return permuted.shape.every((d, i) => d === target[i]) ? permuted : tf.broadcastTo(permuted, target);
  };
  const a3 = tf.reshape(arrange(a, [...batch, ...left, ...summed]), [prod(batch), prod(left), prod(summed)]);
  const b3 = tf.reshape(arrange(b, [...batch, ...summed, ...right]), [prod(batch), prod(summed), prod(right)]);
  const out = tf.matMul(a3, b3);
  const letters = [...batch, ...left, ...right];
  return { letters, tensor: tf.reshape(out, letters.map((l) => size.get(l) as number)) };
}

export function einsumForward(tf: Tf, attrs: Attrs, inputs: TfTensor[]): TfTensor {
  const equation = attrs.equation;
  if (typeof equation !== 'string') throw new OpArgumentError('einsum: the equation is not a known string');
  return tf.tidy(() => {
    const tensors = inputs.map((t) => toTorchOrder(tf, t));
    const { inputs: letters, output } = parse(equation, tensors.map((t) => t.rank));
    const needed = (from: number): Set<string> => new Set([...output, ...letters.slice(from).flat()]);
    let current = sumUnused(tf, { letters: letters[0] as string[], tensor: tensors[0] as TfTensor }, needed(1));
    for (let i = 1; i < tensors.length; i++) {
      const keep = needed(i + 1);
      const next = sumUnused(tf, { letters: letters[i] as string[], tensor: tensors[i] as TfTensor }, new Set([...keep, ...current.letters]));
      current = contract(tf, current, next, keep);
      current = sumUnused(tf, current, keep);
    }
    const missing = output.filter((l) => !current.letters.includes(l));
    if (missing.length > 0) throw new OpArgumentError(`einsum: output letters ${missing.join('')} name no operand axis in '${equation}'`);
    const result = tf.transpose(current.tensor, output.map((l) => current.letters.indexOf(l)));
    return fromTorchOrder(tf, result);
  });
}
