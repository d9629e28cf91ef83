// Completes a traced graph: copies nodes/edges/groups/shortcuts in, totals MACs, group params and error flags.
import type { LayerGraph } from './ir';
import type { Tracer } from './tracer';
import { countParams } from '../interpret/modules';

export function finalizeGraph(graph: LayerGraph, tracer: Tracer): void {
  graph.nodes = tracer.nodes;
  graph.edges = tracer.edges;
  graph.groups = tracer.groups;
  graph.shortcuts = tracer.shortcuts;
  const byId = new Map(tracer.groups.map((g) => [g.id, g]));
  let macs = 0;
  for (const n of tracer.nodes) {
    macs += n.macs;
    let g = n.group ? byId.get(n.group) : undefined;
    while (g) {
      g.macs += n.macs;
      if (n.error) g.error = true;
      g = g.parent ? byId.get(g.parent) : undefined;
    }
  }
  graph.macs = macs;
  for (const [mod, group] of tracer.groupOf) {
    const info = tracer.moduleInfo.get(mod);
    if (info) group.params = countParams(info.inst);
  }
}
