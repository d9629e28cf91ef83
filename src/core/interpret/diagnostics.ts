// Collects the interpreter's diagnostics, turning source positions into IR ranges and de-duplicating warnings.
import type { Diagnostic, RelatedLocation, Severity, Shape, SourceRange } from '../graph/ir';
import type { Pos } from '../python/ast';

/** Call sites in the user's code of the library functions executing now (reset per analysis). */
export const userSites: Pos[] = [];

/** True for positions in library code (bundled stubs, installed packages, the line-0 prelude). */
export function isLibraryPos(p: Pos): boolean {
  return p.line === 0 || p.src?.library === true;
}

/** Maps a library position to the user's call site that led there; user positions are kept. */
export function mapPos(p: Pos): Pos {
  if (!isLibraryPos(p)) return p;
  return userSites[userSites.length - 1] ?? { line: 1, col: 1, endLine: 1, endCol: 1 };
}

export function toRange(p: Pos): SourceRange {
  const q = mapPos(p);
  const r: SourceRange = { line: q.line, column: q.col, endLine: q.endLine, endColumn: q.endCol };
  if (q.src) r.file = q.src.path;
  return r;
}

export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  private readonly seen = new Set<string>();
  /** Identical diagnostics (same place, same message) are reported once, e.g. a bad layer built in a loop. */
  private readonly exact = new Map<string, Diagnostic>();

  add(severity: Severity, code: string, message: string, pos: Pos,
    extra: { related?: RelatedLocation[]; shapes?: Shape[]; nodeId?: string; groupId?: string } = {}): Diagnostic {
    const range = toRange(pos);
    const key = `${severity}|${code}|${range.line}:${range.column}-${range.endLine}:${range.endColumn}|${message}`;
    const same = this.exact.get(key);
    if (same) return same;
    const d: Diagnostic = { severity, code, message, range, related: extra.related ?? [] };
    this.exact.set(key, d);
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
    this.onceBy.set(key, this.add(severity, code, message, pos, extra));
  }
  private readonly onceBy = new Map<string, Diagnostic>();

  /** A point to roll back to: what a probe reports after it is forgotten, duplicates check included. */
  checkpoint(): number {
    return this.list.length;
  }

  rollback(checkpoint: number): void {
    const dropped = new Set(this.list.splice(checkpoint));
    if (dropped.size === 0) return;
    for (const [key, d] of this.exact) if (dropped.has(d)) this.exact.delete(key);
    for (const [key, d] of this.onceBy) if (dropped.has(d)) this.seen.delete(key);
  }

  hasErrors(): boolean {
    return this.list.some((d) => d.severity === 'error');
  }
}
