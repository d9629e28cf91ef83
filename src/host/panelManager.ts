// The architecture panels, like the Markdown preview: one unlocked panel that follows the active Python editor, locked
// panels pinned to their document and model, a new panel only when asked ("to the side"), and panels restored after a
// reload (the webview's saved view names the file and model it showed; the view state brings back expansion and
// viewport). Creates the panels with restricted resource roots and tracks the active one.
import * as vscode from 'vscode';
import type { LayerGraph } from '../core/graph/ir';
import type { ViewOptions } from '../protocol';
import type { ModelSelection } from './analysisService';
import { ArchitecturePanel, PANEL_VIEW_TYPE, type PanelCallbacks } from './panel';

/** What a restored panel is to show: read from the webview's saved view (`file NUL model`). */
export function restoredTarget(state: unknown): { file: string; model: string | undefined } | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const key = (state as Record<string, unknown>).graphKey;
  if (typeof key !== 'string') return undefined;
  const cut = key.indexOf('\u0000');
  const file = cut >= 0 ? key.slice(0, cut) : key;
  const model = cut >= 0 ? key.slice(cut + 1) : '';
  return file.startsWith('/') && file.length < 4096 ? { file, model: model || undefined } : undefined;
}

export class PanelManager implements vscode.Disposable {
  private readonly panels = new Set<ArchitecturePanel>();
  private lastActive: ArchitecturePanel | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly callbacks: PanelCallbacks,
    private readonly selectionOf: (uri: vscode.Uri) => ModelSelection,
  ) {}

  /** The panels showing this document (the following one and any locked ones). */
  of(uri: vscode.Uri): ArchitecturePanel[] {
    return [...this.panels].filter((panel) => panel.documentUri.toString() === uri.toString());
  }

  get(uri: vscode.Uri): ArchitecturePanel | undefined {
    return this.of(uri)[0];
  }

  /** The panel the toolbar commands target: the focused one, else the last focused, else the only one. */
  target(): ArchitecturePanel | undefined {
    for (const panel of this.panels) if (panel.active) return panel;
    if (this.lastActive && this.panels.has(this.lastActive)) return this.lastActive;
    const editorUri = vscode.window.activeTextEditor?.document.uri;
    return (editorUri && this.get(editorUri)) ?? this.panels.values().next().value;
  }

  /** The unlocked panel (the one that follows the editor), the most recently focused first. */
  private following(): ArchitecturePanel | undefined {
    if (this.lastActive && this.panels.has(this.lastActive) && !this.lastActive.locked) return this.lastActive;
    return [...this.panels].reverse().find((panel) => !panel.locked);
  }

  /**
   * The active editor shows another document: the unlocked panel moves to it (unless a panel shows it already).
   * Returns the panel that now shows the document and needs its graph.
   */
  follow(uri: vscode.Uri): ArchitecturePanel | undefined {
    if (this.get(uri)) return undefined;
    const panel = this.following();
    if (!panel) return undefined;
    panel.retarget(uri);
    return panel;
  }

  /** Shows the document's graph: in a panel that shows it, else in the following panel, else (or when asked) in a new one. */
  show(uri: vscode.Uri, graph: LayerGraph, options: ViewOptions, newPanel = false): ArchitecturePanel {
    let panel = newPanel ? undefined : this.of(uri).find((p) => !p.locked) ?? this.get(uri) ?? this.following();
    if (panel) {
      panel.retarget(uri);
      panel.reveal();
    } else {
      panel = this.create(uri);
    }
    panel.showGraph(graph, options, 'open');
    this.lastActive = panel;
    return panel;
  }

  /** Takes over a panel VS Code restored after a reload. */
  adopt(webviewPanel: vscode.WebviewPanel, uri: vscode.Uri): ArchitecturePanel {
    webviewPanel.webview.options = this.webviewOptions();
    return this.track(webviewPanel, uri);
  }

  dispose(): void {
    for (const panel of [...this.panels]) panel.dispose();
    this.panels.clear();
  }

  private webviewOptions(): vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private create(uri: vscode.Uri): ArchitecturePanel {
    const webviewPanel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'NetLens',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { ...this.webviewOptions(), retainContextWhenHidden: false },
    );
    return this.track(webviewPanel, uri);
  }

  private track(webviewPanel: vscode.WebviewPanel, uri: vscode.Uri): ArchitecturePanel {
    webviewPanel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'netlens.svg');
    const panel: ArchitecturePanel = new ArchitecturePanel(webviewPanel, uri, this.extensionUri, this.callbacks, () => this.selectionOf(panel.documentUri));
    this.panels.add(panel);
    void vscode.commands.executeCommand('setContext', 'netlens.hasPanel', true);
    webviewPanel.onDidChangeViewState((event) => {
      if (event.webviewPanel.active) this.lastActive = panel;
    });
    panel.onDidDispose(() => {
      this.panels.delete(panel);
      if (this.lastActive === panel) this.lastActive = undefined;
      void vscode.commands.executeCommand('setContext', 'netlens.hasPanel', this.panels.size > 0);
    });
    return panel;
  }
}
