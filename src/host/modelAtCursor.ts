// Pure helpers to choose which model candidate a command targets: the definition around the cursor, by indentation.
import type { ModelCandidate } from '../core/graph/ir';

function indentation(line: string): number {
  return line.length - line.trimStart().length;
}

function isBlankOrComment(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === '' || trimmed.startsWith('#');
}

/** The last 1-based line of the `class`/`def` block that starts at `startLine` (decorators excluded). */
export function definitionEndLine(lines: readonly string[], startLine: number): number {
  const header = lines[startLine - 1];
  if (header === undefined) return startLine;
  const headerIndent = indentation(header);
  let end = startLine;
  let openBrackets = 0;
  for (let index = startLine - 1; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (index > startLine - 1 && openBrackets === 0 && !isBlankOrComment(line) && indentation(line) <= headerIndent) break;
    for (const ch of line.replace(/#.*$/, '')) {
      if (ch === '(' || ch === '[' || ch === '{') openBrackets++;
      else if ((ch === ')' || ch === ']' || ch === '}') && openBrackets > 0) openBrackets--;
    }
    if (!isBlankOrComment(line)) end = index + 1;
  }
  return end;
}

/** The candidate whose definition contains the 1-based cursor line (the innermost when definitions nest). */
export function candidateAtLine(candidates: readonly ModelCandidate[], lines: readonly string[], cursorLine: number): ModelCandidate | undefined {
  let best: ModelCandidate | undefined;
  for (const candidate of candidates) {
    if (candidate.line > cursorLine) continue;
    if (definitionEndLine(lines, candidate.line) < cursorLine) continue;
    if (!best || candidate.line > best.line) best = candidate;
  }
  return best;
}
