// Collects the interpreter's diagnostics, turning source positions into IR ranges and de-duplicating warnings.
import type { Diagnostic, RelatedLocation, Severity, Shape, SourceRange } from '../graph/ir';
import type { Pos } from '../python/ast';

export function toRange(p: Pos): SourceRange {
  return { line: p.line, column: p.col, endLine: p.endLine, endColumn: p.endCol };
}

export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  add(severity: Severity, code: string, message: string, pos: Pos, extra: { related?: RelatedLocation[]; shapes?: Shape[]; nodeId?: string; groupId?: string } = {}): Diagnostic {
    const d: Diagnostic = { severity, code, message, range: toRange(pos), related: extra.related ?? [] };
    if (extra.shapes) d.shapes = extra.shapes;
    if (extra.nodeId) d.nodeId = extra.nodeId;
    if (extra.groupId) d.groupId = extra.groupId;
    this.list.push(d);
    return d;
  }

  /** Adds a diagnostic only the first time this code+message appears (at any line). */
  once(severity: Severity, code: string, message: string, pos: Pos, extra: { related?: RelatedLocation[]; nodeId?: string } = {}): void {
    const key = code + '\u0000' + message;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.add(severity, code, message, pos, extra);
  }

  hasErrors(): boolean {
    return this.list.some((d) => d.severity === 'error');
  }
}
