// Classifies merges (add, cat) as residual / dense shortcuts: fork point, identity vs projection, shortcut edge.
import type { Shape, Shortcut, SourceRange } from './ir';
import type { Tracer } from './tracer';

/**
 * Hop distances from `start` back to its ancestors, visiting only nodes with index >= `minIndex` (nodes are in
 * execution order, so nothing before the fork can lie on a path from the fork to `start`).
 */
function ancestorDistances(tracer: Tracer, start: string, minIndex: number): Map<string, number> {
  const dist = new Map<string, number>([[start, 0]]);
  const queue = [start];
  for (let qi = 0; qi < queue.length; qi++) {
    const id = queue[qi];
    const d = dist.get(id)!;
    for (const p of tracer.preds[tracer.indexOf.get(id)!]) {
      if (p !== null && !dist.has(p) && tracer.indexOf.get(p)! >= minIndex) {
        dist.set(p, d + 1);
        queue.push(p);
      }
    }
  }
  return dist;
}

function isAncestor(tracer: Tracer, ancestor: string, of: string): boolean {
  return ancestorDistances(tracer, of, tracer.indexOf.get(ancestor)!).has(ancestor);
}

/** The latest node that is an ancestor (or self) of both `a` and `b`: a backward sweep in execution order. */
function latestCommonAncestor(tracer: Tracer, a: string, b: string): string | null {
  const ia = tracer.indexOf.get(a)!;
  const ib = tracer.indexOf.get(b)!;
  const marks = new Uint8Array(Math.max(ia, ib) + 1);
  marks[ia] |= 1;
  marks[ib] |= 2;
  for (let i = marks.length - 1; i >= 0; i--) {
    const m = marks[i];
    if (m === 0) continue;
    if (m === 3) return tracer.nodes[i].id;
    for (const p of tracer.preds[i]) if (p !== null) marks[tracer.indexOf.get(p)!] |= m;
  }
  return null;
}

/** Nodes on a shortest path from `from` back to (excluding) `fork`, listed from the fork side. */
function pathBetween(tracer: Tracer, fork: string, from: string): string[] {
  const minIndex = tracer.indexOf.get(fork)!;
  const prev = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  for (let qi = 0; qi < queue.length; qi++) {
    const id = queue[qi];
    if (id === fork) break;
    for (const p of tracer.preds[tracer.indexOf.get(id)!]) {
      if (p !== null && !prev.has(p) && tracer.indexOf.get(p)! >= minIndex) {
        prev.set(p, id);
        queue.push(p);
      }
    }
  }
  const out: string[] = [];
  let cur = prev.get(fork);
  while (cur !== undefined && cur !== null) {
    out.push(cur);
    cur = prev.get(cur);
  }
  return out;
}

export interface MergeOperands {
  op: 'add' | 'cat';
  mergeId: string;
  operandIds: (string | null)[];
  shapes: (Shape | null)[];
  path: string;
  range: SourceRange;
}

/**
 * Finds the shortcut of a merge, or null when it is not one. For an addition of two traced tensors: the fork is
 * their latest common ancestor; an operand equal to the fork is an identity shortcut, otherwise the operand with
 * fewer ops since the fork is the projection shortcut. For cat: an operand that is an ancestor of every other
 * operand is an identity (dense) skip.
 */
export function findShortcut(tracer: Tracer, m: MergeOperands): Shortcut | null {
  const ids = m.operandIds.map((id) => (id === null ? null : tracer.resolve(id)));
  if (ids.some((x) => x === null)) return null;
  const operands = ids as string[];
  if (new Set(operands).size !== operands.length) return null;
  let shortcutOperand = -1;
  let fork: string | null = null;
  let kind: 'identity' | 'projection' = 'identity';
  let shortcutNodeIds: string[] = [];
  for (let i = 0; i < operands.length; i++) {
    if (operands.every((o, j) => j === i || isAncestor(tracer, operands[i], o))) {
      shortcutOperand = i;
      fork = operands[i];
      break;
    }
  }
  if (fork === null) {
    if (m.op !== 'add' || operands.length !== 2) return null;
    fork = latestCommonAncestor(tracer, operands[0], operands[1]);
    if (fork === null) return null;
    const minIndex = tracer.indexOf.get(fork)!;
    const d0 = ancestorDistances(tracer, operands[0], minIndex).get(fork)!;
    const d1 = ancestorDistances(tracer, operands[1], minIndex).get(fork)!;
    shortcutOperand = d0 < d1 ? 0 : 1;
    shortcutNodeIds = pathBetween(tracer, fork, operands[shortcutOperand]);
    // nn.Identity() as the shortcut module is still an identity shortcut.
    const passThrough = shortcutNodeIds.every((id) => tracer.node(id).op === 'Identity');
    kind = passThrough ? 'identity' : 'projection';
    if (passThrough) shortcutNodeIds = [];
  }
  const edge = tracer.edgeInto(m.mergeId, shortcutOperand);
  if (!edge) return null;
  edge.kind = 'shortcut';
  return {
    id: `s${tracer.shortcuts.length}`,
    path: m.path,
    op: m.op,
    kind,
    shapes: m.shapes,
    nodeId: m.mergeId,
    fromNodeId: fork,
    shortcutOperand,
    shortcutNodeIds,
    edgeId: edge.id,
    range: m.range,
  };
}
