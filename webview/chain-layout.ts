// Instant layout for the common shapes of model graphs: one chain of boxes on a vertical axis, groups around contiguous
// runs, and projection shortcuts (downsample ops) in a side column of their block. Anything else goes to elkjs.
import { enclosingGroups, type VisibleBox, type VisibleEdge, type VisibleGraph, type VisibleGroup } from './visible';
import type { LayoutResult, Point, Rect } from './geometry';
import { GROUP_PADDING, RESIDUAL_LANE_WIDTH } from './elk-graph';
import { textWidth } from './format';
import { FONT, groupHeader } from './labels';

/** Same spacing as the ELK options, so both layouts look alike. */
const GAP = 30;
const SIDE_GAP = 26;
const MARGIN = 24;

interface Extent { left: number; right: number }

/** A projection shortcut drawn beside its block: fork → side boxes → merge. */
interface SideBranch {
  block: string;
  fork: string;
  merge: string;
  boxes: string[];
  /** The expanded group holding the side boxes (e.g. `layer2.0.downsample`), if drawn. */
  group?: VisibleGroup;
  edges: VisibleEdge[];
  /** Filled in during layout. */
  offset: number;
  width: number;
}

/** Splits projection branches off the graph; undefined when one does not have the simple fork → ops → merge form. */
function findSideBranches(visible: VisibleGraph, boxById: Map<string, VisibleBox>, groupById: Map<string, VisibleGroup>): SideBranch[] | undefined {
  const branches: SideBranch[] = [];
  const edgesOf = new Map<string, VisibleEdge[]>();
  for (const edge of visible.edges) {
    for (const end of [edge.from, edge.to]) {
      const list = edgesOf.get(end);
      if (list) list.push(edge);
      else edgesOf.set(end, [edge]);
    }
  }
  for (const shortcut of visible.edges) {
    if (shortcut.kind !== 'shortcut' || shortcut.lane || !shortcut.shortcut) continue;
    const merge = boxById.get(shortcut.to);
    const fork = visible.representative.get(shortcut.shortcut.fromNodeId);
    const sideIds = [...new Set(shortcut.shortcut.shortcutNodeIds.map((id) => visible.representative.get(id)!))];
    if (!merge?.parent || !fork || sideIds.length === 0 || sideIds.includes(fork) || sideIds.includes(merge.id)) return undefined;
    const path = [fork, ...sideIds, merge.id];
    const edges: VisibleEdge[] = [];
    for (let i = 0; i < path.length - 1; i++) {
      const link = (edgesOf.get(path[i]) ?? []).filter((e) => e.from === path[i] && e.to === path[i + 1]);
      if (link.length !== 1) return undefined;
      edges.push(link[0]);
    }
    for (const id of sideIds) if ((edgesOf.get(id) ?? []).length !== 2) return undefined;
    const parents = new Set(sideIds.map((id) => boxById.get(id)!.parent));
    if (parents.size !== 1) return undefined;
    const parent = [...parents][0];
    let group: VisibleGroup | undefined;
    if (parent !== merge.parent) {
      group = parent ? groupById.get(parent) : undefined;
      const members = visible.boxes.filter((box) => box.parent === parent).length;
      if (!group || group.parent !== merge.parent || members !== sideIds.length || visible.groups.some((g) => g.parent === group!.id)) return undefined;
    }
    branches.push({ block: merge.parent, fork, merge: merge.id, boxes: sideIds, group, edges, offset: 0, width: 0 });
  }
  return branches;
}

/** The boxes in chain order, or undefined when the edges do not form one simple chain. */
function chainOrder(boxes: VisibleBox[], edges: VisibleEdge[]): string[] | undefined {
  if (boxes.length === 0 || edges.length !== boxes.length - 1) return undefined;
  const next = new Map<string, string>();
  const hasInput = new Set<string>();
  for (const edge of edges) {
    if (next.has(edge.from) || hasInput.has(edge.to)) return undefined;
    next.set(edge.from, edge.to);
    hasInput.add(edge.to);
  }
  const heads = boxes.filter((box) => !hasInput.has(box.id));
  if (heads.length !== 1) return undefined;
  const order: string[] = [];
  const seen = new Set<string>();
  for (let id: string | undefined = heads[0].id; id !== undefined && !seen.has(id); id = next.get(id)) {
    seen.add(id);
    order.push(id);
  }
  return order.length === boxes.length ? order : undefined;
}

