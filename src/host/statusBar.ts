// The status bar entry for the active Python file: model · params · MACs · errors; a click shows the architecture.
import * as vscode from 'vscode';
import type { LayerGraph } from '../core/graph/ir';
import { errorCount, statusBarText } from './labels';
import { formatInteger, formatShape } from '../core/format';

export class ModelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('netlens.model', vscode.StatusBarAlignment.Left, 50);
  private lastRun: string | undefined;

  constructor() {
    this.item.name = 'NetLens model';
    this.item.command = 'netlens.showArchitecture';
  }

  show(graph: LayerGraph, stale: boolean): void {
    const errors = errorCount(graph);
    this.item.text = `$(type-hierarchy-sub) ${statusBarText(graph)}${stale ? ' (editing…)' : ''}`;
    const tooltip = new vscode.MarkdownString(
      [
        `**NetLens** — ${graph.model ?? 'default model'}`,
        '',
        `input ${formatShape(graph.input)} · ${formatInteger(graph.params)} parameters · ${formatInteger(graph.macs)} MACs`,
        this.lastRun ? `\n\nlast forward pass: ${this.lastRun}` : '',
        '\n\nClick to show the architecture.',
      ].join(''),
    );
    this.item.tooltip = tooltip;
    this.item.backgroundColor = errors > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  /** Records a finished forward pass (shown in the tooltip and briefly in the text). */
  showRun(backend: string, totalMs: number, mismatches: number): void {
    this.lastRun = `${totalMs.toFixed(1)} ms on ${backend}${mismatches > 0 ? `, ${mismatches} shape mismatches` : ''}`;
    vscode.window.setStatusBarMessage(`$(pulse) NetLens forward pass: ${this.lastRun}`, 8000);
  }

  hide(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
