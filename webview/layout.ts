// Lays out the visible graph with elkjs (layered, top to bottom) in a Web Worker so input never waits on it.
import ELK from 'elkjs/lib/elk-api.js';
import type { ElkNode } from 'elkjs/lib/elk-api';
import elkWorkerSource from 'elkjs/lib/elk-worker.min.js' with { type: 'text' };
import type { VisibleGraph } from './visible';
import { ROOT_OPTIONS, toElkGraph } from './elk-graph';

export { GROUP_PADDING, RESIDUAL_LANE_WIDTH } from './elk-graph';

export interface Rect { x: number; y: number; width: number; height: number }
export interface Point { x: number; y: number }

export interface LayoutResult {
  boxes: Map<string, Rect>;
  groups: Map<string, Rect>;
  /** Polyline of each routed edge (identity-shortcut lanes are routed later, by the painter). */
  edges: Map<string, Point[]>;
  width: number;
  height: number;
  layoutMs: number;
}

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
  return { boxes, groups, edges, width: laid.width ?? 0, height: laid.height ?? 0, layoutMs };
}

type ElkInstance = InstanceType<typeof ELK>;

/** Owns the layout worker; a newer request supersedes (and aborts) an older one still running. */
export class LayoutEngine {
  private elk: ElkInstance | undefined;
  private workerUrl: string | undefined;
  private inFlight = 0;
  private generation = 0;
  private workerFailure: ((reason: Error) => void) | undefined;

  constructor() {
    this.elk = this.createElk();
  }

  private createElk(): ElkInstance {
    this.workerUrl ??= URL.createObjectURL(new Blob([elkWorkerSource], { type: 'text/javascript' }));
    const url = this.workerUrl;
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
    if (this.inFlight !== 0 && this.elk) {
      this.elk.terminateWorker();
      this.elk = undefined;
    }
    this.elk ??= this.createElk();
    const elk = this.elk;
    const groupIds = new Set(visible.groups.map((group) => group.id));
    const started = performance.now();
    this.inFlight = generation;
    const failed = new Promise<never>((_, reject) => { this.workerFailure = reject; });
    try {
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

  /** Runs a tiny layout so the worker has compiled ELK before the first real graph arrives. */
  warmUp(): void {
    const tiny: ElkNode = {
      id: 'w', layoutOptions: ROOT_OPTIONS,
      children: [{ id: 'a', width: 10, height: 10 }, { id: 'g', children: [{ id: 'b', width: 10, height: 10 }] }],
      edges: [{ id: 'e', sources: ['a'], targets: ['b'] }],
    };
    this.elk?.layout(tiny).catch(() => undefined);
  }
}
