// What the Problems panel lists for a file: the first error of each chain (what only follows from it is counted, not
// listed), then the errors of every model the file offers, each problem once with the models it breaks. Pure.
import type { Diagnostic, LayerGraph } from '../core/graph/ir';

/** Problems that do not depend on the model built: never suppressed, never labelled with models. */
const FILE_WIDE_CODES = new Set(['syntax-error', 'bad-input-comment', 'file-too-large', 'module-level-error', 'budget-exceeded']);
/** At most this many model names in a message; the rest are counted. */
const MAX_NAMED_MODELS = 3;

/**
 * The graph's diagnostics with every error caused by an earlier one removed: an error at a node fed (directly or
 * through other layers) by a node that already has an error only follows from it. The first error of each chain says
 * how many it stands for ("and 3 more caused by this"). Diagnostics not attached to a node are kept as they are.
 */
export function firstErrorsOfChains(graph: LayerGraph): Diagnostic[] {
  return chainHeads(graph).map(({ diagnostic, more }) => withFollowers(diagnostic, more));
}

function withFollowers(diagnostic: Diagnostic, more: number): Diagnostic {
  return more > 0 ? { ...diagnostic, message: `${diagnostic.message} (and ${more} more caused by this)` } : diagnostic;
}

/** The diagnostics that are not caused by an earlier error, each with the number of errors that follow from it. */
function chainHeads(graph: LayerGraph): { diagnostic: Diagnostic; more: number }[] {
  const errorNodes = new Set<string>();
  for (const d of graph.diagnostics) if (d.severity === 'error' && d.nodeId !== undefined && !FILE_WIDE_CODES.has(d.code)) errorNodes.add(d.nodeId);
  if (errorNodes.size < 2) return graph.diagnostics.map((diagnostic) => ({ diagnostic, more: 0 }));
  const feeders = new Map<string, string[]>();
  for (const edge of graph.edges) {
    const list = feeders.get(edge.to);
    if (list) list.push(edge.from);
    else feeders.set(edge.to, [edge.from]);
  }
  const order = new Map(graph.nodes.map((node, i) => [node.id, i]));
  /** The earliest (in trace order) error node upstream of `nodeId`, if any. */
  const upstreamError = (nodeId: string): string | undefined => {
    const seen = new Set<string>([nodeId]);
    const stack = [...(feeders.get(nodeId) ?? [])];
    let best: string | undefined;
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      if (errorNodes.has(id) && (best === undefined || (order.get(id) ?? 0) < (order.get(best) ?? 0))) best = id;
      for (const from of feeders.get(id) ?? []) if (!seen.has(from)) stack.push(from);
    }
    return best;
  };
  const causeOf = new Map<string, string>();
  for (const id of errorNodes) {
    const cause = upstreamError(id);
    if (cause !== undefined) causeOf.set(id, cause);
  }
  /** The first error of the chain an error belongs to. */
  const rootOf = (id: string): string => {
    let current = id;
    for (let guard = 0; causeOf.has(current) && guard < errorNodes.size; guard++) current = causeOf.get(current)!;
    return current;
  };
  const followers = new Map<string, number>();
  for (const d of graph.diagnostics) {
    if (d.severity !== 'error' || d.nodeId === undefined || !causeOf.has(d.nodeId)) continue;
    const root = rootOf(d.nodeId);
    followers.set(root, (followers.get(root) ?? 0) + 1);
  }
  const counted = new Set<string>();
  const kept: { diagnostic: Diagnostic; more: number }[] = [];
  for (const d of graph.diagnostics) {
    if (d.severity === 'error' && d.nodeId !== undefined && causeOf.has(d.nodeId)) continue;
    const more = d.severity === 'error' && d.nodeId !== undefined && !counted.has(d.nodeId) ? followers.get(d.nodeId) ?? 0 : 0;
    if (d.nodeId !== undefined && more > 0) counted.add(d.nodeId);
    kept.push({ diagnostic: d, more });
  }
  return kept;
}

export interface ModelProblems {
  /** The model expression, as the user names it (`resnet18()`). */
  model: string;
  graph: LayerGraph;
}

function problemKey(d: Diagnostic): string {
  const r = d.range;
  return `${r.file ?? ''}|${r.line}:${r.column}-${r.endLine}:${r.endColumn}|${d.code}|${d.message}`;
}

function modelList(models: string[]): string {
  const named = models.slice(0, MAX_NAMED_MODELS).join(', ');
  return models.length > MAX_NAMED_MODELS ? `${named} and ${models.length - MAX_NAMED_MODELS} more` : named;
}

/**
 * The file's problems: everything the chosen model reports, then the errors of the other models. A problem several
 * models share is listed once; when the file offers more than one model, each error names the models it breaks
 * (`severalModels` says so before the other models are analysed).
 */
export function fileProblems(chosen: ModelProblems, others: readonly ModelProblems[], severalModels = others.length > 0): Diagnostic[] {
  const entries = new Map<string, { diagnostic: Diagnostic; more: number; models: string[] }>();
  const add = ({ diagnostic, more }: { diagnostic: Diagnostic; more: number }, model: string): void => {
    const key = problemKey(diagnostic);
    const entry = entries.get(key);
    if (!entry) entries.set(key, { diagnostic, more, models: [model] });
    else {
      if (!entry.models.includes(model)) entry.models.push(model);
      entry.more = Math.max(entry.more, more);
    }
  };
  for (const head of chainHeads(chosen.graph)) add(head, chosen.model);
  for (const other of others) for (const head of chainHeads(other.graph)) if (head.diagnostic.severity === 'error') add(head, other.model);
  return [...entries.values()].map(({ diagnostic, more, models }) => {
    const counted = withFollowers(diagnostic, more);
    return severalModels && diagnostic.severity === 'error' && !FILE_WIDE_CODES.has(diagnostic.code)
      ? { ...counted, message: `${counted.message} (in ${modelList(models)})` }
      : counted;
  });
}
