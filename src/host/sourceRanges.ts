// Pure helpers over the IR's 1-based source ranges: containment, size, and finding the layers under an editor position.
import type { Group, LayerGraph, LayerNode, SourceRange } from '../core/graph/ir';

/** A position in the IR's convention: 1-based line and column. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** True when the position lies inside the range (end column exclusive, as in the IR). */
export function rangeContains(range: SourceRange, position: SourcePosition): boolean {
  if (position.line < range.line || position.line > range.endLine) return false;
  if (position.line === range.line && position.column < range.column) return false;
  if (position.line === range.endLine && position.column >= range.endColumn) return false;
  return true;
}

/** True when the range covers any part of the 1-based line. */
export function rangeCoversLine(range: SourceRange, line: number): boolean {
  return line >= range.line && line <= range.endLine;
}

/** A sortable size of a range, so the innermost of several nested ranges can be preferred. */
export function rangeExtent(range: SourceRange): number {
  return (range.endLine - range.line) * 100_000 + (range.endColumn - range.column);
}

/** What lies under an editor position: the layer calls/definitions and the module groups defined there. */
export interface LayersAtPosition {
  /** Nodes whose call or definition range contains the position, innermost range first, in execution order. */
  nodes: LayerNode[];
  /** Groups (module instances) whose definition range contains the position. */
  groups: Group[];
}

/** Finds the nodes whose callRange or defRange contains the position; only the innermost matching range wins. */
export function layersAtPosition(graph: LayerGraph, position: SourcePosition): LayersAtPosition {
  let best: number | undefined;
  const hits: { node: LayerNode; extent: number }[] = [];
  for (const node of graph.nodes) {
    for (const range of [node.callRange, node.defRange]) {
      if (!range || !rangeContains(range, position)) continue;
      const extent = rangeExtent(range);
      hits.push({ node, extent });
      best = best === undefined ? extent : Math.min(best, extent);
      break;
    }
  }
  const nodes = hits.filter((hit) => hit.extent === best).map((hit) => hit.node);
  const groups = nodes.length > 0 ? [] : graph.groups.filter((group) => group.defRange && rangeContains(group.defRange, position));
  return { nodes, groups };
}
