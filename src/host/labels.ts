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
function modelName(graph: LayerGraph): string {
  const expr = graph.model ?? graph.groups.find((g) => g.parent === null)?.className ?? 'model';
  const name = expr.replace(/\(.*$/s, '').trim();
  return name.length > 40 ? `${name.slice(0, 39)}…` : name || 'model';
}

/** "ResNet · 11.7 M params · 1.82 G MACs · 0 errors" */
export function statusBarText(graph: LayerGraph): string {
  return `${modelName(graph)} · ${formatCompact(graph.params)} params · ${formatCompact(graph.macs)} MACs · ${plural(errorCount(graph), 'error')}`;
}

/**
 * Text from the model file (module names, summaries, messages) as literal Markdown: the characters emphasis, links,
 * code, HTML, tables and theme icons (`$(name)`) read are backslash-escaped, line breaks become spaces.
 */
export function escapeMarkdown(text: string): string {
  // Never at the start of a line (always after `**`, `| ` or an icon), so list and heading markers need no escape.
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]|<>~$&]/g, (ch) => `\\${ch}`);
}

/** Text inside a code span, where backslashes do not escape: no backtick or line break can end it. */
function codeSpan(text: string): string {
  return `\`${text.replace(/[`\r\n]/g, "'")}\``;
}

function nodeLine(node: LayerNode): string {
  const call = node.reuse ? ` (call ${node.reuse + 1})` : '';
  const summary = node.summary ? ` — ${escapeMarkdown(node.summary)}` : '';
  return `**${escapeMarkdown(node.path || node.op)}** · ${codeSpan(node.op)}${summary}${call}`;
}

function errorLines(nodes: readonly LayerNode[], graph: LayerGraph): string[] {
  const ids = new Set(nodes.map((n) => n.id));
  return graph.diagnostics.filter((d) => d.nodeId !== undefined && ids.has(d.nodeId) && d.severity === 'error')
    .map((d) => `$(error) ${escapeMarkdown(d.message)}`);
}

/** One layer: its attributes, input and output shapes, params and MACs. */
function singleNodeMarkdown(node: LayerNode, graph: LayerGraph): string {
  return [
    nodeLine(node),
    '',
    '| | |',
    '|---|---|',
    `| input | ${node.inputShapes.map((s) => formatShape(s)).join(', ') || '—'} |`,
    `| output | ${formatShape(node.outputShape)} |`,
    `| params | ${formatInteger(node.params)} |`,
    `| MACs | ${formatInteger(node.macs)} (${formatCompact(node.macs)}) |`,
    ...errorLines([node], graph).flatMap((line) => ['', line]),
  ].join('\n');
}

/** The same source line runs in several module instances (a block used 8 times): one table row per instance. */
function instancesMarkdown(nodes: readonly LayerNode[], graph: LayerGraph): string {
  const maxRows = 12;
  const first = nodes[0]!;
  const name = escapeMarkdown(first.path.split('.').pop() || first.op);
  const rows = nodes.slice(0,
    maxRows).map((n) =>
      `| ${escapeMarkdown(n.path)}${n.reuse ? ` (call ${n.reuse + 1})` : ''} | ${escapeMarkdown(n.summary)
        || '—'} | ${formatShape(n.outputShape)} | ${formatCompact(n.params)} | ${formatCompact(n.macs)} |`);
  const totalParams = nodes.reduce((sum, n) => sum + n.params, 0);
  const totalMacs = nodes.reduce((sum, n) => sum + n.macs, 0);
  return [
    `**${name}** · ${codeSpan(first.op)} — ${nodes.length} calls · ${formatCompact(totalParams)} params · ${formatCompact(totalMacs)} MACs in all`,
    '',
    '| module | layer | output | params | MACs |',
    '|---|---|---|---:|---:|',
    ...rows,
    ...(nodes.length > maxRows ? ['', `…and ${nodes.length - maxRows} more`] : []),
    ...errorLines(nodes, graph).flatMap((line) => ['', line]),
  ].join('\n');
}

/** Markdown for a hover over layer calls/definitions or module definitions (empty string when nothing is there). */
export function hoverMarkdown(nodes: readonly LayerNode[], groups: readonly Group[], graph: LayerGraph): string {
  const sections: string[] = [];
  if (nodes.length === 1) sections.push(singleNodeMarkdown(nodes[0]!, graph));
  else if (nodes.length > 1) sections.push(instancesMarkdown(nodes, graph));
  for (const group of groups.slice(0, 4)) {
    const output = lastOutputOf(group, graph);
    sections.push(
      [
        `**${group.path ? escapeMarkdown(group.path) : '(model)'}** · ${codeSpan(group.className)}`,
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
