// Instant layout for the common case of a visible graph that is one chain (collapsed models, plain Sequential stacks):
// boxes on one vertical axis, groups around contiguous runs. Anything else (branches) goes to elkjs.
import type { VisibleGraph } from './visible';
import type { LayoutResult, Point, Rect } from './geometry';
import { GROUP_PADDING, RESIDUAL_LANE_WIDTH } from './elk-graph';
import { textWidth } from './format';
import { FONT, groupHeader } from './labels';

/** Same spacing as the ELK options, so both layouts look alike. */
const GAP = 30;
const MARGIN = 24;

interface Extent { left: number; right: number }

/** The boxes in chain order, or undefined when the routed edges do not form one simple chain. */
function chainOrder(visible: VisibleGraph): string[] | undefined {
  const routed = visible.edges.filter((edge) => !edge.lane);
  if (visible.boxes.length === 0 || routed.length !== visible.boxes.length - 1) return undefined;
  const next = new Map<string, string>();
  const hasInput = new Set<string>();
  for (const edge of routed) {
    if (next.has(edge.from) || hasInput.has(edge.to)) return undefined;
    next.set(edge.from, edge.to);
    hasInput.add(edge.to);
  }
  const heads = visible.boxes.filter((box) => !hasInput.has(box.id));
  if (heads.length !== 1) return undefined;
  const order: string[] = [];
  const seen = new Set<string>();
  for (let id: string | undefined = heads[0].id; id !== undefined && !seen.has(id); id = next.get(id)) {
    seen.add(id);
    order.push(id);
  }
  return order.length === visible.boxes.length ? order : undefined;
}

export function chainLayout(visible: VisibleGraph): LayoutResult | undefined {
  const started = performance.now();
  const order = chainOrder(visible);
  if (!order) return undefined;
  const boxById = new Map(visible.boxes.map((box) => [box.id, box]));
  const groupById = new Map(visible.groups.map((group) => [group.id, group]));
  const chainOf = (parent: string | null): string[] => {
    const chain: string[] = [];
    for (let id = parent; id !== null; id = groupById.get(id)?.parent ?? null) chain.unshift(id);
    return chain;
  };

  // Horizontal extents around the shared axis, innermost groups first.
  const extent = new Map<string, Extent>();
  const padRight = (id: string): number => GROUP_PADDING.right + (groupById.get(id)!.group.kind === 'residual' ? RESIDUAL_LANE_WIDTH : 0);
  const grow = (id: string, child: Extent): void => {
    const current = extent.get(id) ?? { left: 0, right: 0 };
    extent.set(id, { left: Math.max(current.left, child.left), right: Math.max(current.right, child.right) });
  };
  for (const box of visible.boxes) if (box.parent) grow(box.parent, { left: box.label.width / 2, right: box.label.width / 2 });
  const byDepth = [...visible.groups].sort((a, b) => chainOf(b.id).length - chainOf(a.id).length);
  const outer = new Map<string, Extent>();
  for (const group of byDepth) {
    const inner = extent.get(group.id) ?? { left: 0, right: 0 };
    let left = inner.left + GROUP_PADDING.left;
    let right = inner.right + padRight(group.id);
    const header = textWidth(groupHeader(group.group), FONT.detail) + 44;
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
  for (const box of visible.boxes) if (!box.parent) { axisLeft = Math.max(axisLeft, box.label.width / 2); axisRight = Math.max(axisRight, box.label.width / 2); }
  for (const group of visible.groups) if (!group.parent) { axisLeft = Math.max(axisLeft, outer.get(group.id)!.left); axisRight = Math.max(axisRight, outer.get(group.id)!.right); }
  const axis = MARGIN + axisLeft;

  // Vertical walk down the chain, opening and closing groups as the module path changes.
  const boxes = new Map<string, Rect>();
  const groups = new Map<string, Rect>();
  const open: string[] = [];
  const closed = new Set<string>();
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
      if (closed.has(groupId)) return undefined;
      const e = outer.get(groupId)!;
      groups.set(groupId, { x: axis - e.left, y, width: e.left + e.right, height: 0 });
      open.push(groupId);
      y += GROUP_PADDING.top;
    }
    boxes.set(id, { x: axis - box.label.width / 2, y, width: box.label.width, height: box.label.height });
    y += box.label.height;
  }
  while (open.length) close();

  const edges = new Map<string, Point[]>();
  for (const edge of visible.edges) {
    if (edge.lane) continue;
    const from = boxes.get(edge.from)!;
    const to = boxes.get(edge.to)!;
    edges.set(edge.id, [{ x: axis, y: from.y + from.height }, { x: axis, y: to.y }]);
  }
  return { boxes, groups, edges, width: axis + axisRight + MARGIN, height: y + MARGIN, layoutMs: performance.now() - started };
}
