// The view controller: holds the graph and collapse state, runs layout and painting, and answers user and host actions.
import type { Diagnostic, LayerGraph, SourceRange } from '../src/core/graph/ir';
import type { ViewOptions, WebviewToHost } from '../src/protocol';
import { GraphIndex } from './graph-index';
import { LayoutEngine, type LayoutResult, type Rect } from './layout';
import { markerDefs } from './render';
import { Scene, type SceneCounts } from './scene';
import { Viewport, type ViewTransform } from './viewport';
import { buildVisibleGraph, countNodesPerGroup, countVisibleBoxes, initialExpanded, type VisibleGraph } from './visible';
import { Search } from './search';
import { applyHeat } from './heat';
import { Toolbar } from './ui/toolbar';
import { DiagnosticsPanel } from './ui/diagnostics';
import { Tooltip } from './ui/tooltip';
import { wireKeys, wirePointer } from './ui/input';
import { createLegend } from './ui/legend';
import { download, exportSvg, svgToPng } from './export';
import { RunPanelSlot } from './run-loader';
import { graphKeyOf, readSavedView, ViewPersistence, type SavedView, type StateStore } from './persist';

/** Most boxes drawn at first paint; deeper modules start collapsed beyond it so big models open fast. */
const FIRST_PAINT_BOX_BUDGET = 400;
const SVG_NS = 'http://www.w3.org/2000/svg';
/** Layouts kept per graph, by collapse state, so toggling back and forth needs no new layout. */
const LAYOUT_CACHE_SIZE = 8;

export type Post = (message: WebviewToHost) => void;

interface Anchor { key: string; screen: { x: number; y: number } }

export class App {
  private graph: LayerGraph | undefined;
  private index: GraphIndex | undefined;
  private options: ViewOptions | undefined;
  private nodeCounts = new Map<string, number>();
  private expanded = new Set<string>();
  private visible: VisibleGraph | undefined;
  private layoutResult: LayoutResult | undefined;
  private layoutCache = new Map<string, { visible: VisibleGraph; layout: LayoutResult }>();
  private readonly engine = new LayoutEngine();
  private readonly svg: SVGSVGElement;
  private readonly drawing: SVGGElement;
  private readonly viewport: Viewport;
  private readonly scene: Scene;
  private readonly toolbar: Toolbar;
  private readonly problems: DiagnosticsPanel;
  private readonly tooltip = new Tooltip();
  private readonly overlay: HTMLElement;
  private readonly runHost: HTMLElement;
  private readonly search: Search;
  private readonly runPanel: RunPanelSlot;
  private readonly store: StateStore | undefined;
  private heat: Map<string, number> | null = null;
  private highlighted = new Set<string>();
  private selected: string | undefined;
  private busyTimer: number | undefined;
  /** Timing of the last completed paint, read by the bench. */
  lastPaint = { layoutMs: 0, totalMs: 0, boxes: 0, edges: 0, engine: 'chain' as 'chain' | 'elk' };

  private readonly persistence: ViewPersistence;

