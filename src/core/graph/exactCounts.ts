// Counts are JavaScript numbers: exact up to 2^53. Past it a parameter or MAC count may be off by rounding, so the
// graph says so (one warning per layer or total concerned) instead of showing a wrong number as if it were exact.
import type { Diagnostic, LayerGraph, SourceRange } from './ir';

const MODEL_RANGE: SourceRange = { line: 1, column: 1, endLine: 1, endColumn: 1 };
/** Layers named one by one before the rest are summed up in the totals' warning. */
const MAX_LAYER_WARNINGS = 5;

export function isExactCount(value: number): boolean {
  return Number.isSafeInteger(value);
}

function warning(message: string, range: SourceRange, nodeId?: string): Diagnostic {
  const d: Diagnostic = { severity: 'warning', code: 'inexact-count', message, range, related: [] };
  if (nodeId) d.nodeId = nodeId;
  return d;
}

/** Warnings for every count of `graph` past 2^53 (none in any real model): each layer's, then the totals. */
export function inexactCountWarnings(graph: LayerGraph, modelRange: SourceRange = MODEL_RANGE): Diagnostic[] {
  const out: Diagnostic[] = [];
  let layers = 0;
  for (const n of graph.nodes) {
    const what = [!isExactCount(n.params) && 'parameter', !isExactCount(n.macs) && 'MAC'].filter(Boolean);
    if (!what.length) continue;
    if (++layers > MAX_LAYER_WARNINGS) continue;
    out.push(warning(`${n.path || n.op}: the ${what.join(' and ')} count exceeds 2^53 and is shown approximately`,
      n.defRange ?? n.callRange ?? modelRange, n.id));
  }
  const totals = [!isExactCount(graph.params) && 'parameter', !isExactCount(graph.macs) && 'MAC'].filter(Boolean);
  // Counts are never negative, so a layer past 2^53 takes its total past it too.
  if (totals.length) {
    const more = layers > MAX_LAYER_WARNINGS ? ` (${layers} layers have such counts)` : '';
    out.push(warning(`the model's total ${totals.join(' and ')} count exceeds 2^53 and is shown approximately${more}`, modelRange));
  }
  return out;
}
