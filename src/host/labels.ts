// Pure text for the editor UI: CodeLens titles, the status bar entry and hover contents, all from the LayerGraph.
import type { Group, LayerGraph, LayerNode } from '../core/graph/ir';
import { formatCompact, formatInteger, formatShape } from '../core/format';

export function errorCount(graph: LayerGraph): number {
  return graph.diagnostics.filter((d) => d.severity === 'error').length;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** "Show architecture · 11.7 M params · 1.82 G MACs" (plus "· 1 error" when the model has errors). */
export function codeLensTitle(graph: LayerGraph | undefined): string {
  if (!graph) return 'Show architecture';
  const parts = ['Show architecture'];
  if (graph.nodes.length > 0) {
    parts.push(`${formatCompact(graph.params)} params`, `${formatCompact(graph.macs)} MACs`);
  }
  const errors = errorCount(graph);
  if (errors > 0) parts.push(plural(errors, 'error'));
  else if (graph.nodes.length === 0) parts.push('no layers traced');
  return parts.join(' · ');
}

/** Short model name for the status bar: the analysed expression without its arguments. */
export function modelName(graph: LayerGraph): string {
  const expr = graph.model ?? graph.groups.find((g) => g.parent === null)?.className ?? 'model';
  const name = expr.replace(/\(.*$/s, '').trim();
  return name.length > 40 ? `${name.slice(0, 39)}…` : name || 'model';
}

/** "ResNet · 11.7 M params · 1.82 G MACs · 0 errors" */
export function statusBarText(graph: LayerGraph): string {
  return `${modelName(graph)} · ${formatCompact(graph.params)} params · ${formatCompact(graph.macs)} MACs · ${plural(errorCount(graph), 'error')}`;
}

function nodeLine(node: LayerNode): string {
  const call = node.reuse ? ` (call ${node.reuse + 1})` : '';
  const summary = node.summary ? ` — ${node.summary}` : '';
  return `**${node.path || node.op}** · \`${node.op}\`${summary}${call}`;
}

/** Markdown for a hover over layer calls/definitions or module definitions (empty string when nothing is there). */
export function hoverMarkdown(nodes: readonly LayerNode[], groups: readonly Group[], graph: LayerGraph): string {
  const sections: string[] = [];
  const maxNodes = 4;
  for (const node of nodes.slice(0, maxNodes)) {
    const rows = [
      nodeLine(node),
      '',
      `| | |`,
      `|---|---|`,
      `| input | ${node.inputShapes.map((s) => formatShape(s)).join(', ') || '—'} |`,
      `| output | ${formatShape(node.outputShape)} |`,
      `| params | ${formatInteger(node.params)} |`,
      `| MACs | ${formatInteger(node.macs)} (${formatCompact(node.macs)}) |`,
    ];
    const errors = graph.diagnostics.filter((d) => d.nodeId === node.id && d.severity === 'error');
    for (const error of errors) rows.push('', `$(error) ${error.message}`);
    sections.push(rows.join('\n'));
  }
  if (nodes.length > maxNodes) sections.push(`…and ${nodes.length - maxNodes} more calls`);
  for (const group of groups.slice(0, maxNodes)) {
    const output = lastOutputOf(group, graph);
    sections.push(
      [
        `**${group.path || '(model)'}** · \`${group.className}\``,
        '',
        `output ${formatShape(output)} · ${formatCompact(group.params)} params (${formatInteger(group.params)}) · ${formatCompact(group.macs)} MACs`,
      ].join('\n'),
    );
  }
  return sections.join('\n\n---\n\n');
}

/** Output shape of a module instance: the output of the last node executed inside it (or inside its sub-modules). */
function lastOutputOf(group: Group, graph: LayerGraph): LayerNode['outputShape'] {
  const parentOf = new Map(graph.groups.map((g) => [g.id, g.parent] as const));
  const isInside = (groupId: string | null): boolean => {
    for (let id = groupId, steps = 0; id !== null && steps < 256; id = parentOf.get(id) ?? null, steps++) {
      if (id === group.id) return true;
    }
    return false;
  };
  let output: LayerNode['outputShape'] = null;
  for (const node of graph.nodes) if (isInside(node.group)) output = node.outputShape;
  return output;
}