  constructor(root: HTMLElement, private readonly post: Post, private readonly standalone: boolean, store?: StateStore) {
    this.persistence = new ViewPersistence(store, () => this.currentView());
    this.store = store;
    this.toolbar = new Toolbar({
      fit: () => this.fit(),
      zoom: (factor) => this.viewport.zoomBy(factor),
      expandAll: () => this.expandAll(),
      collapseAll: () => this.collapseAll(),
      search: (query) => this.search.setQuery(query),
      searchNext: (backwards) => this.search.next(backwards),
      exportAs: (format) => void this.exportAs(format),
      run: () => this.run(),
      selectModel: (model) => this.post({ type: 'selectModel', model }),
      setInput: (input) => this.post({ type: 'setInput', input }),
      toggleDiagnostics: () => this.problems.toggle(),
    });
    this.problems = new DiagnosticsPanel((diagnostic) => this.pickDiagnostic(diagnostic));
    const stage = document.createElement('main');
    stage.className = 'nl-stage';
    this.svg = document.createElementNS(SVG_NS, 'svg');
    this.svg.classList.add('nl-canvas');
    this.svg.setAttribute('role', 'img');
    this.svg.innerHTML = `${markerDefs()}<g class="viewport" data-viewport="true"></g>`;
    this.drawing = this.svg.querySelector('g.viewport')!;
    this.overlay = document.createElement('div');
    this.overlay.className = 'nl-overlay';
    this.runHost = document.createElement('section');
    this.runHost.className = 'nl-run';
    this.runHost.hidden = true;
    this.runPanel = new RunPanelSlot(this.runHost, () => this.graph && {
      graph: this.graph,
      hooks: {
        setNodeHeat: (heat) => this.setNodeHeat(heat),
        focusNode: (nodeId) => void this.focusNode(nodeId),
        memoryBudgetMiB: this.options?.runMemoryBudgetMiB,
        onFinished: (summary) => this.post({ type: 'runFinished', ...summary }),
      },
    });
    stage.append(this.svg, this.overlay, createLegend());
    root.append(this.toolbar.element, stage, this.problems.element, this.runHost, this.tooltip.element);
    this.viewport = new Viewport(this.svg, this.drawing);
    this.scene = new Scene(this.drawing, this.viewport);
    this.scene.onRender = () => { if (this.heat) applyHeat(this.drawing, this.heat, (id) => this.visible?.representative.get(id)); };
    this.viewport.onChange = () => this.persistence.saveSoon();
    this.search = new Search({
      index: () => this.index,
      visibleIds: () => new Set(this.visible?.boxes.map((box) => box.id) ?? []),
      representative: (id) => this.visible?.representative.get(id),
      mark: (ids) => this.markMatches(ids),
      focus: (nodeId) => void this.focusNode(nodeId),
      status: (text) => this.toolbar.setSearchStatus(text),
    });
    const input = {
      svg: this.svg, viewport: this.viewport, tooltip: this.tooltip,
      index: () => this.index,
      toggleGroup: (id: string) => void this.toggleGroup(id),
      select: (id: string | undefined) => this.select(id),
      post: (message: WebviewToHost) => this.post(message),
      fit: () => this.fit(),
      focusSearch: () => this.toolbar.focusSearch(),
    };
    wirePointer(input);
    wireKeys(input);
    this.showMessage('Waiting for the model…');
    if (!standalone) this.engine.warmUp();
  }

  /** Shows an unrecoverable problem instead of a drawing. */
  showFatal(text: string): void {
    this.showMessage(text, true);
    document.body.dataset.ready = 'true';
  }

  /** A new or updated analysis from the host (or the standalone page). */
  async setGraph(graph: LayerGraph, options: ViewOptions, reason: 'open' | 'edit'): Promise<void> {
    const previous = this.graph && this.index ? { index: this.index, expanded: this.expanded } : undefined;
    const anchor = reason === 'edit' ? this.anchorAtCentre() : undefined;
    let saved: SavedView | undefined;
    this.graph = graph;
    this.options = options;
    this.index = new GraphIndex(graph);
    this.layoutCache.clear();
    this.nodeCounts = countNodesPerGroup(this.index);
    this.toolbar.show(graph);
    this.problems.show(graph);
    this.runPanel.dispose();
    this.heat = null;
    if (reason === 'edit' && previous) {
      const expandedPaths = new Set([...previous.expanded].map((id) => previous.index.groupById.get(id)?.path));
      const known = new Set(previous.index.graph.groups.map((g) => g.path));
      const fresh = initialExpanded(this.index, options.collapseDepth);
      this.expanded = new Set(graph.groups.filter((g) => (known.has(g.path) ? expandedPaths.has(g.path) : fresh.has(g.id))).map((g) => g.id));
    } else {
      // A page VS Code re-created after hiding it reopens the same graph as the user left it.
      saved = readSavedView(this.store, graphKeyOf(graph));
      this.expanded = saved ? this.idsOfPaths(saved.expanded) : this.firstPaintExpansion(options);
    }
    if (graph.nodes.length === 0) {
      this.scene.clear();
      this.layoutResult = undefined;
      this.visible = undefined;
      const reasons = graph.diagnostics.map((d) => d.message).slice(0, 3).join(' · ');
      this.showMessage(`No layers to draw${reasons ? `: ${reasons}` : '.'}`, graph.diagnostics.some((d) => d.severity === 'error'));
      this.toolbar.setEmpty(true);
      document.body.dataset.ready = 'true';
      return;
    }
    this.toolbar.setEmpty(false);
    const view = saved?.transform ?? (reason === 'open' ? 'initial' : 'keep');
    await this.relayout(anchor, view);
    this.search.refresh();
  }

