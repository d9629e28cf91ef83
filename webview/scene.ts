// Puts a laid-out graph into the SVG: all of it when it is small, else only what the viewport shows (and a margin), at a level of
// detail that follows the zoom (titles only when zoomed out, plain shapes far out, small blocks as solid boxes).
import type { GraphIndex } from './graph-index';
import type { LayoutResult, Point, Rect } from './geometry';
import type { VisibleBox, VisibleEdge, VisibleGraph, VisibleGroup } from './visible';
import type { Viewport } from './viewport';
import {
  edgeRoutes, edgesInDrawingOrder, groupsInDrawingOrder, labelledEdges, layers, paintBox, paintEdge, paintGroup,
  type Detail, type PaintOptions,
} from './render';

/** Up to this many drawn items (boxes, groups, edges) everything is in the DOM; beyond it only the viewport's neighbourhood. */
export const FULL_DOM_LIMIT = 4000;
/** Zoom below which details (second lines, shape labels) are left out, and below which boxes are plain shapes. */
export const SIMPLE_BELOW = 0.5;
export const FAR_BELOW = 0.22;
/** A group shorter than this on screen is drawn as one solid box, its content left out. */
const SOLID_GROUP_PX = 18;

export function detailFor(k: number): Detail {
  return k >= SIMPLE_BELOW ? 'full' : k >= FAR_BELOW ? 'simple' : 'far';
}

/** What the view shows, by the selectors of its DOM contract; `drawn` is what is in the DOM right now. */
export interface SceneCounts {
  nodes: number;
  collapsed: number;
  /** Drawn group boxes and collapsed groups: what `[data-group]` matches when everything is in the DOM. */
  groups: number;
  dataEdges: number;
  shortcutEdges: number;
  virtualised: boolean;
  drawn: { nodes: number; collapsed: number; groups: number; dataEdges: number; shortcutEdges: number };
}

interface Bounds { x0: number; y0: number; x1: number; y1: number }

/** Items taller than this are few (stages, whole models): they are checked one by one instead of through the sorted list. */
const TALL = 4096;

/**
 * Items of one drawing layer with their bounds, in drawing order. Short items are kept sorted by their top, so the items meeting a
 * window are found by a binary search and a scan of the band of rows the window covers.
 */
class Layer<T> {
  readonly items: T[] = [];
  /** Innermost drawn group holding the item (its content is left out when that group is drawn solid). */
  readonly owner: (string | null)[] = [];
  private x0: number[] = [];
  private y0: number[] = [];
  private x1: number[] = [];
  private y1: number[] = [];
  private byTop: Int32Array | undefined;
  private tops = new Float64Array(0);
  private readonly tall: number[] = [];

  add(item: T, b: Bounds, owner: string | null): void {
    const index = this.items.length;
    this.items.push(item);
    this.owner.push(owner);
    this.x0.push(b.x0); this.y0.push(b.y0); this.x1.push(b.x1); this.y1.push(b.y1);
    if (b.y1 - b.y0 > TALL) this.tall.push(index);
    this.byTop = undefined;
  }

  private sorted(): Int32Array {
    if (this.byTop) return this.byTop;
    const short: number[] = [];
    for (let i = 0; i < this.items.length; i++) if (this.y1[i] - this.y0[i] <= TALL) short.push(i);
    short.sort((a, b) => this.y0[a] - this.y0[b]);
    this.byTop = Int32Array.from(short);
    this.tops = Float64Array.from(short, (i) => this.y0[i]);
    return this.byTop;
  }

  /** Indexes of the items meeting a window, in drawing order. */
  query(w: Bounds): number[] {
    const order = this.sorted();
    const found: number[] = [];
    const meets = (i: number): boolean => this.x1[i] >= w.x0 && this.x0[i] <= w.x1 && this.y1[i] >= w.y0 && this.y0[i] <= w.y1;
    // First short item whose top could reach the window: tops at or after window top − TALL.
    let lo = 0;
    let hi = order.length;
    const from = w.y0 - TALL;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tops[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    for (let n = lo; n < order.length && this.tops[n] <= w.y1; n++) if (meets(order[n])) found.push(order[n]);
    for (const i of this.tall) if (meets(i)) found.push(i);
    return found.sort((a, b) => a - b);
  }
}

interface PlacedGroup { item: VisibleGroup; rect: Rect; depth: number }
interface PlacedEdge { edge: VisibleEdge; points: Point[]; labelled: boolean }
interface PlacedBox { box: VisibleBox; rect: Rect }

function boundsOfPoints(points: Point[]): Bounds {
  let x0 = Infinity; let y0 = Infinity; let x1 = -Infinity; let y1 = -Infinity;
  for (const p of points) { x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y); x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y); }
  // Room for the shape label written right of the edge's start.
  return { x0: x0 - 4, y0: y0 - 4, x1: x1 + 90, y1: y1 + 18 };
}

