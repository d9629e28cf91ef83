// CodeLens above each model class/function: "Show architecture · 11.7 M params · 1.8 G MACs", resolved lazily per visible lens.
import * as vscode from 'vscode';
import type { ModelCandidate } from '../core/graph/ir';
import type { AnalysisService } from './analysisService';
import { mayDefineModel } from './documentController';
import { codeLensTitle } from './labels';

class ModelLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly document: vscode.TextDocument,
    readonly candidate: ModelCandidate,
  ) {
    super(range);
  }
}

export class ModelCodeLensProvider implements vscode.CodeLensProvider<ModelLens> {
  constructor(
    private readonly analysis: AnalysisService,
    readonly onDidChangeCodeLenses: vscode.Event<void>,
  ) {}

  async provideCodeLenses(document: vscode.TextDocument): Promise<ModelLens[]> {
    if (!mayDefineModel(document)) return [];
    const candidates = await this.analysis.candidates(document);
    return candidates
      .filter((candidate) => candidate.line >= 1 && candidate.line <= document.lineCount)
      .map((candidate) => new ModelLens(document.lineAt(candidate.line - 1).range, document, candidate));
  }

  /** Analyses the candidate only when its lens is on screen; results are cached per document version. */
  async resolveCodeLens(lens: ModelLens): Promise<ModelLens> {
    let title = codeLensTitle(undefined);
    try {
      const result = await this.analysis.analyze(lens.document, { ...this.analysis.selection(lens.document.uri), model: lens.candidate.expr });
      title = codeLensTitle(result.graph);
    } catch {
      // The title stays plain; the command still works and shows the diagnostics.
    }
    lens.command = {
      title,
      command: 'netlens.showArchitecture',
      tooltip: `Show the layer graph of ${lens.candidate.expr}`,
      arguments: [lens.document.uri, lens.candidate.expr],
    };
    return lens;
  }
}