/** Room for the header label, clear of the identity-shortcut lane that crosses a residual block's header. */
const headerWidth = (group: VisibleGroup): number =>
  textWidth(groupHeader(group.group), FONT.detail) + 44 + (group.group.kind === 'residual' ? RESIDUAL_LANE_WIDTH : 0);

export function chainLayout(visible: VisibleGraph): LayoutResult | undefined {
  const started = performance.now();
  const boxById = new Map(visible.boxes.map((box) => [box.id, box]));
  const groupById = new Map(visible.groups.map((group) => [group.id, group]));
  const branches = findSideBranches(visible, boxById, groupById);
  if (!branches) return undefined;
  const sideBoxes = new Set(branches.flatMap((b) => b.boxes));
  const sideEdges = new Set(branches.flatMap((b) => b.edges.map((e) => e.id)));
  const sideGroups = new Set(branches.flatMap((b) => (b.group ? [b.group.id] : [])));
  const mainBoxes = visible.boxes.filter((box) => !sideBoxes.has(box.id));
  const order = chainOrder(mainBoxes, visible.edges.filter((edge) => !edge.lane && !sideEdges.has(edge.id)));
  if (!order) return undefined;
  const chainOf = enclosingGroups(visible.groups);

  // Horizontal extents around the shared axis, innermost groups first; side columns widen their block.
  const extent = new Map<string, Extent>();
  const padRight = (id: string): number => GROUP_PADDING.right + (groupById.get(id)!.group.kind === 'residual' ? RESIDUAL_LANE_WIDTH : 0);
  const grow = (id: string, child: Extent): void => {
    const current = extent.get(id) ?? { left: 0, right: 0 };
    extent.set(id, { left: Math.max(current.left, child.left), right: Math.max(current.right, child.right) });
  };
  for (const box of mainBoxes) if (box.parent) grow(box.parent, { left: box.label.width / 2, right: box.label.width / 2 });
  const branchesOf = new Map<string, SideBranch[]>();
  for (const branch of branches) {
    const inner = branch.boxes.reduce((most, id) => Math.max(most, boxById.get(id)!.label.width), -Infinity);
    branch.width = branch.group ? Math.max(inner + GROUP_PADDING.left + GROUP_PADDING.right, headerWidth(branch.group)) : inner;
    branchesOf.set(branch.block, [...(branchesOf.get(branch.block) ?? []), branch]);
  }
  const byDepth = visible.groups.filter((g) => !sideGroups.has(g.id)).sort((a, b) => chainOf(b.id).length - chainOf(a.id).length);
  const outer = new Map<string, Extent>();
  for (const group of byDepth) {
    const inner = extent.get(group.id) ?? { left: 0, right: 0 };
    let right = inner.right;
    for (const branch of branchesOf.get(group.id) ?? []) {
      branch.offset = inner.right + SIDE_GAP;
      right = Math.max(right, branch.offset + branch.width);
    }
    let left = inner.left + GROUP_PADDING.left;
    right += padRight(group.id);
    const header = headerWidth(group);
    if (left + right < header) {
      const extra = (header - left - right) / 2;
      left += extra;
      right += extra;
    }
    outer.set(group.id, { left, right });
    if (group.parent) grow(group.parent, { left, right });
  }
  let axisLeft = 0;
  let axisRight = 0;
  for (const box of mainBoxes) if (!box.parent) { axisLeft = Math.max(axisLeft, box.label.width / 2); axisRight = Math.max(axisRight, box.label.width / 2); }
  for (const group of byDepth) if (!group.parent) { axisLeft = Math.max(axisLeft, outer.get(group.id)!.left); axisRight = Math.max(axisRight,
    outer.get(group.id)!.right); }
  const axis = MARGIN + axisLeft;

  // Vertical walk down the chain, opening and closing groups as the module path changes.
  const boxes = new Map<string, Rect>();
  const groups = new Map<string, Rect>();
  const open: string[] = [];
  const closed = new Set<string>();
  const contentTop = new Map<string, number>();
  let y = MARGIN;
  let first = true;
  const close = (): void => {
    const id = open.pop()!;
    y += GROUP_PADDING.bottom;
    const rect = groups.get(id)!;
    rect.height = y - rect.y;
    closed.add(id);
  };
  for (const id of order) {
    const box = boxById.get(id)!;
    const chain = chainOf(box.parent);
    let shared = 0;
    while (shared < open.length && shared < chain.length && open[shared] === chain[shared]) shared++;
    while (open.length > shared) close();
    if (!first) y += GAP;
    first = false;
    for (const groupId of chain.slice(shared)) {
      if (closed.has(groupId) || sideGroups.has(groupId)) return undefined;
      const e = outer.get(groupId)!;
      groups.set(groupId, { x: axis - e.left, y, width: e.left + e.right, height: 0 });
      open.push(groupId);
      y += GROUP_PADDING.top;
      contentTop.set(groupId, y);
    }
    boxes.set(id, { x: axis - box.label.width / 2, y, width: box.label.width, height: box.label.height });
    y += box.label.height;
  }
  while (open.length) close();

  const edges = new Map<string, Point[]>();
  for (const edge of visible.edges) {
    if (edge.lane || sideEdges.has(edge.id)) continue;
    const from = boxes.get(edge.from)!;
    const to = boxes.get(edge.to)!;
    edges.set(edge.id, [{ x: axis, y: from.y + from.height }, { x: axis, y: to.y }]);
  }
  for (const branch of branches) if (!placeBranch(branch, axis, contentTop, boxById, boxes, groups, edges)) return undefined;
  return { boxes, groups, edges, width: axis + axisRight + MARGIN, height: y + MARGIN, layoutMs: performance.now() - started, engine: 'chain' };
}

