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
const SIDE_GAP = 26;
const MARGIN = 24;

/** Lays out one flat graph (elkjs in the worker); resolves undefined when superseded. */
export type FlatLayout = (graph: ElkNode) => Promise<ElkNode | undefined>;

/** elkjs results of flat levels by their shape (sizes and links), kept across layouts of the same view. */
export type LevelCache = Map<string, { x: number[]; y: number[]; routes: Point[][]; width: number; height: number }>;

interface Item { id: string; group: boolean; width: number; height: number; axis: number; x: number; y: number }
interface Level { items: Item[]; width: number; height: number; axis: number; edges: { edge: VisibleEdge | null; from: number; to: number }[];
  stacked: boolean; routes?: Point[][]; pairs: [number, number][]; satellites?: Map<number, number> }

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
  const edgesAt = new Map<string | null, { edge: VisibleEdge | null; from: string; to: string }[]>();
  for (const edge of visible.edges) {
    if (edge.lane) continue;
    const a = chainOf(boxById.get(edge.from)?.parent ?? null);
    const b = chainOf(boxById.get(edge.to)?.parent ?? null);
    let shared = 0;
    while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared++;
    const level = shared === 0 ? null : a[shared - 1];
    push(edgesAt, level, { edge, from: a[shared] ?? edge.from, to: b[shared] ?? edge.to });
  }
  // A box outside a group that takes from inside it and gives back to it (GPT's tok_emb + pos_emb, between the embeddings and
  // the blocks of its transformer) orders the inside: there its sources come first. These links order, they are not drawn.
  const inputs = new Map<string, string[]>();
  const outputs = new Map<string, string[]>();
  for (const edge of visible.edges) if (!edge.lane) { push(inputs, edge.to, edge.from); push(outputs, edge.from, edge.to); }
  const common = (a: string[], b: string[]): number => {
    let n = 0;
    while (n < a.length && n < b.length && a[n] === b[n]) n++;
    return n;
  };
  for (const box of visible.boxes) {
    const ins = inputs.get(box.id) ?? [];
    const outs = outputs.get(box.id) ?? [];
    if (ins.length === 0 || outs.length === 0 || ins.length * outs.length > 16) continue;
    const own = chainOf(box.parent);
    for (const from of ins) {
      const a = chainOf(boxById.get(from)?.parent ?? null);
      for (const to of outs) {
        const b = chainOf(boxById.get(to)?.parent ?? null);
        const shared = common(a, b);
        if (shared === 0 || shared <= common(a, own) || shared <= common(b, own)) continue;
        push(edgesAt, a[shared - 1], { edge: null, from: a[shared] ?? from, to: b[shared] ?? to });
      }
    }
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
      // A box linked only to one group of this level, into it and out of it, sits beside that group (laid out below it, every
      // link would run the group's whole height).
      const satellites = new Map<number, number>();
      items.forEach((item, i) => {
        if (item.group) return;
        const linked = pairs.filter(([a, b]) => a === i || b === i);
        const others = new Set(linked.map(([a, b]) => (a === i ? b : a)));
        const [other] = others;
        if (others.size === 1 && items[other].group && linked.some(([a]) => a === i) && linked.some(([, b]) => b === i)) satellites.set(i, other);
      });
      const kept = items.map((_, i) => i).filter((i) => !satellites.has(i));
      const keptPairs = pairs.filter(([a, b]) => !satellites.has(a) && !satellites.has(b));
      const key = JSON.stringify([kept.map((i) => [Math.round(items[i].width), Math.round(items[i].height)]), keptPairs, kept]);
      let laid = cache.get(key);
      if (!laid) {
        const graph: ElkNode = { id: 'level', layoutOptions: { ...ROOT_OPTIONS, 'elk.padding': '[top=0,left=0,bottom=0,right=0]' },
          children: kept.map((i) => ({ id: `i${i}`, width: items[i].width, height: items[i].height })),
          edges: keptPairs.map(([from, to]) => ({ id: `p${from}>${to}`, sources: [`i${from}`], targets: [`i${to}`] })) };
        const result = await flat(graph);
        if (!result) return undefined;
        const byId = new Map((result.children ?? []).map((child) => [child.id, child]));
        const routeById = new Map((result.edges ?? []).map((edge) => {
          const section = edge.sections?.[0];
          return [edge.id, section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : []];
        }));
        laid = { x: items.map((_, i) => byId.get(`i${i}`)?.x ?? 0), y: items.map((_, i) => byId.get(`i${i}`)?.y ?? 0),
          routes: pairs.map(([from, to]) => routeById.get(`p${from}>${to}`) ?? []), width: result.width ?? 0, height: result.height ?? 0 };
        if (cache.size > 2000) cache.clear();
        cache.set(key, laid);
      }
      items.forEach((item, i) => { item.x = laid.x[i]; item.y = laid.y[i]; });
      const beside = new Map<number, number>();
      for (const [i, g] of satellites) {
        // Provisional height (the top of the group's content); moved next to its links once the boxes inside are placed.
        const below = beside.get(g) ?? items[g].y + GROUP_PADDING.top;
        items[i].x = items[g].x + items[g].width + SIDE_GAP;
        items[i].y = below;
        beside.set(g, below + items[i].height + GAP);
      }
      const width = Math.max(laid.width, ...items.map((item) => item.x + item.width));
      const height = Math.max(laid.height, ...items.map((item) => item.y + item.height));
      level = { items, width, height, axis: width / 2, edges, stacked: false, routes: laid.routes, pairs, satellites };
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
    for (const [i] of level.satellites ?? []) placeSatellite(level.items[i].id, level.edges.filter((e) => e.from === i || e.to === i), boxes);
    for (const { edge, from, to } of level.edges) {
      if (!edge) continue;
      const source = boxes.get(edge.from);
      const target = boxes.get(edge.to);
      if (!source || !target) continue;
      const s = { x: source.x + source.width / 2, y: source.y + source.height };
      const t = { x: target.x + target.width / 2, y: target.y };
      const satellite = level.satellites?.has(from) ? 'out' : level.satellites?.has(to) ? 'in' : undefined;
      if (satellite) {
        // Into the satellite's left side from above, out of it from its left side below, down into the target.
        const y = target.y + (satellite === 'in' ? target.height / 2 - 6 : 0);
        edges.set(edge.id, satellite === 'in' ? [s, { x: s.x, y }, { x: target.x, y }]
          : [{ x: source.x, y: source.y + source.height / 2 + 6 }, { x: t.x, y: source.y + source.height / 2 + 6 }, t]);
        continue;
      }
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

/** Puts a satellite box between the bottom of its sources and the top of its targets, keeping it beside its group. */
function placeSatellite(id: string, links: { edge: VisibleEdge | null }[], boxes: Map<string, Rect>): void {
  const rect = boxes.get(id);
  if (!rect) return;
  let bottom = -Infinity;
  let top = Infinity;
  for (const { edge } of links) {
    if (!edge) continue;
    if (edge.to === id) { const r = boxes.get(edge.from); if (r) bottom = Math.max(bottom, r.y + r.height); }
    if (edge.from === id) { const r = boxes.get(edge.to); if (r) top = Math.min(top, r.y); }
  }
  if (Number.isFinite(bottom) && Number.isFinite(top) && top > bottom) rect.y = (bottom + top) / 2 - rect.height / 2;
  else if (Number.isFinite(bottom)) rect.y = bottom + GAP / 2;
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
