// Paints a laid-out visible graph as SVG markup: group boxes, edges (shortcut lanes included), nodes and collapsed groups.
import type { GraphIndex } from './graph-index';
import type { LayoutResult, Point, Rect } from './geometry';
import type { VisibleBox, VisibleEdge, VisibleGraph, VisibleGroup } from './visible';
import { colourFamily } from './categories';
import { escapeHtml, formatCompactShape } from '../src/core/format';
import { fitText } from './format';
import { FONT, PAD_X, groupHeader } from './labels';
import { GROUP_PADDING, RESIDUAL_LANE_WIDTH } from './elk-graph';

export interface PaintOptions {
  showShapes: boolean;
}

const CORNER = 6;

/** An orthogonal polyline as an SVG path with rounded corners. */
export function roundedPath(points: Point[], radius = CORNER): string {
  if (points.length === 0) return '';
  const f = (n: number): string => (Math.round(n * 10) / 10).toString();
  let d = `M${f(points[0].x)},${f(points[0].y)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [prev, at, next] = [points[i - 1], points[i], points[i + 1]];
    const inLen = Math.hypot(at.x - prev.x, at.y - prev.y);
    const outLen = Math.hypot(next.x - at.x, next.y - at.y);
    const r = Math.min(radius, inLen / 2, outLen / 2);
    if (r < 0.5) { d += `L${f(at.x)},${f(at.y)}`; continue; }
    const before = { x: at.x - ((at.x - prev.x) / inLen) * r, y: at.y - ((at.y - prev.y) / inLen) * r };
    const after = { x: at.x + ((next.x - at.x) / outLen) * r, y: at.y + ((next.y - at.y) / outLen) * r };
    d += `L${f(before.x)},${f(before.y)}Q${f(at.x)},${f(at.y)} ${f(after.x)},${f(after.y)}`;
  }
  const last = points[points.length - 1];
  return `${d}L${f(last.x)},${f(last.y)}`;
}

/** Route of an identity shortcut: out of the source's right side, down the block's lane, into the merge node's right side. */
export function laneRoute(source: Rect, target: Rect, block: Rect | undefined): Point[] {
  const sy = source.y + source.height / 2;
  const ty = target.y + target.height / 2;
  let laneX = block ? block.x + block.width - GROUP_PADDING.right - RESIDUAL_LANE_WIDTH / 2 + 4
    : Math.max(source.x + source.width, target.x + target.width) + 22;
  laneX = Math.max(laneX, source.x + source.width + 14, target.x + target.width + 14);
  return [{ x: source.x + source.width, y: sy }, { x: laneX, y: sy }, { x: laneX, y: ty }, { x: target.x + target.width, y: ty }];
}

function attr(name: string, value: string | number | undefined): string {
  return value === undefined ? '' : ` ${name}="${typeof value === 'number' ? value : escapeHtml(value)}"`;
}

/** How much of an item is drawn: everything, titles only (zoomed out), or plain shapes (far out). */
export type Detail = 'full' | 'simple' | 'far';

/** A group's box and header, and separately a copy of its title drawn above the edges so no edge line crosses a title. */
export function paintGroup(item: VisibleGroup, rect: Rect, depth: number, detail: Detail = 'full', solid = false, box: Rect = rect):
  { group: string; title: string } {
  const { group } = item;
  const cls = ['group', `kind-${group.kind}`, `depth-${Math.min(depth, 4)}`, item.error ? 'error' : '', solid ? 'solid' : ''].filter(Boolean).join(' ');
  // `box` may be the part of a very tall group near the viewport: a dashed border a million pixels long takes seconds to paint.
  const open = `<g class="${cls}"${attr('data-group', group.path)}${attr('data-id', group.id)}${item.error ? ' data-error="true"' : ''}>` +
    `<rect class="group-box" x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" rx="8"/>`;
  const hit = `<rect class="group-header-hit" x="${rect.x}" y="${rect.y}" width="${rect.width}" height="${GROUP_PADDING.top - 4}" rx="8"/>`;
  if (detail === 'far' || solid) {
    return { group: `${open}<g class="group-header" data-toggle="${escapeHtml(group.id)}" role="button"${attr('aria-label',
      `Collapse ${group.path || group.className}`)}>${hit}</g></g>`, title: '' };
  }
  const header = fitText(groupHeader(group), rect.width - 34, FONT.detail);
  return {
    group: open +
      `<g class="group-header" data-toggle="${escapeHtml(group.id)}" tabindex="0" role="button"${attr('aria-label',
        `Collapse ${group.path || group.className}`)}>${hit}` +
      `<path class="chevron" d="M${rect.x + 11},${rect.y + 11} l4,5 l4,-5"/>` +
      `<text class="group-title" x="${rect.x + 26}" y="${rect.y + 19}">${escapeHtml(header)}</text></g></g>`,
    title: `<text class="group-title${item.error ? ' error' : ''}${group.kind === 'residual' ? ' residual' : ''}" x="${rect.x + 26}" y="${rect.y
      + 19}">${escapeHtml(header)}</text>`,
  };
}

