// Builds ELK's JSON graph (compound nodes for expanded groups) from the visible graph, with NetLens's layout options.
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { VisibleGraph } from './visible';
import { textWidth } from './format';
import { FONT, groupHeader } from './labels';

export const GROUP_PADDING = { top: 30, left: 14, bottom: 14, right: 14 };
/** Residual blocks reserve room on their right for the identity-shortcut lane. */
export const RESIDUAL_LANE_WIDTH = 34;

export const ROOT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '30',
  'elk.layered.spacing.edgeNodeBetweenLayers': '12',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '8',
  'elk.spacing.nodeNode': '26',
  'elk.spacing.edgeNode': '14',
  'elk.spacing.componentComponent': '40',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.thoroughness': '3',
  'elk.layered.crossingMinimization.greedySwitch.type': 'OFF',
  'elk.json.shapeCoords': 'ROOT',
  'elk.json.edgeCoords': 'ROOT',
  'elk.padding': '[top=24,left=24,bottom=24,right=24]',
};

interface Padding { top: number; left: number; bottom: number; right: number }

/** Converts the visible graph to ELK's JSON graph: expanded groups become compound nodes. */
export function toElkGraph(visible: VisibleGraph): ElkNode {
  const root: ElkNode = { id: '__root', layoutOptions: ROOT_OPTIONS, children: [], edges: [] };
  const compound = new Map<string, ElkNode>();
  const padding = new Map<string, Padding>();
  for (const group of visible.groups) {
    const right = GROUP_PADDING.right + (group.group.kind === 'residual' ? RESIDUAL_LANE_WIDTH : 0);
    padding.set(group.id, { ...GROUP_PADDING, right });
    compound.set(group.id, { id: group.id, children: [] });
  }
  const containerOf = (parent: string | null): ElkNode => (parent !== null && compound.get(parent)) || root;
  for (const group of visible.groups) containerOf(group.parent).children!.push(compound.get(group.id)!);
  for (const box of visible.boxes) containerOf(box.parent).children!.push({ id: box.id, width: box.label.width, height: box.label.height });
  widenForHeaders(visible, compound, padding);
  for (const [id, node] of compound) {
    const p = padding.get(id)!;
    node.layoutOptions = { 'elk.padding': `[top=${p.top},left=${p.left},bottom=${p.bottom},right=${p.right}]` };
  }
  const edges: ElkExtendedEdge[] = visible.edges.filter((edge) => !edge.lane).map((edge) => ({ id: edge.id, sources: [edge.from], targets: [edge.to] }));
  root.edges = edges;
  return root;
}

/**
 * ELK ignores minimum sizes of compound nodes in hierarchical layouts, so a group whose content is narrower than its
 * header label (`▾ layer2 · Sequential · 2.34 M params`) gets extra side padding instead. Content width is estimated
 * as that of its widest child, which is exact for the chains that make up most model code.
 */
function widenForHeaders(visible: VisibleGraph, compound: Map<string, ElkNode>, padding: Map<string, Padding>): void {
  const headerWidth = new Map(visible.groups.map((g) => [g.id,
    Math.ceil(textWidth(groupHeader(g.group), FONT.detail) + 44 + (g.group.kind === 'residual' ? RESIDUAL_LANE_WIDTH : 0))]));
  const estimate = (node: ElkNode): number => {
    const p = padding.get(node.id);
    if (!p) return node.width ?? 0;
    const content = Math.max(0, ...(node.children ?? []).map(estimate));
    const needed = headerWidth.get(node.id) ?? 0;
    const width = content + p.left + p.right;
    if (width < needed) {
      const extra = (needed - width) / 2;
      p.left += Math.ceil(extra);
      p.right += Math.ceil(extra);
      return needed;
    }
    return width;
  };
  for (const group of visible.groups) if (group.parent === null || !compound.has(group.parent)) estimate(compound.get(group.id)!);
}
