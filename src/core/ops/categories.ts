// The category the tracer writes into each IR node: the registry entry's own, or for ops recorded without one, this table's.
import type { OpCategory } from '../graph/ir';
import { getOp } from './registry';

/** Ops the interpreter records without a registry entry (pseudo ops and tensor math it shapes itself). */
const UNREGISTERED: Record<string, OpCategory> = {
  Input: 'io',
  Output: 'io',
  Unknown: 'other',
  einsum: 'linear',
  maximum: 'merge',
  minimum: 'merge',
  where: 'merge',
  masked_fill: 'elementwise',
  max: 'reduce',
  min: 'reduce',
  amax: 'reduce',
  amin: 'reduce',
  argmax: 'reduce',
  argmin: 'reduce',
  topk: 'reduce',
  sort: 'reduce',
  prod: 'reduce',
  std: 'reduce',
  var: 'reduce',
  norm: 'reduce',
  logsumexp: 'reduce',
};

/** Unary tensor math the interpreter shapes itself (tensorOps' UNARY_ELEMENTWISE and friends). */
const ELEMENTWISE = /^(sqrt|rsqrt|exp2?|expm1|log(2|10|1p)?|abs|neg|sin|cos|tan|clamp(_min|_max)?|clip|sign|floor|ceil|round|trunc|reciprocal|square|erfc?|roll|flip|cum(sum|prod)|tril|triu|nan_to_num|bitwise_not|logical_not|float|int|bool)$/;

/** The category of a node's op: the registry entry's, else the table above, else `other`. */
export function opCategory(op: string): OpCategory {
  return getOp(op)?.category ?? UNREGISTERED[op] ?? (ELEMENTWISE.test(op) ? 'elementwise' : 'other');
}
