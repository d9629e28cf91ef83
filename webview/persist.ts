// Keeps the user's view of a graph (expanded modules, pan and zoom) across VS Code discarding and re-creating a hidden webview.
import type { ViewTransform } from './viewport';

/** VS Code's webview state API (acquireVsCodeApi().getState/setState); absent in the standalone page. */
export interface StateStore {
  get(): unknown;
  set(state: unknown): void;
}

/** What is kept: which graph it belongs to, the expanded module paths and the viewport. */
export interface SavedView {
  graphKey: string;
  expanded: string[];
  transform?: ViewTransform;
}

/** Quiet time after the last pan/zoom before the viewport is saved. */
const SAVE_DELAY_MS = 250;

function isTransform(value: unknown): value is ViewTransform {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Record<string, unknown>;
  return [t.x, t.y, t.k].every((n) => typeof n === 'number' && Number.isFinite(n)) && (t.k as number) > 0;
}

/** The saved view when it is well formed and belongs to this graph; anything else is ignored. */
export function readSavedView(store: StateStore | undefined, graphKey: string): SavedView | undefined {
  let raw: unknown;
  try {
    raw = store?.get();
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const state = raw as Record<string, unknown>;
  if (state.graphKey !== graphKey || !Array.isArray(state.expanded)) return undefined;
  const expanded = state.expanded.filter((path): path is string => typeof path === 'string');
  return { graphKey, expanded, transform: isTransform(state.transform) ? { ...state.transform } : undefined };
}

/** Writes the view to the store, at once for collapse changes and debounced for pan/zoom. */
export class ViewPersistence {
  private timer: number | undefined;

  constructor(private readonly store: StateStore | undefined, private readonly current: () => SavedView | undefined) {}

  saveNow(): void {
    window.clearTimeout(this.timer);
    this.timer = undefined;
    const view = this.current();
    if (!this.store || !view) return;
    try {
      this.store.set(view);
    } catch {
      // A state the host cannot store only costs the restored view.
    }
  }

  saveSoon(): void {
    if (!this.store || this.timer !== undefined) return;
    this.timer = window.setTimeout(() => this.saveNow(), SAVE_DELAY_MS);
  }
}

/** Identifies a graph across reloads of the page: the same file and model expression. */
export function graphKeyOf(graph: { file: string; model?: string | null }): string {
  return `${graph.file}\u0000${graph.model ?? ''}`;
}
