// The problems list under the graph: one row per diagnostic; a row focuses its node and reveals its line.
import type { Diagnostic, LayerGraph } from '../../src/core/graph/ir';
import { escapeHtml } from '../../src/core/format';

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

export class DiagnosticsPanel {
  readonly element: HTMLElement;
  private diagnostics: Diagnostic[] = [];

  constructor(private readonly onPick: (diagnostic: Diagnostic) => void) {
    this.element = document.createElement('section');
    this.element.className = 'nl-problems';
    this.element.setAttribute('aria-label', 'Problems');
    this.element.addEventListener('click', (event) => {
      const row = (event.target as Element).closest<HTMLElement>('[data-diagnostic]');
      if (row) this.onPick(this.diagnostics[Number(row.dataset.diagnostic)]);
    });
    this.element.addEventListener('keydown', (event) => {
      const row = (event.target as Element).closest<HTMLElement>('[data-diagnostic]');
      if (row && (event.key === 'Enter' || event.key === ' ')) { event.preventDefault(); this.onPick(this.diagnostics[Number(row.dataset.diagnostic)]); }
    });
  }

  show(graph: LayerGraph): void {
    this.diagnostics = [...graph.diagnostics].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.range.line - b.range.line);
    const rows = this.diagnostics.map((d, i) =>
      `<li class="nl-problem sev-${d.severity}" data-diagnostic="${i}" tabindex="0"${d.severity === 'error' ? ' data-error="true"' : ''}>` +
      `<span class="nl-sev">${d.severity === 'error' ? '●' : d.severity === 'warning' ? '▲' : 'i'}</span>` +
      `<span class="nl-problem-message">${escapeHtml(d.message)}</span>` +
      `<span class="nl-problem-where">${escapeHtml(d.code)} · ${d.range.file ? `${escapeHtml(d.range.file.split(/[\\/]/).pop() ?? '')} ` : ''}line ${d.range.line}</span></li>`).join('');
    this.element.innerHTML = `<div class="nl-problems-title">Problems <span class="nl-muted">${this.diagnostics.length}</span></div><ul>${rows}</ul>`;
    this.element.hidden = this.diagnostics.length === 0;
  }

  toggle(): void {
    if (this.diagnostics.length) this.element.hidden = !this.element.hidden;
  }
}
