// Messages between the extension host and the webview, shared by both sides, with a validator for what the host receives.
import type { LayerGraph, SourceRange } from './core/graph/ir';

/** What nodes show; from the `netlens.nodeDetails` setting. */
export interface ViewOptions {
  /** Module depth expanded at first paint (0 = only top-level modules), or 'all'. */
  collapseDepth: number | 'all';
  showShapes: boolean;
  showParams: boolean;
  showMacs: boolean;
  /** Memory budget for the forward pass in MiB. */
  runMemoryBudgetMiB: number;
}

export type HostToWebview =
  /** A new or updated analysis. `reason: 'edit'` keeps the viewport and the collapse state. */
  | { type: 'graph'; graph: LayerGraph; options: ViewOptions; reason: 'open' | 'edit' }
  /** The editor cursor moved to this 1-based line: highlight nodes defined or called there. */
  | { type: 'highlight'; line: number }
  /** Toolbar commands triggered from the host (command palette). */
  | { type: 'command'; command: 'expandAll' | 'collapseAll' | 'fit' | 'run' };

export type WebviewToHost =
  /** The webview has loaded its script and is listening. */
  | { type: 'ready' }
  /** The user clicked a node or group: reveal this range in the editor. */
  | { type: 'reveal'; range: SourceRange }
  /** The user picked another model candidate (a Python call expression). */
  | { type: 'selectModel'; model: string }
  /** The user typed another input shape. */
  | { type: 'setInput'; input: number[] }
  /** The user asked to save an export; `data` is SVG text or a PNG data URL. */
  | { type: 'export'; format: 'svg' | 'png'; data: string }
  /** A forward pass finished: shown in the status bar. */
  | { type: 'runFinished'; backend: string; totalMs: number; mismatches: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

const MAX_EXPORT_BYTES = 64 * 1024 * 1024;

function isInt(value: unknown, min = -Infinity, max = Infinity): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function isRange(value: unknown): value is SourceRange {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const file = r.file === undefined || (typeof r.file === 'string' && r.file.length > 0 && r.file.length <= 4096);
  return file && isInt(r.line, 1) && isInt(r.column, 1) && isInt(r.endLine, 1) && isInt(r.endColumn, 1);
}

/** Validates an untrusted message from the webview; returns undefined for anything malformed. */
export function parseWebviewMessage(message: unknown): WebviewToHost | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'reveal':
      return isRange(m.range) ? { type: 'reveal', range: m.range } : undefined;
    case 'selectModel':
      return typeof m.model === 'string' && m.model.length > 0 && m.model.length <= 1000
        ? { type: 'selectModel', model: m.model }
        : undefined;
    case 'setInput':
      return Array.isArray(m.input) && m.input.length >= 1 && m.input.length <= 6 && m.input.every((d) => isInt(d, 1, 1 << 20))
        ? { type: 'setInput', input: m.input as number[] }
        : undefined;
    case 'export':
      return (m.format === 'svg' || m.format === 'png') && typeof m.data === 'string' && m.data.length <= MAX_EXPORT_BYTES
        ? { type: 'export', format: m.format, data: m.data }
        : undefined;
    case 'runFinished':
      return typeof m.backend === 'string' && m.backend.length < 32 && typeof m.totalMs === 'number' && Number.isFinite(m.totalMs) && isInt(m.mismatches, 0)
        ? { type: 'runFinished', backend: m.backend, totalMs: m.totalMs, mismatches: m.mismatches }
        : undefined;
    case 'log':
      return (m.level === 'info' || m.level === 'warn' || m.level === 'error') && typeof m.message === 'string'
        ? { type: 'log', level: m.level, message: m.message.slice(0, 2000) }
        : undefined;
    default:
      return undefined;
  }
}