  private idsOfPaths(paths: string[]): Set<string> {
    const ids = new Set<string>();
    for (const path of paths) {
      const group = this.index?.groupByPath.get(path);
      if (group) ids.add(group.id);
    }
    return ids;
  }

  /** The view to keep across a reload of the page. */
  private currentView(): SavedView | undefined {
    if (!this.graph || !this.index) return undefined;
    const expanded: string[] = [];
    for (const id of this.expanded) {
      const path = this.index.groupById.get(id)?.path;
      if (path !== undefined) expanded.push(path);
    }
    return { graphKey: graphKeyOf(this.graph), expanded, transform: { ...this.viewport.transform } };
  }

  private firstPaintExpansion(options: ViewOptions): Set<string> {
    const index = this.index!;
    if (options.collapseDepth === 'all') return initialExpanded(index, 'all');
    for (let depth = options.collapseDepth; depth >= 0; depth--) {
      const expanded = initialExpanded(index, depth);
      if (depth === 0 || countVisibleBoxes(index, expanded) <= FIRST_PAINT_BOX_BUDGET) return expanded;
    }
    return new Set();
  }

  /** Lays out the current collapse state and paints it; the old drawing stays usable meanwhile. */
  private async relayout(anchor?: Anchor, view: 'initial' | 'keep' | ViewTransform = 'keep'): Promise<boolean> {
    if (!this.index || !this.options) return false;
    const started = performance.now();
    document.body.dataset.ready = 'false';
    const cacheKey = [...this.expanded].sort().join(',');
    const cached = this.layoutCache.get(cacheKey);
    const visible = cached?.visible ?? buildVisibleGraph(this.index, this.expanded, this.options, this.nodeCounts);
    this.setBusy(true, visible.boxes.length);
    let layout: LayoutResult | undefined;
    try {
      performance.mark('netlens-layout-start');
      layout = cached?.layout ?? (await this.engine.layout(visible));
      performance.mark('netlens-layout-end');
      if (cached) {
        this.engine.cancel();
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
    } catch (error) {
      this.setBusy(false);
      this.showMessage(`Layout failed: ${error instanceof Error ? error.message : String(error)}`, true);
      this.post({ type: 'log', level: 'error', message: `layout failed: ${String(error)}` });
      document.body.dataset.ready = 'true';
      return false;
    }
    if (!layout) return false;
    this.layoutCache.delete(cacheKey);
    this.layoutCache.set(cacheKey, { visible, layout });
    if (this.layoutCache.size > LAYOUT_CACHE_SIZE) this.layoutCache.delete(this.layoutCache.keys().next().value!);
    this.visible = visible;
    this.layoutResult = layout;
    this.scene.show(visible, layout, this.index, { showShapes: this.options.showShapes });
    this.showMessage('');
    if (view === 'initial') {
      const first = visible.boxes.length ? layout.boxes.get(visible.boxes[0].id) : undefined;
      this.viewport.initial(layout, first ? first.x + first.width / 2 : undefined);
      this.revealFirstError(visible, layout);
    }
    else if (typeof view === 'object') this.viewport.set(view);
    else if (anchor) this.restoreAnchor(anchor);
    this.reapplyMarks();
    this.setBusy(false);
    this.lastPaint = { layoutMs: layout.layoutMs, totalMs: performance.now() - started, boxes: visible.boxes.length, edges: visible.edges.length,
      engine: layout.engine };
    document.body.dataset.ready = 'true';
    performance.mark('netlens-ready', { detail: this.lastPaint });
    this.persistence.saveNow();
    return true;
  }

  /** A broken model opens with its first error on screen: scrolled down to it when it lies below the fold. */
  private revealFirstError(visible: VisibleGraph, layout: LayoutResult): void {
    const box = visible.boxes.find((item) => item.error);
    const rect = box && layout.boxes.get(box.id);
    if (!rect) return;
    const { height } = this.viewport.size;
    const top = this.viewport.toScreen({ x: rect.x, y: rect.y }).y;
    const bottom = this.viewport.toScreen({ x: rect.x, y: rect.y + rect.height }).y;
    if (top >= 0 && bottom <= height - 24) return;
    this.viewport.set({ ...this.viewport.transform, y: this.viewport.transform.y + height * 0.4 - top });
  }

  private setBusy(busy: boolean, boxes = 0): void {
    window.clearTimeout(this.busyTimer);
    this.toolbar.setBusy(busy);
    document.body.classList.toggle('nl-busy', busy);
    if (busy) this.busyTimer = window.setTimeout(() => this.showMessage(`Laying out ${boxes.toLocaleString('en-US')} boxes…`, false, true), 120);
    else this.overlay.classList.remove('progress');
  }

  private showMessage(text: string, isError = false, progress = false): void {
    this.overlay.textContent = text;
    this.overlay.hidden = !text;
    this.overlay.classList.toggle('error', isError);
    this.overlay.classList.toggle('progress', progress);
  }

  // ---- anchors keep the view steady across re-layouts -------------------------------------------------------------

  private keyOf(id: string): string | undefined {
    const node = this.index?.nodeById.get(id);
    if (node) return `n:${node.path}:${node.op}`;
    const group = this.index?.groupById.get(id);
    return group ? `g:${group.path}` : undefined;
  }

  private rectOfKey(key: string): Rect | undefined {
    if (!this.index || !this.layoutResult) return undefined;
    if (key.startsWith('g:')) {
      const group = this.index.groupByPath.get(key.slice(2));
      return group ? this.layoutResult.groups.get(group.id) ?? this.layoutResult.boxes.get(group.id) : undefined;
    }
    for (const [id, rect] of this.layoutResult.boxes) if (this.keyOf(id) === key) return rect;
    return undefined;
  }

  private anchorAtCentre(): Anchor | undefined {
    if (!this.layoutResult) return undefined;
    const { width, height } = this.viewport.size;
    let best: Anchor | undefined;
    let bestDistance = Infinity;
    for (const [id, rect] of this.layoutResult.boxes) {
      const screen = this.viewport.toScreen({ x: rect.x, y: rect.y });
      const distance = Math.hypot(screen.x - width / 2, screen.y - height / 2);
      const key = this.keyOf(id);
      if (key && distance < bestDistance) { bestDistance = distance; best = { key, screen }; }
    }
    return best;
  }

  private anchorOn(id: string): Anchor | undefined {
    const rect = this.layoutResult?.groups.get(id) ?? this.layoutResult?.boxes.get(id);
    const key = this.keyOf(id);
    return rect && key ? { key, screen: this.viewport.toScreen({ x: rect.x, y: rect.y }) } : undefined;
  }

  private restoreAnchor(anchor: Anchor): void {
    const rect = this.rectOfKey(anchor.key);
    if (rect) this.viewport.pin({ x: rect.x, y: rect.y }, anchor.screen);
  }

  // ---- collapse state ---------------------------------------------------------------------------------------------

  async toggleGroup(id: string): Promise<void> {
    const anchor = this.anchorOn(id);
    if (this.expanded.has(id)) this.expanded.delete(id);
    else this.expanded.add(id);
    await this.relayout(anchor);
  }

  async expandAll(): Promise<void> {
    if (!this.index) return;
    const anchor = this.anchorAtCentre();
    this.expanded = new Set(this.index.graph.groups.map((g) => g.id));
    await this.relayout(anchor);
  }

  async collapseAll(): Promise<void> {
    if (!this.index) return;
    this.expanded = initialExpanded(this.index, 0);
    if (await this.relayout()) this.fit();
  }

  fit(): void {
    if (this.layoutResult) this.viewport.fit(this.layoutResult);
  }

  /** Expands every collapsed ancestor of a node, then centres and flashes it. */
  async focusNode(nodeId: string): Promise<void> {
    const index = this.index;
    if (!index) return;
    const chain = index.ancestors.get(nodeId) ?? [];
    const missing = chain.filter((g) => !this.expanded.has(g.id));
    if (missing.length) {
      for (const group of missing) this.expanded.add(group.id);
      if (!(await this.relayout(this.anchorAtCentre()))) return;
    }
    const rect = this.layoutResult?.boxes.get(nodeId) ?? this.layoutResult?.groups.get(nodeId);
    if (!rect) return;
    this.viewport.centerOn(rect);
    this.select(nodeId);
  }

  private select(id: string | undefined): void {
    this.selected = id;
    this.scene.mark('selected', id ? [id] : []);
  }

  /** What the view shows, counted by its DOM contract's selectors (also for items a big graph keeps out of the DOM). */
  counts(): SceneCounts {
    return this.scene.counts();
  }

  // ---- marks: search matches, editor-line highlight, heat ----------------------------------------------------------

  private markMatches(ids: Set<string>): void {
    this.scene.mark('match', ids);
  }

  private reapplyMarks(): void {
    this.search.refresh();
    this.scene.mark('highlight', [...this.highlighted].map((id) => this.visible?.representative.get(id) ?? id));
    if (this.selected) this.select(this.selected);
    if (this.heat) applyHeat(this.drawing, this.heat, (id) => this.visible?.representative.get(id));
  }

  /** The editor cursor is on `line`: highlight the layers defined or called there and bring the first into view. */
  async highlightLine(line: number): Promise<void> {
    const index = this.index;
    if (!index) return;
    const covers = (range: SourceRange | undefined): boolean => !!range && range.file === undefined && range.line <= line && line <= range.endLine;
    const hits = index.graph.nodes.filter((node) => covers(node.callRange) || covers(node.defRange)).map((node) => node.id);
    this.highlighted = new Set(hits);
    this.scene.mark('highlight', []);
    if (hits.length === 0) return;
    await this.focusNode(hits[0]);
    this.scene.mark('highlight', hits.map((id) => this.visible?.representative.get(id) ?? id));
  }

  setNodeHeat(heat: Map<string, number> | null): void {
    this.heat = heat;
    applyHeat(this.drawing, heat, (id) => this.visible?.representative.get(id));
  }

  private pickDiagnostic(diagnostic: Diagnostic): void {
    const target = diagnostic.nodeId ?? diagnostic.groupId;
    if (target) void this.focusNode(target);
    this.post({ type: 'reveal', range: diagnostic.range });
  }

  // ---- export and run ---------------------------------------------------------------------------------------------

  private async exportAs(format: 'svg' | 'png'): Promise<void> {
    if (!this.layoutResult || !this.graph) return;
    const background = getComputedStyle(document.body).backgroundColor || '#ffffff';
    const layout = this.layoutResult;
    const svgText = this.scene.withEverything(() => exportSvg(this.svg, layout, background));
    const base = (this.graph.model ?? 'model').replace(/[^\w.-]+/g, '_').replace(/_+$/, '') || 'model';
    const data = format === 'svg' ? svgText : await svgToPng(svgText, this.layoutResult);
    if (this.standalone) download(`${base}.${format}`, data, format === 'svg' ? 'image/svg+xml' : 'image/png');
    else this.post({ type: 'export', format, data });
  }

  run(): void {
    if (this.graph) this.runPanel.run();
  }
}
