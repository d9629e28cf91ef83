// Completes a traced graph: copies nodes/edges/groups/shortcuts in, totals MACs, group params and error flags.
import type { LayerGraph } from './ir';
import type { Tracer } from './tracer';
import { countParams, isModule } from '../interpret/modules';
import type { ModuleState, PyTensor } from '../interpret/values';
import { ownParameters, tensorNumel } from '../interpret/moduleParams';

/** Parameters of every module's subtree, bottom-up once; null when some module is shared (then count per group). */
function subtreeParams(tracer: Tracer): Map<ModuleState, number> | null {
  const memo = new Map<ModuleState, number>();
  let shared = false;
  const tensors = new Set<PyTensor>();
  const visit = (mod: ModuleState): number => {
    const done = memo.get(mod);
    if (done !== undefined) {
      shared = true;
      return done;
    }
    let total = 0;
    for (const [, t] of ownParameters(mod)) {
      if (tensors.has(t)) shared = true;
      tensors.add(t);
      total += tensorNumel(t);
    }
    memo.set(mod, 0);
    for (const c of mod.children.values()) if (isModule(c)) total += visit(c.mod!);
    memo.set(mod, total);
    return total;
  };
  for (const [mod, info] of tracer.moduleInfo) if (info.parent === null) visit(mod);
  return shared ? null : memo;
}

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
  const sums = subtreeParams(tracer);
  for (const [mod, group] of tracer.groupOf) {
    const info = tracer.moduleInfo.get(mod);
    if (!info) continue;
    group.params = sums?.get(mod) ?? countParams(info.inst);
  }
}