/** The part of a rect inside a window (with a margin, so the cut borders stay out of sight). */
function clip(r: Rect, window: Bounds): Rect {
  const x0 = Math.max(r.x, window.x0 - 20);
  const y0 = Math.max(r.y, window.y0 - 20);
  const x1 = Math.min(r.x + r.width, window.x1 + 20);
  const y1 = Math.min(r.y + r.height, window.y1 + 20);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

const rectBounds = (r: Rect): Bounds => ({ x0: r.x, y0: r.y, x1: r.x + r.width, y1: r.y + r.height });

export class Scene {
  private groups = new Layer<PlacedGroup>();
  private edges = new Layer<PlacedEdge>();
  private boxes = new Layer<PlacedBox>();
  private groupRect = new Map<string, Rect>();
  private groupParent = new Map<string, string | null>();
  private virtual = false;
  private rendered: { window: Bounds; detail: Detail; k: number } | undefined;
  private elements = new Map<string, Element>();
  private readonly marks = new Map<string, Set<string>>();
  private total = { nodes: 0, collapsed: 0, groups: 0, dataEdges: 0, shortcutEdges: 0 };
  /** Told after the DOM was rebuilt (a new window), so per-element decorations such as heat can be put back. */
  onRender: (() => void) | undefined;

  constructor(private readonly drawing: SVGGElement, private readonly viewport: Viewport) {
    viewport.listen(() => this.update());
  }

  get isVirtual(): boolean {
    return this.virtual;
  }

  /** A new layout: indexes its items and draws what the current view needs. */
  show(visible: VisibleGraph, layout: LayoutResult, index: GraphIndex, options: PaintOptions): void {
    this.groups = new Layer();
    this.edges = new Layer();
    this.boxes = new Layer();
    this.groupRect = new Map();
    this.groupParent = new Map();
    const boxParent = new Map<string, string | null>();
    for (const item of groupsInDrawingOrder(visible, index)) {
      const rect = layout.groups.get(item.id);
      if (!rect) continue;
      this.groupRect.set(item.id, rect);
      this.groupParent.set(item.id, item.parent);
      this.groups.add({ item, rect, depth: index.depth.get(item.id) ?? 0 }, rectBounds(rect), item.parent);
    }
    let collapsed = 0;
    for (const box of visible.boxes) {
      boxParent.set(box.id, box.parent);
      const rect = layout.boxes.get(box.id);
      if (!rect) continue;
      if (box.kind === 'collapsed') collapsed++;
      this.boxes.add({ box, rect }, rectBounds(rect), box.parent);
    }
    const routes = edgeRoutes(visible, layout);
    const ordered = edgesInDrawingOrder(visible);
    const labelled = labelledEdges(ordered, options);
    let shortcutEdges = 0;
    for (const edge of ordered) {
      const points = routes.get(edge.id);
      if (!points) continue;
      if (edge.kind === 'shortcut') shortcutEdges++;
      const from = boxParent.get(edge.from) ?? null;
      const to = boxParent.get(edge.to) ?? null;
      // A shortcut belongs to the block of its addition (hidden with it); other edges to the group both ends share.
      this.edges.add({ edge, points, labelled: labelled.has(edge.id) }, boundsOfPoints(points), edge.kind === 'shortcut' || from === to ? to : null);
    }
    const drawnBoxes = this.boxes.items.length;
    this.total = { nodes: drawnBoxes - collapsed, collapsed, groups: this.groups.items.length + collapsed,
      dataEdges: this.edges.items.length - shortcutEdges, shortcutEdges };
    this.virtual = drawnBoxes + this.groups.items.length + this.edges.items.length > FULL_DOM_LIMIT;
    this.rendered = undefined;
    this.update(true);
  }

  /** Redraws when the view left the drawn window or the zoom asks for another level of detail. */
  update(force = false): void {
    if (!this.virtual) {
      if (force || !this.rendered) this.render({ x0: -Infinity, y0: -Infinity, x1: Infinity, y1: Infinity }, 'full', 1);
      return;
    }
    const { x, y, k } = this.viewport.transform;
    const { width, height } = this.viewport.size;
    const view = { x0: -x / k, y0: -y / k, x1: (width - x) / k, y1: (height - y) / k };
    const detail = detailFor(k);
    const r = this.rendered;
    const inside = r && view.x0 >= r.window.x0 && view.y0 >= r.window.y0 && view.x1 <= r.window.x1 && view.y1 <= r.window.y1;
    // Solid blocks depend on the exact zoom: redraw when it moved by more than a fifth.
    if (!force && r && inside && r.detail === detail && Math.abs(Math.log(k / r.k)) < 0.2) return;
    const mx = (view.x1 - view.x0) * 0.75;
    const my = (view.y1 - view.y0) * 0.75;
    this.render({ x0: view.x0 - mx, y0: view.y0 - my, x1: view.x1 + mx, y1: view.y1 + my }, detail, k);
  }

  /** The zoom below which a group is drawn solid, or its content hidden because an enclosing group is solid. */
  private solidBelow(groupId: string | null, cache: Map<string, number>): number {
    if (groupId === null) return 0;
    const known = cache.get(groupId);
    if (known !== undefined) return known;
    const rect = this.groupRect.get(groupId);
    const own = rect ? SOLID_GROUP_PX / Math.max(1, rect.height) : 0;
    const value = Math.max(own, this.solidBelow(this.groupParent.get(groupId) ?? null, cache));
    cache.set(groupId, value);
    return value;
  }

  private render(window: Bounds, detail: Detail, k: number): void {
    const cache = new Map<string, number>();
    // Content of a solid group is left out (only when drawing a window: a full drawing keeps every element).
    const hidden = (owner: string | null): boolean => this.virtual && k < this.solidBelow(owner, cache);
    const groups: string[] = [];
    const titles: string[] = [];
    for (const i of this.groups.query(window)) {
      if (hidden(this.groups.owner[i])) continue;
      const { item, rect, depth } = this.groups.items[i];
      const solid = this.virtual && k < SOLID_GROUP_PX / Math.max(1, rect.height);
      const painted = paintGroup(item, rect, depth, detail, solid, this.virtual ? clip(rect, window) : rect);
      groups.push(painted.group);
      titles.push(painted.title);
    }
    const edges: string[] = [];
    const labels: string[] = [];
    for (const i of this.edges.query(window)) {
      if (hidden(this.edges.owner[i])) continue;
      const { edge, points, labelled } = this.edges.items[i];
      const painted = paintEdge(edge, points, labelled, detail);
      edges.push(painted.edge);
      labels.push(painted.label);
    }
    const boxes: string[] = [];
    for (const i of this.boxes.query(window)) {
      if (hidden(this.boxes.owner[i])) continue;
      const { box, rect } = this.boxes.items[i];
      boxes.push(paintBox(box, rect, detail));
    }
    this.drawing.innerHTML = layers(groups.join(''), edges.join(''), titles.join('') + labels.join(''), boxes.join(''));
    this.drawing.dataset.detail = detail;
    this.rendered = { window, detail, k };
    this.elements = new Map();
    for (const element of this.drawing.querySelectorAll('[data-id]')) {
      const id = element.getAttribute('data-id')!;
      if (!this.elements.has(id)) this.elements.set(id, element);
    }
    for (const [cls, ids] of this.marks) for (const id of ids) this.elements.get(id)?.classList.add(cls);
    this.onRender?.();
  }

  /** Draws everything at full detail (for an export), runs `use`, then goes back to the window. */
  withEverything<T>(use: () => T): T {
    if (!this.virtual) return use();
    this.virtual = false;
    this.render({ x0: -Infinity, y0: -Infinity, x1: Infinity, y1: Infinity }, 'full', 1);
    try {
      return use();
    } finally {
      this.virtual = true;
      this.update(true);
    }
  }

  /** Puts a class on the drawn elements of these ids, now and whenever they are drawn again (search matches, selection). */
  mark(cls: string, ids: Iterable<string>): void {
    for (const id of this.marks.get(cls) ?? []) this.elements.get(id)?.classList.remove(cls);
    const set = new Set(ids);
    this.marks.set(cls, set);
    for (const id of set) this.elements.get(id)?.classList.add(cls);
  }

  /** The element drawn for an id, if it is in the DOM now. */
  element(id: string): Element | undefined {
    return this.elements.get(id);
  }

  counts(): SceneCounts {
    const q = (selector: string): number => this.drawing.querySelectorAll(selector).length;
    return { ...this.total, virtualised: this.virtual, drawn: { nodes: q('[data-node]'), collapsed: q('[data-collapsed]'), groups: q('[data-group]'),
      dataEdges: q('[data-edge-kind="data"]'), shortcutEdges: q('[data-edge-kind="shortcut"]') } };
  }

  clear(): void {
    this.drawing.innerHTML = '';
    this.groups = new Layer();
    this.edges = new Layer();
    this.boxes = new Layer();
    this.elements = new Map();
    this.virtual = false;
    this.rendered = undefined;
    this.total = { nodes: 0, collapsed: 0, groups: 0, dataEdges: 0, shortcutEdges: 0 };
  }
}
