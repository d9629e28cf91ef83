// Layout of big branching graphs one module level at a time: each expanded group is laid out on its own and placed as one box in
// its parent's level. A level whose items form a chain is stacked on an axis without elkjs; any other level goes to elkjs as a
// small flat graph, and identical levels (the attention of every transformer block) share one elkjs layout.
import type { ElkNode } from 'elkjs/lib/elk-api';
import { enclosingGroups, type VisibleEdge, type VisibleGraph } from './visible';
import type { LayoutResult, Point, Rect } from './geometry';
import { GROUP_PADDING, RESIDUAL_LANE_WIDTH, ROOT_OPTIONS } from './elk-graph';
import { textWidth } from './format';
import { FONT, groupHeader } from './labels';

const GAP = 30;
const MARGIN = 24;

/** Lays out one flat graph (elkjs in the worker); resolves undefined when superseded. */
export type FlatLayout = (graph: ElkNode) => Promise<ElkNode | undefined>;

/** elkjs results of flat levels by their shape (sizes and links), kept across layouts of the same view. */
export type LevelCache = Map<string, { x: number[]; y: number[]; routes: Point[][]; width: number; height: number }>;

interface Item { id: string; group: boolean; width: number; height: number; axis: number; x: number; y: number }
interface Level { items: Item[]; width: number; height: number; axis: number; edges: { edge: VisibleEdge; from: number; to: number }[];
  stacked: boolean; routes?: Point[][]; pairs: [number, number][] }

