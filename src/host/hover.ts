// Hover over a layer call in forward (`self.conv1(x)`) or its definition: output shape, params, MACs and summary.
import * as vscode from 'vscode';
import type { AnalysisService } from './analysisService';
import { mayDefineModel } from './documentController';
import { hoverMarkdown } from './labels';
import { layersAtPosition } from './sourceRanges';

export class LayerHoverProvider implements vscode.HoverProvider {
  constructor(private readonly analysis: AnalysisService) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!mayDefineModel(document)) return undefined;
    const result = await this.analysis.analyze(document); // cached per document version
    // A stale graph's ranges belong to older text; hovering it would point at the wrong layers.
    if (result.stale) return undefined;
    const hits = layersAtPosition(result.graph, { line: position.line + 1, column: position.character + 1 });
    const text = hoverMarkdown(hits.nodes, hits.groups, result.graph);
    if (!text) return undefined;
    const markdown = new vscode.MarkdownString(text, true);
    markdown.isTrusted = false;
    return new vscode.Hover(markdown);
  }
}
