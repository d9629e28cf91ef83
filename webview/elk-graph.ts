// Builds ELK's JSON graph (compound nodes for expanded groups) from the visible graph, with NetLens's layout options.
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { VisibleGraph } from './visible';

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

/** Converts the visible graph to ELK's JSON graph: expanded groups become compound nodes. */
export function toElkGraph(visible: VisibleGraph): ElkNode {
  const root: ElkNode = { id: '__root', layoutOptions: ROOT_OPTIONS, children: [], edges: [] };
  const compound = new Map<string, ElkNode>();
  for (const group of visible.groups) {
    const right = GROUP_PADDING.right + (group.group.kind === 'residual' ? RESIDUAL_LANE_WIDTH : 0);
    compound.set(group.id, {
      id: group.id, children: [],
      layoutOptions: { 'elk.padding': `[top=${GROUP_PADDING.top},left=${GROUP_PADDING.left},bottom=${GROUP_PADDING.bottom},right=${right}]` },
    });
  }
  const containerOf = (parent: string | null): ElkNode => (parent !== null && compound.get(parent)) || root;
  for (const group of visible.groups) containerOf(group.parent).children!.push(compound.get(group.id)!);
  for (const box of visible.boxes) containerOf(box.parent).children!.push({ id: box.id, width: box.label.width, height: box.label.height });
  const edges: ElkExtendedEdge[] = visible.edges.filter((edge) => !edge.lane).map((edge) => ({ id: edge.id, sources: [edge.from], targets: [edge.to] }));
  root.edges = edges;
  return root;
}

