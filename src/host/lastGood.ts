// Keeps the last good graph on screen while the user is half-way through typing (the new parse has syntax errors).
import type { LayerGraph } from '../core/graph/ir';

export const SYNTAX_ERROR_CODE = 'syntax-error';

/** True when the analysis met a syntax error anywhere in the file. */
export function hasSyntaxError(graph: LayerGraph): boolean {
  return graph.diagnostics.some((d) => d.code === SYNTAX_ERROR_CODE);
}

export interface ShownAnalysis {
  /** What the panel, hovers and CodeLens show. */
  graph: LayerGraph;
  /** True when `graph` keeps the structure of an earlier version because the current text does not parse. */
  stale: boolean;
}

/**
 * Chooses what to show for a fresh analysis. When the fresh text has a syntax error and lost layers compared
 * with the last clean analysis of the same model, show the last clean structure with the fresh diagnostics,
 * so the graph does not flicker away on every keystroke.
 */
export function preferLastGood(fresh: LayerGraph, lastGood: LayerGraph | undefined): ShownAnalysis {
  if (!lastGood || !hasSyntaxError(fresh) || fresh.nodes.length >= lastGood.nodes.length) {
    return { graph: fresh, stale: false };
  }
  return {
    graph: {
      ...lastGood,
      models: fresh.models.length > 0 ? fresh.models : lastGood.models,
      diagnostics: fresh.diagnostics,
      timings: fresh.timings,
    },
    stale: true,
  };
}
