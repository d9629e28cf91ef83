// CodeLens above each model class/function: "Show architecture · 11.7 M params · 1.8 G MACs"; above a model class that
// needs arguments, "Show architecture…", which opens the model-expression entry prefilled with its constructor.
//
// The titles come from the analyses the document controller already ran, so resolving a lens is immediate. VS Code
// releases a list of lenses (and the arguments of their commands) as soon as a newer list is resolved on screen, yet
// keeps drawing the old commands until then: lenses resolved through the analysis worker left a window of a second or
// more in which a click ran a released command ("Actual command not found") and nothing happened. The lenses are asked
// for again only when a title really changed. Lenses are provided without their command, since VS Code's cached copy
// of a list (drawn when an editor opens) keeps the titles but not the commands: unclickable text until resolved.
import * as vscode from 'vscode';
import type { LayerGraph } from '../core/graph/ir';
import type { AnalysisService } from './analysisService';
import { mayDefineModel } from './documentController';
import { codeLensTitle } from './labels';
import { modelClasses } from './modelClasses';

interface LensTarget {
  title: () => string;
  command: string;
  tooltip: string;
  arguments: unknown[];
}

class ModelLens extends vscode.CodeLens {
  constructor(range: vscode.Range, readonly target: LensTarget) {
    super(range);
  }
}

export class ModelCodeLensProvider implements vscode.CodeLensProvider<ModelLens>, vscode.Disposable {
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

  async provideCodeLenses(document: vscode.TextDocument): Promise<ModelLens[]> {
    if (!mayDefineModel(document)) return [];
    const candidates = await this.analysis.candidates(document);
    const key = document.uri.toString();
    const inRange = (line: number): boolean => line >= 1 && line <= document.lineCount;
    const lenses = candidates.filter((candidate) => inRange(candidate.line)).map((candidate) => new ModelLens(document.lineAt(candidate.line - 1).range, {
      // Until the model is analysed the lens says only what it does; its figures follow with the analysis.
      title: () => this.titles.get(key)?.get(candidate.expr) ?? codeLensTitle(undefined),
      command: 'netlens.showArchitecture',
      tooltip: `Show the layer graph of ${candidate.expr}`,
      arguments: [document.uri, candidate.expr],
    }));
    const lensLines = new Set(candidates.map((candidate) => candidate.line));
    for (const model of modelClasses(document.getText())) {
      if (model.constructible || lensLines.has(model.line) || !inRange(model.line)) continue;
      lenses.push(new ModelLens(document.lineAt(model.line - 1).range, {
        title: () => 'Show architecture…',
        command: 'netlens.enterModelExpression',
        tooltip: `${model.name} needs arguments: complete ${model.signature}`,
        arguments: [document.uri, model.signature],
      }));
    }
    return lenses;
  }

  /** Immediate: the title is already known (no analysis happens here). */
  resolveCodeLens(lens: ModelLens): ModelLens {
    const { title, command, tooltip, arguments: args } = lens.target;
    lens.command = { title: title(), command, tooltip, arguments: args };
    return lens;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
