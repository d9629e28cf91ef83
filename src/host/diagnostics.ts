// Publishes the analysis's diagnostics to the Problems panel, with the related `__init__` locations attached.
import * as path from 'node:path';
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

/** The document a range lies in: an imported file when the range names one, else the analysed document. */
export function rangeUri(range: SourceRange, entry: vscode.Uri): vscode.Uri {
  return range.file && path.isAbsolute(range.file) ? vscode.Uri.file(range.file) : entry;
}

export function toVsDiagnostic(diagnostic: Diagnostic, uri: vscode.Uri): vscode.Diagnostic {
  const result = new vscode.Diagnostic(toVsRange(diagnostic.range), diagnostic.message, toVsSeverity(diagnostic.severity));
  result.source = 'NetLens';
  result.code = diagnostic.code;
  if (diagnostic.related.length > 0) {
    result.relatedInformation = diagnostic.related.map(
      (related) => new vscode.DiagnosticRelatedInformation(new vscode.Location(rangeUri(related.range, uri), toVsRange(related.range)), related.message),
    );
  }
  return result;
}

/**
 * Owns the NetLens diagnostic collection. An analysis reports problems in its own file and in the files it imports;
 * each file's Problems entry is the union of what every analysed document found in it (a shared module broken for
 * two models is listed once per message).
 */
export class DiagnosticPublisher implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('netlens');
  /** target file → (analysed document → its diagnostics in that file). */
  private readonly contributions = new Map<string, Map<string, vscode.Diagnostic[]>>();

  publish(uri: vscode.Uri, graph: LayerGraph): void {
    const byFile = new Map<string, { target: vscode.Uri; list: vscode.Diagnostic[] }>([[uri.toString(), { target: uri, list: [] }]]);
    for (const d of graph.diagnostics) {
      const target = rangeUri(d.range, uri);
      const entry = byFile.get(target.toString()) ?? { target, list: [] };
      entry.list.push(toVsDiagnostic(d, uri));
      byFile.set(target.toString(), entry);
    }
    const touched = this.withdraw(uri);
    for (const [key, { target, list }] of byFile) {
      let perFile = this.contributions.get(key);
      if (!perFile) this.contributions.set(key, (perFile = new Map()));
      perFile.set(uri.toString(), list);
      touched.set(key, target);
    }
    for (const [key, target] of touched) this.update(key, target);
  }

  clear(uri: vscode.Uri): void {
    for (const [key, target] of this.withdraw(uri)) this.update(key, target);
  }

  /** Removes what `uri`'s analysis contributed anywhere; returns the files that changed. */
  private withdraw(uri: vscode.Uri): Map<string, vscode.Uri> {
    const changed = new Map<string, vscode.Uri>();
    for (const [key, perFile] of this.contributions) {
      if (perFile.delete(uri.toString())) changed.set(key, vscode.Uri.parse(key));
      if (perFile.size === 0) this.contributions.delete(key);
    }
    return changed;
  }

  private update(key: string, target: vscode.Uri): void {
    const perFile = this.contributions.get(key);
    if (!perFile) {
      this.collection.delete(target);
      return;
    }
    const seen = new Set<string>();
    const merged: vscode.Diagnostic[] = [];
    for (const list of perFile.values()) {
      for (const d of list) {
        const id = `${d.range.start.line}:${d.range.start.character}|${d.code}|${d.message}`;
        if (!seen.has(id)) merged.push(d);
        seen.add(id);
      }
    }
    this.collection.set(target, merged);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
