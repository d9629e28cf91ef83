// Header (model, picker, input shape, totals, diagnostics count) and toolbar (view, search, export, run) built from vscode-elements.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { LayerGraph } from '../../src/core/graph/ir';
import { escapeHtml, formatCompact, formatShape } from '../../src/core/format';

export interface ToolbarActions {
  fit(): void;
  zoom(factor: number): void;
  expandAll(): void;
  collapseAll(): void;
  search(query: string): void;
  searchNext(backwards: boolean): void;
  exportAs(format: 'svg' | 'png'): void;
  run(): void;
  selectModel(expr: string): void;
  setInput(input: number[]): void;
  toggleDiagnostics(): void;
}

interface ValueElement extends HTMLElement { value: string; disabled: boolean; invalid?: boolean }

/** Parses `1,3,224,224` or `1×3×224×224`; undefined when it is not 1–6 positive integers. */
export function parseInputShape(text: string): number[] | undefined {
  const parts = text.split(/[\s,×x*]+/).filter(Boolean);
  if (parts.length < 1 || parts.length > 6) return undefined;
  const dims = parts.map(Number);
  return dims.every((d) => Number.isInteger(d) && d >= 1 && d <= 1 << 20) ? dims : undefined;
}

export class Toolbar {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly subtitle: HTMLElement;
  private readonly stats: HTMLElement;
  private readonly diagnosticsBadge: HTMLElement;
  private readonly modelPicker: ValueElement;
  private readonly inputField: ValueElement;
  private readonly searchField: ValueElement;
  private readonly searchCount: HTMLElement;
  private readonly busyButtons: ValueElement[] = [];

  constructor(private readonly actions: ToolbarActions) {
    this.element = document.createElement('div');
    this.element.className = 'nl-top';
    this.element.innerHTML = `
      <header class="nl-header">
        <div class="nl-identity"><div class="nl-title"></div><div class="nl-subtitle"></div></div>
        <div class="nl-stats"></div>
        <div class="nl-spacer"></div>
        <label class="nl-field"><span>Model</span><vscode-single-select class="nl-model" aria-label="Model"></vscode-single-select></label>
        <label class="nl-field"><span>Input</span><vscode-textfield class="nl-input"
          aria-label="Input shape" placeholder="1,3,224,224"></vscode-textfield></label>
        <button class="nl-diag-toggle" title="Show or hide the problems list"><vscode-badge class="nl-diag-badge">0</vscode-badge><span>problems</span></button>
      </header>
      <div class="nl-toolbar" role="toolbar">
        <vscode-button secondary data-action="fit" title="Fit the whole graph in view">Fit</vscode-button>
        <vscode-button secondary data-action="zoom-out" title="Zoom out (Ctrl+wheel)">−</vscode-button>
        <vscode-button secondary data-action="zoom-in" title="Zoom in (Ctrl+wheel)">+</vscode-button>
        <span class="nl-sep"></span>
        <vscode-button secondary data-action="expand" data-busy title="Expand every module">Expand all</vscode-button>
        <vscode-button secondary data-action="collapse" data-busy title="Collapse every module">Collapse all</vscode-button>
        <span class="nl-sep"></span>
        <vscode-textfield class="nl-search" placeholder="Search name or op" aria-label="Search layers"></vscode-textfield>
        <span class="nl-search-count" aria-live="polite"></span>
        <div class="nl-spacer"></div>
        <vscode-button secondary data-action="svg" title="Export the drawing as SVG">SVG</vscode-button>
        <vscode-button secondary data-action="png" title="Export the drawing as PNG">PNG</vscode-button>
        <vscode-button data-action="run" title="Run a forward pass with TensorFlow.js">Run</vscode-button>
      </div>`;
    const q = <T extends Element>(selector: string): T => this.element.querySelector(selector) as T;
    this.title = q('.nl-title');
    this.subtitle = q('.nl-subtitle');
    this.stats = q('.nl-stats');
    this.diagnosticsBadge = q('.nl-diag-badge');
    this.modelPicker = q('.nl-model');
    this.inputField = q('.nl-input');
    this.searchField = q('.nl-search');
    this.searchCount = q('.nl-search-count');
    this.element.querySelectorAll<ValueElement>('[data-busy]').forEach((button) => this.busyButtons.push(button));
    this.wire();
  }

