// Lays out the visible graph: chains at once, big branching graphs level by level, others with elkjs (layered, top to bottom),
// always in a Web Worker so input never waits on elkjs.
// The worker's source (elk-worker.js, 1.6 MB) is not in the main bundle: it is read on first need and started from a blob: URL.
import ELK from 'elkjs/lib/elk-api.js';
import type { ElkNode } from 'elkjs/lib/elk-api';
import type { VisibleGraph } from './visible';
import { ROOT_OPTIONS, toElkGraph } from './elk-graph';
import { chainLayout } from './chain-layout';
import { loadAssetText } from './lazy';
import { levelLayout, type LevelCache } from './level-layout';

/** From this many boxes a branching graph is laid out level by level (one elkjs layout of it all would take seconds to minutes). */
export const LEVEL_LAYOUT_FROM = 1500;

export { GROUP_PADDING, RESIDUAL_LANE_WIDTH } from './elk-graph';
export type { LayoutResult, Point, Rect } from './geometry';
import type { LayoutResult, Point, Rect } from './geometry';

function readResult(laid: ElkNode, layoutMs: number, groupIds: Set<string>): LayoutResult {
  const boxes = new Map<string, Rect>();
  const groups = new Map<string, Rect>();
  const edges = new Map<string, Point[]>();
  const visit = (node: ElkNode): void => {
    for (const child of node.children ?? []) {
      const rect = { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 };
      (groupIds.has(child.id) ? groups : boxes).set(child.id, rect);
      visit(child);
    }
    for (const edge of node.edges ?? []) {
      const section = edge.sections?.[0];
      if (!section) continue;
      edges.set(edge.id, [section.startPoint, ...(section.bendPoints ?? []), section.endPoint]);
    }
  };
  visit(laid);
  return { boxes, groups, edges, width: laid.width ?? 0, height: laid.height ?? 0, layoutMs, engine: 'elk' };
}

type ElkInstance = InstanceType<typeof ELK>;

/** Owns the layout worker; a newer request supersedes (and aborts) an older one still running. */
export class LayoutEngine {
  /** Created on first need (or warm-up), so the worker never competes with the first paint for the CPU. */
  private elk: ElkInstance | undefined;
  private workerUrl: Promise<string> | undefined;
  private inFlight = 0;
  private generation = 0;
  private workerFailure: ((reason: Error) => void) | undefined;
  private warmed = false;
  /** Flat elkjs layouts of module levels by their shape: identical blocks and re-layouts reuse them. */
  private readonly levelCache: LevelCache = new Map();

  /** blob: URL of the worker script, loaded once (a failed load is retried on the next layout). */
  private workerScriptUrl(): Promise<string> {
    this.workerUrl ??= loadAssetText('elk-worker.js').then(
      (source) => URL.createObjectURL(new Blob([source], { type: 'text/javascript' })),
      (error: unknown) => {
        this.workerUrl = undefined;
        throw new Error(`The layout worker could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    return this.workerUrl;
  }

  private createElk(url: string): ElkInstance {
    return new ELK({
      workerFactory: () => {
        const worker = new Worker(url, { name: 'netlens-layout' });
        worker.addEventListener('error', (event) => {
          event.preventDefault();
          this.workerFailure?.(new Error(`The layout worker failed: ${event.message || 'it could not start (the page must allow worker-src blob:)'}`));
        });
        return worker;
      },
    });
  }

  /** Lays out; resolves undefined when a newer request superseded this one. */
  async layout(visible: VisibleGraph): Promise<LayoutResult | undefined> {
    const generation = ++this.generation;
    // `#layout=elk` in the page address forces elkjs for every layout (used to measure it).
    const forceElk = location.hash.includes('layout=elk');
    const chain = forceElk ? undefined : chainLayout(visible);
    if (chain) {
      // Warm the worker up meanwhile, so that the first branching layout (an expanded block) is quicker.
      if (!this.warmed) {
        this.warmed = true;
        setTimeout(() => this.warmUp(), 250);
      }
      return chain;
    }
    const url = await this.workerScriptUrl();
    if (generation !== this.generation) return undefined;
    if (this.inFlight !== 0 && this.elk) {
      this.elk.terminateWorker();
      this.elk = undefined;
    }
    this.elk ??= this.createElk(url);
    const elk = this.elk;
    const groupIds = new Set(visible.groups.map((group) => group.id));
    const started = performance.now();
    this.inFlight = generation;
    const failed = new Promise<never>((_, reject) => { this.workerFailure = reject; });
    try {
      if (!forceElk && visible.boxes.length >= LEVEL_LAYOUT_FROM) {
        // Big branching graphs: one level at a time, elkjs only for the small flat levels that are not chains.
        const result = await levelLayout(visible, async (graph) => {
          const laid = await Promise.race([elk.layout(graph), failed]);
          return generation === this.generation ? laid : undefined;
        }, this.levelCache);
        return generation === this.generation ? result : undefined;
      }
      const laid = await Promise.race([elk.layout(toElkGraph(visible)), failed]);
      if (generation !== this.generation) return undefined;
      return readResult(laid, performance.now() - started, groupIds);
    } catch (error) {
      if (generation !== this.generation) return undefined;
      throw error;
    } finally {
      if (this.inFlight === generation) this.inFlight = 0;
    }
  }

  /** Supersedes any running layout (its result will be dropped) without starting a new one. */
  cancel(): void {
    this.generation++;
  }

  /** Runs a small hierarchical layout with branches so the worker has compiled ELK's hot paths before they matter. */
  warmUp(): void {
    this.warmed = true;
    const children: ElkNode[] = [];
    const edges: ElkNode['edges'] = [];
    for (let block = 0; block < 4; block++) {
      const ids = ['a', 'b', 'c', 'd'].map((name) => `w${block}${name}`);
      children.push({ id: `w${block}`, layoutOptions: { 'elk.padding': '[top=30,left=14,bottom=14,right=48]' },
        children: ids.map((id) => ({ id, width: 150, height: 42 })) });
      edges.push({ id: `${ids[0]}1`, sources: [ids[0]], targets: [ids[1]] }, { id: `${ids[0]}2`, sources: [ids[0]], targets: [ids[2]] });
      edges.push({ id: `${ids[1]}3`, sources: [ids[1]], targets: [ids[3]] }, { id: `${ids[2]}3`, sources: [ids[2]], targets: [ids[3]] });
      if (block > 0) edges.push({ id: `link${block}`, sources: [`w${block - 1}d`], targets: [ids[0]] });
    }
    this.workerScriptUrl().then((url) => {
      if (this.inFlight !== 0) return;
      this.elk ??= this.createElk(url);
      return this.elk.layout({ id: 'warm', layoutOptions: ROOT_OPTIONS, children, edges });
    }).catch(() => undefined);
  }

}