export async function levelLayout(visible: VisibleGraph, flat: FlatLayout, cache: LevelCache): Promise<LayoutResult | undefined> {
  const started = performance.now();
  const groupById = new Map(visible.groups.map((g) => [g.id, g]));
  const childBoxes = new Map<string | null, string[]>();
  const childGroups = new Map<string | null, string[]>();
  const boxById = new Map(visible.boxes.map((b) => [b.id, b]));
  for (const box of visible.boxes) push(childBoxes, box.parent, box.id);
  for (const group of visible.groups) push(childGroups, group.parent, group.id);
  const chainOf = enclosingGroups(visible.groups);
  // Each edge belongs to the innermost group holding both ends; there it links the two items (boxes or groups) holding them.
  const edgesAt = new Map<string | null, { edge: VisibleEdge; from: string; to: string }[]>();
  for (const edge of visible.edges) {
    if (edge.lane) continue;
    const a = chainOf(boxById.get(edge.from)?.parent ?? null);
    const b = chainOf(boxById.get(edge.to)?.parent ?? null);
    let shared = 0;
    while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared++;
    const level = shared === 0 ? null : a[shared - 1];
    push(edgesAt, level, { edge, from: a[shared] ?? edge.from, to: b[shared] ?? edge.to });
  }

  const levels = new Map<string | null, Level>();
  const layOut = async (container: string | null): Promise<Level | undefined> => {
    const items: Item[] = [];
    for (const id of childBoxes.get(container) ?? []) {
      const label = boxById.get(id)!.label;
      items.push({ id, group: false, width: label.width, height: label.height, axis: label.width / 2, x: 0, y: 0 });
    }
    for (const id of childGroups.get(container) ?? []) {
      const inner = await layOut(id);
      if (!inner) return undefined;
      const group = groupById.get(id)!.group;
      let left = GROUP_PADDING.left;
      let right = GROUP_PADDING.right + (group.kind === 'residual' ? RESIDUAL_LANE_WIDTH : 0);
      const header = textWidth(groupHeader(group), FONT.detail) + 44 + (group.kind === 'residual' ? RESIDUAL_LANE_WIDTH : 0);
      const width = inner.width + left + right;
      if (width < header) { left += (header - width) / 2; right += (header - width) / 2; }
      items.push({ id, group: true, width: inner.width + left + right, height: inner.height + GROUP_PADDING.top + GROUP_PADDING.bottom,
        axis: left + inner.axis, x: 0, y: 0 });
    }
    const indexOf = new Map(items.map((item, i) => [item.id, i]));
    const edges = (edgesAt.get(container) ?? []).map((e) => ({ edge: e.edge, from: indexOf.get(e.from)!, to: indexOf.get(e.to)! }))
      .filter((e) => e.from !== undefined && e.to !== undefined && e.from !== e.to);
    const pairs = uniquePairs(edges);
    const order = chainOrder(items.length, pairs);
    let level: Level;
    if (order) {
      const axis = Math.max(0, ...items.map((item) => item.axis));
      const right = Math.max(0, ...items.map((item) => item.width - item.axis));
      let y = 0;
      order.forEach((i, n) => {
        if (n > 0) y += GAP;
        items[i].x = axis - items[i].axis;
        items[i].y = y;
        y += items[i].height;
      });
      level = { items, width: axis + right, height: y, axis, edges, stacked: true, pairs };
    } else {
      const key = JSON.stringify([items.map((item) => [Math.round(item.width), Math.round(item.height)]), pairs]);
      let laid = cache.get(key);
      if (!laid) {
        const graph: ElkNode = { id: 'level', layoutOptions: { ...ROOT_OPTIONS, 'elk.padding': '[top=0,left=0,bottom=0,right=0]' },
          children: items.map((item, i) => ({ id: `i${i}`, width: item.width, height: item.height })),
          edges: pairs.map(([from, to], i) => ({ id: `p${i}`, sources: [`i${from}`], targets: [`i${to}`] })) };
        const result = await flat(graph);
        if (!result) return undefined;
        const byId = new Map((result.children ?? []).map((child) => [child.id, child]));
        const routeById = new Map((result.edges ?? []).map((edge) => {
          const section = edge.sections?.[0];
          return [edge.id, section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : []];
        }));
        laid = { x: items.map((_, i) => byId.get(`i${i}`)?.x ?? 0), y: items.map((_, i) => byId.get(`i${i}`)?.y ?? 0),
          routes: pairs.map((_, i) => routeById.get(`p${i}`) ?? []), width: result.width ?? 0, height: result.height ?? 0 };
        if (cache.size > 2000) cache.clear();
        cache.set(key, laid);
      }
      items.forEach((item, i) => { item.x = laid.x[i]; item.y = laid.y[i]; });
      const width = Math.max(laid.width, ...items.map((item) => item.x + item.width));
      const height = Math.max(laid.height, ...items.map((item) => item.y + item.height));
      level = { items, width, height, axis: width / 2, edges, stacked: false, routes: laid.routes, pairs };
    }
    levels.set(container, level);
    return level;
  };
  const root = await layOut(null);
  if (!root) return undefined;

  // Absolute positions, outermost level first.
  const boxes = new Map<string, Rect>();
  const groups = new Map<string, Rect>();
  const origin = new Map<string | null, Point>([[null, { x: MARGIN, y: MARGIN }]]);
  const place = (container: string | null): void => {
    const level = levels.get(container)!;
    const at = origin.get(container)!;
    for (const item of level.items) {
      const rect = { x: at.x + item.x, y: at.y + item.y, width: item.width, height: item.height };
      if (!item.group) { boxes.set(item.id, rect); continue; }
      groups.set(item.id, rect);
      const inner = levels.get(item.id)!;
      origin.set(item.id, { x: rect.x + item.axis - inner.axis, y: rect.y + GROUP_PADDING.top });
      place(item.id);
    }
  };
  place(null);

  const edges = new Map<string, Point[]>();
  for (const [container, level] of levels) {
    const at = origin.get(container)!;
    const pairIndex = new Map(level.pairs.map(([a, b], i) => [`${a}>${b}`, i]));
    for (const { edge, from, to } of level.edges) {
      const source = boxes.get(edge.from);
      const target = boxes.get(edge.to);
      if (!source || !target) continue;
      const s = { x: source.x + source.width / 2, y: source.y + source.height };
      const t = { x: target.x + target.width / 2, y: target.y };
      if (level.stacked || !level.routes) {
        const a = level.items[from];
        const gapY = at.y + a.y + a.height + GAP / 2;
        edges.set(edge.id, Math.abs(s.x - t.x) < 0.5 ? [s, t] : [s, { x: s.x, y: gapY }, { x: t.x, y: gapY }, t]);
        continue;
      }
      const route = level.routes[pairIndex.get(`${from}>${to}`)!] ?? [];
      const points = route.map((p) => ({ x: at.x + p.x, y: at.y + p.y }));
      // elkjs routed group to group: carry the line on from the group's border to the boxes inside.
      if (points.length < 2) { edges.set(edge.id, [s, t]); continue; }
      if (level.items[from].group) points.unshift(...elbow(s, points[0]));
      if (level.items[to].group) points.push(...elbow(points[points.length - 1], t).slice(1));
      edges.set(edge.id, points);
    }
  }
  return { boxes, groups, edges, width: root.width + 2 * MARGIN, height: root.height + 2 * MARGIN, layoutMs: performance.now() - started, engine: 'elk' };
}

/** An orthogonal link from a to b: down, across, down. */
function elbow(a: Point, b: Point): Point[] {
  if (Math.abs(a.x - b.x) < 0.5) return [a, b];
  const mid = (a.y + b.y) / 2;
  return [a, { x: a.x, y: mid }, { x: b.x, y: mid }, b];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function uniquePairs(edges: { from: number; to: number }[]): [number, number][] {
  const seen = new Set<string>();
  const pairs: [number, number][] = [];
  for (const { from, to } of edges) {
    const key = `${from}>${to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    pairs.push([from, to]);
  }
  return pairs;
}

/** The items in chain order, or undefined when the links do not form one simple chain. */
function chainOrder(count: number, pairs: [number, number][]): number[] | undefined {
  if (count === 0 || pairs.length !== count - 1) return count === 0 ? [] : undefined;
  const next = new Map<number, number>();
  const hasInput = new Set<number>();
  for (const [from, to] of pairs) {
    if (next.has(from) || hasInput.has(to)) return undefined;
    next.set(from, to);
    hasInput.add(to);
  }
  let head = -1;
  for (let i = 0; i < count; i++) if (!hasInput.has(i)) { if (head >= 0) return undefined; head = i; }
  const order: number[] = [];
  for (let i: number | undefined = head; i !== undefined && order.length <= count; i = next.get(i)) order.push(i);
  return order.length === count ? order : undefined;
}
