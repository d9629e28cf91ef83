// CodeLens above each model class/function: "Show architecture · 11.7 M params · 1.8 G MACs".
//
// Every lens carries its command from the moment it is provided; the titles come from the analyses the document
// controller already ran. VS Code releases a list of lenses (and the arguments of their commands) as soon as a newer
// list is on screen, yet keeps drawing the old commands until the new list is resolved: lenses resolved lazily through
// the analysis worker left a window of a second or more in which a click ran a released command ("Actual command not
// found") and nothing happened. Complete lenses need no resolve round trip, and the lenses are asked for again only
// when a title really changed.
import * as vscode from 'vscode';
import type { LayerGraph } from '../core/graph/ir';
import type { AnalysisService } from './analysisService';
import { mayDefineModel } from './documentController';
import { codeLensTitle } from './labels';

export class ModelCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  /** document URI → model expression → lens title, from the latest analysis of that model. */
  private readonly titles = new Map<string, Map<string, string>>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly analysis: AnalysisService) {}

  /** Records the figures of the models of a document; the lenses are asked for again only when a title changed. */
  update(uri: vscode.Uri, graphs: ReadonlyMap<string, LayerGraph | undefined>): void {
    const key = uri.toString();
    const known = this.titles.get(key) ?? new Map<string, string>();
    let changed = !this.titles.has(key);
    for (const [expr, graph] of graphs) {
      const title = codeLensTitle(graph);
      if (known.get(expr) !== title) changed = true;
      known.set(expr, title);
    }
    this.titles.set(key, known);
    if (changed) this.changed.fire();
  }

  forget(uri: vscode.Uri): void {
    this.titles.delete(uri.toString());
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!mayDefineModel(document)) return [];
    const candidates = await this.analysis.candidates(document);
    const known = this.titles.get(document.uri.toString());
    return candidates
      .filter((candidate) => candidate.line >= 1 && candidate.line <= document.lineCount)
      .map((candidate) => new vscode.CodeLens(document.lineAt(candidate.line - 1).range, {
        // Until the model is analysed the lens says only what it does; its figures follow with the analysis.
        title: known?.get(candidate.expr) ?? codeLensTitle(undefined),
        command: 'netlens.showArchitecture',
        tooltip: `Show the layer graph of ${candidate.expr}`,
        arguments: [document.uri, candidate.expr],
      }));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
