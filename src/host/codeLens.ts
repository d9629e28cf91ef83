// CodeLens above each model class/function: "Show architecture · 11.7 M params · 1.8 G MACs", resolved lazily per visible lens.
import * as vscode from 'vscode';
import type { ModelCandidate } from '../core/graph/ir';
import type { AnalysisService } from './analysisService';
import { EDIT_DEBOUNCE_MS, mayDefineModel } from './documentController';
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
  /** Last title per document and candidate, reused while the user is typing. */
  private readonly lastTitles = new Map<string, string>();

  constructor(
    private readonly analysis: AnalysisService,
    readonly onDidChangeCodeLenses: vscode.Event<void>,
    /** Milliseconds since the document was last edited (Infinity when never). */
    private readonly msSinceEdit: (uri: vscode.Uri) => number,
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
    const key = `${lens.document.uri.toString()}#${lens.candidate.expr}`;
    let title = this.lastTitles.get(key);
    // While the user types, keep the previous numbers: the debounced re-analysis refreshes the lenses afterwards,
    // so each keystroke does not re-analyse every visible model.
    if (title === undefined || this.msSinceEdit(lens.document.uri) >= EDIT_DEBOUNCE_MS) {
      try {
        const result = await this.analysis.analyze(lens.document, { ...this.analysis.selection(lens.document.uri), model: lens.candidate.expr });
        title = codeLensTitle(result.graph);
        this.lastTitles.set(key, title);
      } catch {
        title = codeLensTitle(undefined); // the command still works and shows the diagnostics
      }
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