/** Groups outermost first, as they are drawn (inner boxes over outer ones). */
export function groupsInDrawingOrder(visible: VisibleGraph, index: GraphIndex): VisibleGroup[] {
  const depthOf = (id: string): number => index.depth.get(id) ?? 0;
  return [...visible.groups].sort((a, b) => depthOf(a.id) - depthOf(b.id));
}

/** Data edges first, shortcuts last (drawn over the data edges they run beside). */
export function edgesInDrawingOrder(visible: VisibleGraph): VisibleEdge[] {
  return [...visible.edges].sort((a, b) => Number(a.kind === 'shortcut') - Number(b.kind === 'shortcut'));
}

/** Route of every drawn edge (lanes included); edges the layout left without a route are absent. */
export function edgeRoutes(visible: VisibleGraph, layout: LayoutResult): Map<string, Point[]> {
  const groupRectByPath = new Map<string, Rect>();
  for (const item of visible.groups) {
    const rect = layout.groups.get(item.id);
    if (rect) groupRectByPath.set(item.group.path, rect);
  }
  const boxParent = new Map(visible.boxes.map((box) => [box.id, box.parent]));
  const routes = new Map<string, Point[]>();
  for (const edge of visible.edges) {
    const points = edgePoints(edge, layout, groupRectByPath, boxParent);
    if (points && points.length >= 2) routes.set(edge.id, points);
  }
  return routes;
}

/** Edges whose shape is written beside them: the first data edge out of each box. */
export function labelledEdges(edges: VisibleEdge[], options: PaintOptions): Set<string> {
  const labelled = new Set<string>();
  const sources = new Set<string>();
  if (!options.showShapes) return labelled;
  for (const edge of edges) {
    if (edge.kind !== 'data' || !edge.shape || sources.has(edge.from)) continue;
    sources.add(edge.from);
    labelled.add(edge.id);
  }
  return labelled;
}

/** An edge and, separately, its shape label (drawn above every edge line so no shortcut crosses a label). */
export function paintEdge(edge: VisibleEdge, points: Point[], labelled: boolean, detail: Detail = 'full'): { edge: string; label: string } {
  const cls = ['edge', edge.kind, edge.kind === 'shortcut' ? (edge.projection ? 'projection' : 'identity') : edge.projection ? 'projection-path' : '',
    edge.error ? 'error' : '']
    .filter(Boolean).join(' ');
  let label = '';
  if (labelled && detail === 'full') {
    const start = points[0];
    label = `<text class="edge-label"${attr('data-label-of', edge.id)} x="${start.x + 6}" y="${start.y + 13}">${escapeHtml(formatCompactShape(edge.shape))}</text>`;
  }
  const title = edge.shortcut ? `${edge.shortcut.kind} shortcut · ${edge.shortcut.shapes.map(formatCompactShape).join(' + ')}` : undefined;
  const d = roundedPath(points);
  return {
    edge: `<g class="${cls}" data-edge-kind="${edge.kind}"${attr('data-edge', edge.id)}${edge.error ? ' data-error="true"' : ''}${attr('data-title', title)}>` +
      (detail === 'far' ? '' : `<path class="edge-hit" d="${d}"/>`) + `<path class="edge-line" d="${d}"/></g>`,
    label,
  };
}

function edgePoints(edge: VisibleEdge, layout: LayoutResult, groupRectByPath: Map<string, Rect>, boxParent: Map<string, string | null>): Point[] | undefined {
  if (!edge.lane) return layout.edges.get(edge.id);
  const source = layout.boxes.get(edge.from);
  const target = layout.boxes.get(edge.to);
  if (!source || !target) return undefined;
  const parent = boxParent.get(edge.to);
  const block = (edge.shortcut && groupRectByPath.get(edge.shortcut.path)) || (parent ? layout.groups.get(parent) : undefined);
  return laneRoute(source, target, block);
}

