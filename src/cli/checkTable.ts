// The human output of `netlens check`: a torchinfo-like table of modules and layers, totals, then diagnostics.
import * as path from 'node:path';
import type { Group, LayerGraph, LayerNode, SourceRange } from '../core/graph/ir';
import { formatCompact, formatInteger, formatShape } from '../core/format';

interface Row {
  name: string;
  op: string;
  output: string;
  params: string;
  macs: string;
  line: string;
}

const HEADERS: Row = { name: 'Layer (path)', op: 'Op', output: 'Output shape', params: 'Params', macs: 'MACs', line: 'Line' };

function groupChain(groupId: string | null, groupsById: Map<string, Group>): Group[] {
  const chain: Group[] = [];
  for (let id = groupId; id !== null; ) {
    const group = groupsById.get(id);
    if (!group) break;
    if (group.parent !== null) chain.unshift(group); // the root model is the table itself
    id = group.parent;
  }
  return chain;
}

/** The output shape of a group: that of the last node inside it. */
function groupOutputs(graph: LayerGraph, groupsById: Map<string, Group>): Map<string, LayerNode> {
  const last = new Map<string, LayerNode>();
  for (const node of graph.nodes) for (const g of groupChain(node.group, groupsById)) last.set(g.id, node);
  return last;
}

export function renderLayerTable(graph: LayerGraph, maxDepth = Infinity): string {
  const groupsById = new Map(graph.groups.map((g) => [g.id, g]));
  const lastNodeOf = groupOutputs(graph, groupsById);
  const rows: Row[] = [];
  let open: Group[] = [];
  for (const node of graph.nodes) {
    if (node.op === 'Input' || node.op === 'Output') continue;
    const chain = groupChain(node.group, groupsById);
    let common = 0;
    while (common < open.length && common < chain.length && open[common].id === chain[common].id) common++;
    for (let depth = common; depth < chain.length; depth++) {
      if (depth >= maxDepth) break;
      const group = chain[depth];
      rows.push({
        name: '  '.repeat(depth) + group.path,
        op: group.className,
        output: formatShape(lastNodeOf.get(group.id)?.outputShape),
        params: formatInteger(group.params),
        macs: group.macs ? formatCompact(group.macs) : '',
        line: group.defRange ? String(group.defRange.line) : '',
      });
    }
    open = chain;
    if (chain.length > maxDepth) continue;
    const line = node.callRange ?? node.defRange;
    rows.push({
      name: '  '.repeat(chain.length) + node.path + (node.reuse ? ` (call ${node.reuse + 1})` : ''),
      op: node.op + (node.error ? ' ✗' : ''),
      output: formatShape(node.outputShape),
      params: node.params ? formatInteger(node.params) : node.reuse ? '(shared)' : '0',
      macs: node.macs ? formatCompact(node.macs) : '',
      line: line ? String(line.line) : '',
    });
  }
  const all = [HEADERS, ...rows];
  // A loop, not Math.max(...all): spreading 125,000 rows into arguments overflows the stack.
  const width = (key: keyof Row) => Math.min(60, all.reduce((most, r) => Math.max(most, r[key].length), 0));
  const w = { name: width('name'), op: width('op'), output: width('output'), params: width('params'), macs: width('macs'), line: width('line') };
  const format = (r: Row) =>
    `${r.name.padEnd(w.name)}  ${r.op.padEnd(w.op)}  ${r.output.padEnd(w.output)}  ${r.params.padStart(w.params)}  ${r.macs.padStart(w.macs)}  ${r.line.padStart(w.line)}`.trimEnd();
  const rule = '─'.repeat(format(HEADERS).length);
  return [format(HEADERS), rule, ...rows.map(format), rule].join('\n');
}

export function renderSummary(graph: LayerGraph): string {
  const identity = graph.shortcuts.filter((s) => s.op === 'add' && s.kind === 'identity').length;
  const projection = graph.shortcuts.filter((s) => s.op === 'add' && s.kind === 'projection').length;
  const cat = graph.shortcuts.filter((s) => s.op === 'cat').length;
  const errors = graph.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = graph.diagnostics.filter((d) => d.severity === 'warning').length;
  const lines = [
    `Params:    ${formatInteger(graph.params)} (${formatCompact(graph.params)})` +
      (graph.trainableParams !== undefined && graph.nonTrainableParams
        ? `: ${formatInteger(graph.trainableParams)} trainable + ${formatInteger(graph.nonTrainableParams)} non-trainable` : ''),
    `MACs:      ${formatInteger(graph.macs)} (${formatCompact(graph.macs)})`,
    `Output:    ${formatShape(graph.output)}`,
    `Shortcuts: ${identity + projection} residual additions (${identity} identity, ${projection} projection)` + (cat ? `, ${cat} concatenation skips` : ''),
    `Problems:  ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
  ];
  return lines.join('\n');
}

/** An imported file's path as the user would type it (relative to the working folder when below it). */
function displayPath(file: string): string {
  if (!path.isAbsolute(file)) return file;
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

export function renderDiagnostics(graph: LayerGraph, displayFile: string): string {
  const out: string[] = [];
  const where = (r: SourceRange): string => `${r.file ? displayPath(r.file) : displayFile}:${r.line}:${r.column}`;
  for (const d of graph.diagnostics) {
    out.push(`${where(d.range)}: ${d.severity}: ${d.message} [${d.code}]`);
    for (const r of d.related) out.push(`  ${where(r.range)}: note: ${r.message}`);
  }
  return out.join('\n');
}
