// Hover card for nodes, groups and edges: identity, shapes, params, MACs and any diagnostic messages (errors in red).
import type { GraphIndex } from '../graph-index';
import { escapeHtml, formatCompact, formatInteger, formatShape } from '../../src/core/format';

export class Tooltip {
  readonly element: HTMLElement;
  private current: string | undefined;

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'nl-tooltip';
    this.element.setAttribute('role', 'tooltip');
    this.element.hidden = true;
  }

  /** Shows the card for a node/group id (or an edge's title) near the pointer. */
  show(html: string, key: string, clientX: number, clientY: number): void {
    if (this.current !== key) {
      this.element.innerHTML = html;
      this.current = key;
    }
    this.element.hidden = false;
    const { innerWidth, innerHeight } = window;
    const rect = this.element.getBoundingClientRect();
    const x = clientX + 14 + rect.width > innerWidth ? clientX - rect.width - 10 : clientX + 14;
    const y = clientY + 16 + rect.height > innerHeight ? clientY - rect.height - 10 : clientY + 16;
    this.element.style.transform = `translate(${Math.max(4, x)}px, ${Math.max(4, y)}px)`;
  }

  hide(): void {
    this.element.hidden = true;
    this.current = undefined;
  }
}

function diagnosticsHtml(index: GraphIndex, id: string): string {
  return index.diagnosticsOf(id).map((d) => `<div class="nl-tip-diag sev-${d.severity}">${escapeHtml(d.message)}</div>`).join('');
}

function row(name: string, value: string): string {
  return `<div class="nl-tip-row"><span>${escapeHtml(name)}</span><b>${escapeHtml(value)}</b></div>`;
}

/** Card content of a layer node. */
export function nodeTooltip(index: GraphIndex, id: string): string {
  const node = index.nodeById.get(id);
  if (!node) return '';
  const inputs = node.inputShapes.length ? node.inputShapes.map(formatShape).join(', ') : '—';
  return `<div class="nl-tip-title">${escapeHtml(node.path || node.op)} <span class="nl-muted">${escapeHtml(node.op)}</span></div>` +
    (node.summary ? `<div class="nl-tip-summary">${escapeHtml(node.summary)}</div>` : '') +
    row('input', inputs) + row('output', formatShape(node.outputShape)) + row('params', formatInteger(node.params)) +
    (node.macs ? row('MACs', formatCompact(node.macs)) : '') + (node.reuse ? row('reused call', `#${node.reuse + 1}`) : '') + diagnosticsHtml(index, id);
}

/** Card content of a group (expanded header or collapsed box). */
export function groupTooltip(index: GraphIndex, id: string, collapsed: boolean): string {
  const group = index.groupById.get(id);
  if (!group) return '';
  const inner: string[] = [];
  for (const node of index.graph.nodes) if (node.group === id && index.hasError(node.id)) inner.push(...index.diagnosticsOf(node.id).map((d) => d.message));
  return `<div class="nl-tip-title">${escapeHtml(group.path || group.className)} <span class="nl-muted">${escapeHtml(group.className)}</span></div>` +
    row('params', formatInteger(group.params)) + row('MACs', formatCompact(group.macs)) +
    row('output', formatShape(index.groupOutputShape.get(id))) + diagnosticsHtml(index, id) +
    inner.map((message) => `<div class="nl-tip-diag sev-error">${escapeHtml(message)}</div>`).join('') +
    `<div class="nl-tip-hint">${collapsed ? 'Click to expand' : 'Click the header to collapse'}</div>`;
}