/** Stacks a branch's boxes in its block's side column, from the top of the block, and routes fork → side → merge. */
function placeBranch(branch: SideBranch, axis: number, contentTop: Map<string, number>, boxById: Map<string, VisibleBox>,
  boxes: Map<string, Rect>, groups: Map<string, Rect>, edges: Map<string, Point[]>): boolean {
  const fork = boxes.get(branch.fork);
  const merge = boxes.get(branch.merge);
  const top = contentTop.get(branch.block);
  if (!fork || !merge || top === undefined) return false;
  const left = axis + branch.offset;
  const centre = left + branch.width / 2;
  let y = top;
  if (branch.group) {
    groups.set(branch.group.id, { x: left, y, width: branch.width, height: 0 });
    y += GROUP_PADDING.top;
  }
  branch.boxes.forEach((id, i) => {
    const label = boxById.get(id)!.label;
    if (i > 0) y += GAP;
    boxes.set(id, { x: centre - label.width / 2, y, width: label.width, height: label.height });
    y += label.height;
  });
  if (branch.group) {
    y += GROUP_PADDING.bottom;
    const rect = groups.get(branch.group.id)!;
    rect.height = y - rect.y;
  }
  const mergeMid = merge.y + merge.height / 2;
  if (y > mergeMid - 12) return false;
  const first = boxes.get(branch.boxes[0])!;
  const turn = fork.y + fork.height + Math.min(GAP / 2, (first.y - fork.y - fork.height) / 2);
  edges.set(branch.edges[0].id, [{ x: axis, y: fork.y + fork.height }, { x: axis, y: turn }, { x: centre, y: turn }, { x: centre, y: first.y }]);
  for (let i = 1; i < branch.boxes.length; i++) {
    const from = boxes.get(branch.boxes[i - 1])!;
    const to = boxes.get(branch.boxes[i])!;
    edges.set(branch.edges[i].id, [{ x: centre, y: from.y + from.height }, { x: centre, y: to.y }]);
  }
  const last = boxes.get(branch.boxes[branch.boxes.length - 1])!;
  edges.set(branch.edges[branch.edges.length - 1].id, [{ x: centre, y: last.y + last.height }, { x: centre, y: mergeMid }, { x: merge.x + merge.width,
    y: mergeMid }]);
  return true;
}
