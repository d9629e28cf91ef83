// Read-only indexes over a LayerGraph (by id, ancestry, diagnostics) built once per graph for the view.
import type { Diagnostic, Edge, Group, LayerGraph, LayerNode, Shape, Shortcut } from '../src/core/graph/ir';

export class GraphIndex {
  readonly nodeById = new Map<string, LayerNode>();
  readonly groupById = new Map<string, Group>();
  readonly groupByPath = new Map<string, Group>();
  /** Ancestor groups of each node or group, outermost first, excluding the transparent root. */
  readonly ancestors = new Map<string, Group[]>();
  readonly childGroups = new Map<string | null, Group[]>();
  readonly shortcutByEdge = new Map<string, Shortcut>();
  /** Edges on projection shortcut paths (block input → downsample ops). */
  readonly projectionEdges = new Set<string>();
  readonly diagnosticsByItem = new Map<string, Diagnostic[]>();
  /** Edges into a node or group that carries an error, and the edges of broken shortcuts. */
  readonly errorEdges = new Set<string>();
  readonly edges: Edge[];
  /** Depth of each group below the root: top-level modules are 1. */
  readonly depth = new Map<string, number>();
  readonly groupOutputShape = new Map<string, Shape | null>();
  /** Groups with an erroneous node or group somewhere inside. */
  readonly groupsWithErrorInside = new Set<string>();

  constructor(readonly graph: LayerGraph) {
    for (const group of graph.groups) {
      this.groupById.set(group.id, group);
      if (!this.groupByPath.has(group.path)) this.groupByPath.set(group.path, group);
    }
    for (const group of graph.groups) {
      const parent = group.parent !== null && this.groupById.has(group.parent) ? group.parent : null;
      const siblings = this.childGroups.get(parent) ?? [];
      siblings.push(group);
      this.childGroups.set(parent, siblings);
    }
    for (const group of graph.groups) this.ancestors.set(group.id, this.chainAbove(group.parent));
    for (const group of graph.groups) this.depth.set(group.id, this.isTransparent(group) ? 0 : this.ancestors.get(group.id)!.length + 1);
    for (const node of graph.nodes) {
      this.nodeById.set(node.id, node);
      this.ancestors.set(node.id, this.chainAbove(node.group));
    }
    this.edges = graph.edges.filter((edge) => this.nodeById.has(edge.from) && this.nodeById.has(edge.to));
    for (const shortcut of graph.shortcuts) {
      this.shortcutByEdge.set(shortcut.edgeId, shortcut);
      if (shortcut.error) this.errorEdges.add(shortcut.edgeId);
      if (shortcut.kind === 'projection') {
        const onPath = new Set([shortcut.fromNodeId, ...shortcut.shortcutNodeIds]);
        for (const edge of this.edges) if (onPath.has(edge.from) && shortcut.shortcutNodeIds.includes(edge.to)) this.projectionEdges.add(edge.id);
      }
    }
    for (const diagnostic of graph.diagnostics) {
      for (const id of [diagnostic.nodeId, diagnostic.groupId]) {
        if (id === undefined) continue;
        const list = this.diagnosticsByItem.get(id) ?? [];
        list.push(diagnostic);
        this.diagnosticsByItem.set(id, list);
      }
    }
    for (const edge of this.edges) if (this.nodeById.get(edge.to)?.error) this.errorEdges.add(edge.id);
    this.computeGroupOutputs();
    for (const id of [...this.nodeById.keys(), ...this.groupById.keys()]) {
      if (!this.hasError(id)) continue;
      for (const group of this.ancestors.get(id) ?? []) this.groupsWithErrorInside.add(group.id);
    }
  }

  /** The root model's group has path '' and is drawn as the canvas, not as a box. */
  isTransparent(group: Group): boolean {
    return group.path === '' && (group.parent === null || !this.groupById.has(group.parent));
  }

  private chainAbove(groupId: string | null): Group[] {
    const chain: Group[] = [];
    const seen = new Set<string>();
    for (let id = groupId; id !== null && !seen.has(id); ) {
      seen.add(id);
      const group = this.groupById.get(id);
      if (!group) break;
      if (!this.isTransparent(group)) chain.unshift(group);
      id = group.parent;
    }
    return chain;
  }

  /** The output shape of a group: that of the last node inside it whose output leaves it (or that has no consumer). */
  private computeGroupOutputs(): void {
    const outgoing = new Map<string, Edge[]>();
    for (const edge of this.edges) {
      const list = outgoing.get(edge.from) ?? [];
      list.push(edge);
      outgoing.set(edge.from, list);
    }
    const ancestorIds = (nodeId: string): Set<string> => new Set((this.ancestors.get(nodeId) ?? []).map((g) => g.id));
    for (const node of this.graph.nodes) {
      const consumers = (outgoing.get(node.id) ?? []).map((edge) => ancestorIds(edge.to));
      for (const group of this.ancestors.get(node.id) ?? []) {
        if (consumers.length === 0 || consumers.some((ids) => !ids.has(group.id))) this.groupOutputShape.set(group.id, node.outputShape);
      }
    }
  }

  /** Diagnostics attached to a node or group. */
  diagnosticsOf(id: string): Diagnostic[] {
    return this.diagnosticsByItem.get(id) ?? [];
  }

  hasError(id: string): boolean {
    const node = this.nodeById.get(id);
    if (node) return !!node.error || this.diagnosticsOf(id).some((d) => d.severity === 'error');
    const group = this.groupById.get(id);
    return !!group && (!!group.error || this.diagnosticsOf(id).some((d) => d.severity === 'error'));
  }
}
