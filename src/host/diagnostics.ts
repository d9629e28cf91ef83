// Publishes the analysis's diagnostics to the Problems panel, with the related `__init__` locations attached.
import * as vscode from 'vscode';
import type { Diagnostic, LayerGraph, Severity, SourceRange } from '../core/graph/ir';

/** IR ranges are 1-based; VS Code's are 0-based. */
export function toVsRange(range: SourceRange): vscode.Range {
  const line = Math.max(0, range.line - 1);
  const endLine = Math.max(line, range.endLine - 1);
  const column = Math.max(0, range.column - 1);
  const endColumn = endLine === line ? Math.max(column, range.endColumn - 1) : Math.max(0, range.endColumn - 1);
  return new vscode.Range(line, column, endLine, endColumn);
}

function toVsSeverity(severity: Severity): vscode.DiagnosticSeverity {
  switch (severity) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    case 'info':
      return vscode.DiagnosticSeverity.Information;
  }
}

export function toVsDiagnostic(diagnostic: Diagnostic, uri: vscode.Uri): vscode.Diagnostic {
  const result = new vscode.Diagnostic(toVsRange(diagnostic.range), diagnostic.message, toVsSeverity(diagnostic.severity));
  result.source = 'NetLens';
  result.code = diagnostic.code;
  if (diagnostic.related.length > 0) {
    result.relatedInformation = diagnostic.related.map(
      (related) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, toVsRange(related.range)), related.message),
    );
  }
  return result;
}

/** Owns the NetLens diagnostic collection. */
export class DiagnosticPublisher implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('netlens');

  publish(uri: vscode.Uri, graph: LayerGraph): void {
    this.collection.set(uri, graph.diagnostics.map((d) => toVsDiagnostic(d, uri)));
  }

  clear(uri: vscode.Uri): void {
    this.collection.delete(uri);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