/** A node or collapsed group's box; zoomed out, only its title ('simple') or only its shape ('far'). */
export function paintBox(box: VisibleBox, rect: Rect, detail: Detail = 'full'): string {
  const { label } = box;
  const w = rect.width;
  const h = rect.height;
  const errorAttr = box.error ? ' data-error="true"' : '';
  const firstDetailY = box.kind === 'collapsed' ? 35 : 32;
  const lines = detail !== 'full' ? '' : label.lines.map((line, i) =>
    `<text class="box-detail" x="${PAD_X}" y="${firstDetailY + i * 15}">${escapeHtml(fitText(line, w - 2 * PAD_X, FONT.detail))}</text>`).join('');
  if (box.kind === 'collapsed' && box.group) {
    const group = box.group;
    const cls = ['collapsed', `kind-${group.kind}`, box.error ? 'error' : ''].filter(Boolean).join(' ');
    const open = `<g class="${cls}"${attr('data-group', group.path)}${attr('data-id',
      group.id)} data-collapsed="true"${errorAttr} tabindex="0" role="button"${attr('aria-label',
        `Expand ${label.title}, ${label.lines.join(', ')}`)} transform="translate(${rect.x},${rect.y})">`;
    if (detail === 'far') return `${open}<rect class="box" width="${w}" height="${h}" rx="7"/></g>`;
    const right = fitText(label.titleRight, w / 2 - PAD_X, FONT.detail);
    const title = fitText(label.title, w - 2 * PAD_X - 14 - (right ? Math.min(w / 2, right.length * 6.5) : 0), FONT.title);
    return open +
      `<rect class="box-shadow" x="3" y="3" width="${w}" height="${h}" rx="7"/>` +
      `<rect class="box" width="${w}" height="${h}" rx="7"/>` +
      `<path class="chevron" d="M${PAD_X - 2},${10} l5,4 l-5,4"/>` +
      `<text class="box-title" x="${PAD_X + 9}" y="18">${escapeHtml(title)}</text>` +
      `<text class="box-op" x="${w - PAD_X}" y="18" text-anchor="end">${escapeHtml(right)}</text>${lines}</g>`;
  }
  const node = box.node!;
  const category = colourFamily(node.category);
  const io = node.category === 'io';
  const cls = ['node', `cat-${category}`, io ? 'io' : '', box.error ? 'error' : ''].filter(Boolean).join(' ');
  const open = `<g class="${cls}"${attr('data-node', node.path)}${attr('data-op', node.op)}${attr('data-id',
    node.id)}${errorAttr} tabindex="0" role="button"${attr('aria-label',
      `${node.path || node.op}, ${node.op}${node.summary ? `, ${node.summary}` : ''}`)} transform="translate(${rect.x},${rect.y})">` +
    `<rect class="box" width="${w}" height="${h}" rx="${io ? h / 2 : 6}"/>` +
    (io ? '' : `<rect class="accent" x="0.5" y="${4}" width="3" height="${h - 8}" rx="1.5"/>`);
  if (detail === 'far') return `${open}</g>`;
  const titleY = label.lines.length && detail === 'full' ? 17 : h / 2 + 4;
  const indexed = label.titleRight.startsWith('[');
  const right =
    label.titleRight
      ? `<text class="box-op${indexed ? ' box-index' : ''}" x="${w - PAD_X}" y="${titleY}" text-anchor="end">${escapeHtml(label.titleRight)}</text>` : '';
  const titleRoom = w - 2 * PAD_X - (label.titleRight ? label.titleRight.length * 6.6 + 8 : 0);
  return open +
    `<text class="box-title" x="${io ? w / 2 : PAD_X}" y="${titleY}"${io ? ' text-anchor="middle"' : ''}>${escapeHtml(fitText(label.title, titleRoom,
      FONT.title))}</text>` +
    `${right}${lines}</g>`;
}

/** The whole drawing (inside the viewport group), as one markup string for a single fast DOM update. */
export function paintGraph(visible: VisibleGraph, layout: LayoutResult, index: GraphIndex, options: PaintOptions): string {
  const boxes = visible.boxes.map((box) => {
    const rect = layout.boxes.get(box.id);
    return rect ? paintBox(box, rect) : '';
  }).join('');
  const groups: string[] = [];
  const titles: string[] = [];
  for (const item of groupsInDrawingOrder(visible, index)) {
    const rect = layout.groups.get(item.id);
    if (!rect) continue;
    const painted = paintGroup(item, rect, index.depth.get(item.id) ?? 0);
    groups.push(painted.group);
    titles.push(painted.title);
  }
  const routes = edgeRoutes(visible, layout);
  const ordered = edgesInDrawingOrder(visible);
  const labelled = labelledEdges(ordered, options);
  const edges: string[] = [];
  const labels: string[] = [];
  for (const edge of ordered) {
    const points = routes.get(edge.id);
    if (!points) continue;
    const painted = paintEdge(edge, points, labelled.has(edge.id));
    edges.push(painted.edge);
    labels.push(painted.label);
  }
  // Text above lines: group titles and shape labels (with a background halo) are drawn after every edge, boxes last.
  return layers(groups.join(''), edges.join(''), titles.join('') + labels.join(''), boxes);
}

/** The four layers of the drawing, bottom to top. */
export function layers(groups: string, edges: string, labels: string, boxes: string): string {
  return `<g class="layer-groups">${groups}</g><g class="layer-edges">${edges}</g>` +
    `<g class="layer-labels" aria-hidden="true">${labels}</g><g class="layer-nodes">${boxes}</g>`;
}

/** SVG marker definitions for edge arrowheads (one per edge style). */
export function markerDefs(): string {
  const marker = (id: string): string =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M1,1 L9,5 L1,9 z"/></marker>`;
  return `<defs>${['arrow-data', 'arrow-identity', 'arrow-projection', 'arrow-error'].map(marker).join('')}</defs>`;
}
