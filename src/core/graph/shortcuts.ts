// Classifies merges (add, cat) as residual / dense shortcuts: fork point, identity vs projection, shortcut edge.
import type { Shape, Shortcut, SourceRange } from './ir';
import type { Tracer } from './tracer';

/** Backward BFS from `start`: hop distance of every ancestor (start itself at 0). */
function ancestorDistances(tracer: Tracer, start: string): Map<string, number> {
  const dist = new Map<string, number>([[start, 0]]);
  const queue = [start];
  for (let qi = 0; qi < queue.length; qi++) {
    const id = queue[qi];
    const d = dist.get(id)!;
    for (const p of tracer.preds[tracer.indexOf.get(id)!]) {
      if (p !== null && !dist.has(p)) {
        dist.set(p, d + 1);
        queue.push(p);
      }
    }
  }
  return dist;
}

/** Nodes on a shortest path from `from` back to (excluding) `fork`, listed from the fork side. */
function pathBetween(tracer: Tracer, fork: string, from: string): string[] {
  const prev = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  for (let qi = 0; qi < queue.length; qi++) {
    const id = queue[qi];
    if (id === fork) break;
    for (const p of tracer.preds[tracer.indexOf.get(id)!]) {
      if (p !== null && !prev.has(p)) {
        prev.set(p, id);
        queue.push(p);
      }
    }
  }
  const out: string[] = [];
  // Walk from the fork forward along the recorded successors.
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
  const ids = m.operandIds;
  if (ids.some((x) => x === null)) return null;
  const operands = ids as string[];
  if (new Set(operands).size !== operands.length) return null;
  const dists = operands.map((id) => ancestorDistances(tracer, id));
  let shortcutOperand = -1;
  let fork: string | null = null;
  let kind: 'identity' | 'projection' = 'identity';
  let shortcutNodeIds: string[] = [];
  for (let i = 0; i < operands.length; i++) {
    if (dists.every((d, j) => j === i || d.has(operands[i]))) {
      shortcutOperand = i;
      fork = operands[i];
      break;
    }
  }
  if (fork === null) {
    if (m.op !== 'add' || operands.length !== 2) return null;
    let best = -1;
    for (const [id] of dists[0]) {
      if (dists[1].has(id)) {
        const idx = tracer.indexOf.get(id)!;
        if (idx > best) {
          best = idx;
          fork = id;
        }
      }
    }
    if (fork === null) return null;
    const d0 = dists[0].get(fork)!;
    const d1 = dists[1].get(fork)!;
    shortcutOperand = d0 < d1 ? 0 : 1;
    kind = 'projection';
    shortcutNodeIds = pathBetween(tracer, fork, operands[shortcutOperand]);
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
