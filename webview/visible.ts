// The visible graph for a collapse state: which nodes, collapsed groups, expanded group boxes and edges are drawn.
import type { Edge, Group, LayerNode, Shape, Shortcut } from '../src/core/graph/ir';
import type { ViewOptions } from '../src/protocol';
import type { GraphIndex } from './graph-index';
import { formatCompactShape } from '../src/core/format';
import { collapsedLabel, nodeLabel, type BoxLabel } from './labels';

export interface VisibleBox {
  /** Node id or group id. */
  id: string;
  kind: 'node' | 'collapsed';
  /** Enclosing expanded (drawn) group id, or null at top level. */
  parent: string | null;
  node?: LayerNode;
  group?: Group;
  label: BoxLabel;
  error: boolean;
}

export interface VisibleGroup {
  id: string;
  group: Group;
  parent: string | null;
  error: boolean;
}

export interface VisibleEdge {
  id: string;
  from: string;
  to: string;
  kind: Edge['kind'];
  shape: Shape | null;
  shortcut?: Shortcut;
  /** On a projection shortcut's path (including the shortcut edge itself). */
  projection: boolean;
  error: boolean;
  /** Identity shortcuts are drawn in a lane beside their block instead of being routed by the layout. */
  lane: boolean;
}

export interface VisibleGraph {
  boxes: VisibleBox[];
  groups: VisibleGroup[];
  edges: VisibleEdge[];
  /** Drawn id (node or collapsed group) standing for each IR node. */
  representative: Map<string, string>;
}

/** Groups expanded at first paint for a collapse depth (0 = top-level modules collapsed). */
export function initialExpanded(index: GraphIndex, depth: ViewOptions['collapseDepth']): Set<string> {
  const expanded = new Set<string>();
  for (const group of index.graph.groups) {
    const level = index.depth.get(group.id) ?? 0;
    if (depth === 'all' || level <= depth) expanded.add(group.id);
  }
  return expanded;
}

/** Number of layer nodes inside each group (nested included). */
export function countNodesPerGroup(index: GraphIndex): Map<string, number> {
  const counts = new Map<string, number>();
  for (const node of index.graph.nodes) {
    for (const group of index.ancestors.get(node.id) ?? []) counts.set(group.id, (counts.get(group.id) ?? 0) + 1);
  }
  return counts;
}

/** How many boxes a collapse state draws (cheap: no labels, no edges). */
export function countVisibleBoxes(index: GraphIndex, expanded: Set<string>): number {
  const collapsed = new Set<string>();
  let nodes = 0;
  for (const node of index.graph.nodes) {
    const hidden = (index.ancestors.get(node.id) ?? []).find((group) => !expanded.has(group.id));
    if (hidden) collapsed.add(hidden.id);
    else nodes++;
  }
  return nodes + collapsed.size;
}

export function buildVisibleGraph(index: GraphIndex, expanded: Set<string>, options: ViewOptions, nodeCounts: Map<string, number>): VisibleGraph {
  const representative = new Map<string, string>();
  const boxes: VisibleBox[] = [];
  const groups = new Map<string, VisibleGroup>();
  const collapsedSeen = new Set<string>();

  for (const node of index.graph.nodes) {
    const chain = index.ancestors.get(node.id) ?? [];
    let parent: string | null = null;
    let collapsed: Group | undefined;
    for (const group of chain) {
      if (!expanded.has(group.id)) { collapsed = group; break; }
      if (!groups.has(group.id)) groups.set(group.id, { id: group.id, group, parent, error: index.hasError(group.id) });
      parent = group.id;
    }
    if (collapsed) {
      representative.set(node.id, collapsed.id);
      if (!collapsedSeen.has(collapsed.id)) {
        collapsedSeen.add(collapsed.id);
        const label = collapsedLabel(collapsed, formatCompactShape(index.groupOutputShape.get(collapsed.id)), nodeCounts.get(collapsed.id) ?? 0);
        boxes.push({ id: collapsed.id, kind: 'collapsed', parent, group: collapsed, label, error: index.hasError(collapsed.id) });
      }
    } else {
      representative.set(node.id, node.id);
      boxes.push({ id: node.id, kind: 'node', parent, node, label: nodeLabel(node, options), error: index.hasError(node.id) });
    }
  }
  for (const box of boxes) if (box.kind === 'collapsed' && !box.error) box.error = index.groupsWithErrorInside.has(box.id);

  const edges: VisibleEdge[] = [];
  const seenPairs = new Set<string>();
  for (const edge of index.edges) {
    const from = representative.get(edge.from)!;
    const to = representative.get(edge.to)!;
    if (from === to) continue;
    const shortcut = edge.kind === 'shortcut' ? index.shortcutByEdge.get(edge.id) : undefined;
    const drawnAsShortcut = edge.kind === 'shortcut' && to === edge.to;
    const error = index.errorEdges.has(edge.id);
    if (drawnAsShortcut) {
      const projection = shortcut?.kind === 'projection';
      edges.push({ id: edge.id, from, to, kind: 'shortcut', shape: edge.shape, shortcut, projection, error, lane: !projection });
      continue;
    }
    const key = `${from}>${to}`;
    const raw = from === edge.from && to === edge.to;
    if (!raw && seenPairs.has(key)) continue;
    seenPairs.add(key);
    edges.push({ id: edge.id, from, to, kind: 'data', shape: edge.shape, projection: index.projectionEdges.has(edge.id), error, lane: false });
  }
  return { boxes, groups: [...groups.values()], edges, representative };
}

/** For a visible graph: the drawn groups enclosing a box or group of the given parent, outermost first (shared arrays, never changed). */
export function enclosingGroups(groups: VisibleGroup[]): (parent: string | null) => string[] {
  const parentOf = new Map(groups.map((g) => [g.id, g.parent]));
  const chains = new Map<string, string[]>();
  const chainOf = (parent: string | null): string[] => {
    if (parent === null) return [];
    let chain = chains.get(parent);
    if (!chain) {
      chain = [...chainOf(parentOf.get(parent) ?? null), parent];
      chains.set(parent, chain);
    }
    return chain;
  };
  return chainOf;
}