  private wire(): void {
    const a = this.actions;
    const handlers: Record<string, () => void> = {
      fit: () => a.fit(), 'zoom-in': () => a.zoom(1.25), 'zoom-out': () => a.zoom(0.8), expand: () => a.expandAll(), collapse: () => a.collapseAll(),
      svg: () => a.exportAs('svg'), png: () => a.exportAs('png'), run: () => a.run(),
    };
    this.element.addEventListener('click', (event) => {
      const button = (event.target as Element).closest<ValueElement>('[data-action]');
      if (button && !button.disabled) handlers[button.dataset.action ?? '']?.();
      if ((event.target as Element).closest('.nl-diag-toggle')) a.toggleDiagnostics();
    });
    this.searchField.addEventListener('input', () => a.search(this.searchField.value));
    this.searchField.addEventListener('keydown', (event: KeyboardEvent) => {
      if (event.key === 'Enter') { event.preventDefault(); a.searchNext(event.shiftKey); }
      if (event.key === 'Escape') { this.searchField.value = ''; a.search(''); }
    });
    this.modelPicker.addEventListener('change', () => { if (this.modelPicker.value) a.selectModel(this.modelPicker.value); });
    const submitInput = (): void => {
      const shape = parseInputShape(this.inputField.value);
      this.inputField.invalid = !shape;
      if (shape) a.setInput(shape);
    };
    this.inputField.addEventListener('change', submitInput);
    this.inputField.addEventListener('keydown', (event: KeyboardEvent) => { if (event.key === 'Enter') submitInput(); });
  }

  /** Fills the header from a graph. */
  show(graph: LayerGraph): void {
    const fileName = graph.file.split(/[\\/]/).pop() ?? graph.file;
    this.title.textContent = graph.model ?? (graph.nodes.length ? fileName : 'No model');
    this.subtitle.textContent = fileName;
    this.subtitle.title = graph.file;
    const batch = graph.input.length > 1 ? `batch ${graph.input[0] ?? '?'}` : '';
    const chips = [
      ['params', formatCompact(graph.params)], ['MACs', formatCompact(graph.macs)], ['output', formatShape(graph.output)], ['layers',
        String(graph.nodes.length)],
    ];
    this.stats.innerHTML = chips.map(([name, value]) => `<span class="nl-chip"><b>${escapeHtml(value)}</b> ${escapeHtml(name)}</span>`).join('') +
      (batch ? `<span class="nl-chip nl-muted" title="Edge labels omit the batch dimension">${escapeHtml(batch)}</span>` : '');
    const errors = graph.diagnostics.filter((d) => d.severity === 'error').length;
    this.diagnosticsBadge.textContent = String(graph.diagnostics.length);
    this.diagnosticsBadge.classList.toggle('has-errors', errors > 0);
    this.element.querySelector('.nl-diag-toggle')!.classList.toggle('has-errors', errors > 0);
    // A model named by an expression outside the candidates (`ResidualBlock(64)`) is listed too, and selected.
    const exprs = graph.models.map((m) => m.expr);
    if (graph.model && !exprs.includes(graph.model)) exprs.unshift(graph.model);
    this.modelPicker.innerHTML = exprs.map((expr) =>
      `<vscode-option value="${escapeHtml(expr)}"${expr === graph.model ? ' selected' : ''}>${escapeHtml(expr)}</vscode-option>`).join('') ||
      `<vscode-option value="">${escapeHtml(graph.model ?? '—')}</vscode-option>`;
    this.modelPicker.disabled = exprs.length < 2;
    this.inputField.value = graph.input.map((d) => d ?? '?').join(',');
  }

  setSearchStatus(text: string): void {
    this.searchCount.textContent = text;
  }

  focusSearch(): void {
    this.searchField.focus();
  }

  /** Disables everything that needs a drawing when there is none. */
  setEmpty(empty: boolean): void {
    this.element.querySelectorAll<ValueElement>('.nl-toolbar vscode-button, .nl-toolbar vscode-textfield').forEach((control) => { control.disabled = empty; });
  }

  /** Disables the buttons that trigger a re-layout while one runs. */
  setBusy(busy: boolean): void {
    for (const button of this.busyButtons) button.disabled = busy;
  }
}
