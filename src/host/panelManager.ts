// Keeps one architecture panel per document, creates them with restricted resource roots, and tracks the active one.
import * as vscode from 'vscode';
import type { LayerGraph } from '../core/graph/ir';
import type { ViewOptions } from '../protocol';
import type { ModelSelection } from './analysisService';
import { ArchitecturePanel, PANEL_VIEW_TYPE, type PanelCallbacks } from './panel';

export class PanelManager implements vscode.Disposable {
  private readonly panels = new Map<string, ArchitecturePanel>();
  private lastActive: ArchitecturePanel | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly callbacks: PanelCallbacks,
    private readonly selectionOf: (uri: vscode.Uri) => ModelSelection,
  ) {}

  get(uri: vscode.Uri): ArchitecturePanel | undefined {
    return this.panels.get(uri.toString());
  }

  /** The panel the toolbar commands target: the focused one, else the last focused, else the only one. */
  target(): ArchitecturePanel | undefined {
    for (const panel of this.panels.values()) if (panel.active) return panel;
    if (this.lastActive && this.panels.has(this.lastActive.documentUri.toString())) return this.lastActive;
    const editorUri = vscode.window.activeTextEditor?.document.uri;
    return (editorUri && this.get(editorUri)) ?? this.panels.values().next().value;
  }

  /** Shows the document's panel (creating it beside the editor when needed) with this graph. */
  show(uri: vscode.Uri, graph: LayerGraph, options: ViewOptions): ArchitecturePanel {
    let panel = this.get(uri);
    if (panel) {
      panel.reveal();
    } else {
      panel = this.create(uri);
    }
    panel.showGraph(graph, options, 'open');
    this.lastActive = panel;
    return panel;
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
    this.panels.clear();
  }

  private create(uri: vscode.Uri): ArchitecturePanel {
    const webviewPanel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'NetLens',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        enableCommandUris: false,
        retainContextWhenHidden: false,
        localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
      },
    );
    webviewPanel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'netlens.svg');
    const panel = new ArchitecturePanel(webviewPanel, uri, this.extensionUri, this.callbacks, () => this.selectionOf(uri));
    const key = uri.toString();
    this.panels.set(key, panel);
    void vscode.commands.executeCommand('setContext', 'netlens.hasPanel', true);
    webviewPanel.onDidChangeViewState((event) => {
      if (event.webviewPanel.active) this.lastActive = panel;
    });
    panel.onDidDispose(() => {
      this.panels.delete(key);
      if (this.lastActive === panel) this.lastActive = undefined;
      void vscode.commands.executeCommand('setContext', 'netlens.hasPanel', this.panels.size > 0);
    });
    return panel;
  }
}
