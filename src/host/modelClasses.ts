// Finds the top-level nn.Module / keras.Model classes of a file and the signature of their constructors, from the text
// alone (the CodeLens of a class that needs arguments opens the model-expression entry prefilled with it). Pure.

export interface ModelClass {
  name: string;
  /** 1-based line of the `class` statement. */
  line: number;
  /** The call to complete, e.g. `ResNet(block, layers, num_classes=1000)`. */
  signature: string;
  /** True when every constructor parameter has a default (the class is built as `Name()`). */
  constructible: boolean;
}

const CLASS_LINE = /^class\s+([A-Za-z_]\w*)\s*(?:\(([^)]*)\))?\s*:/;
/** Bases that make a class a model or a layer of one. */
const MODEL_BASE = /(^|[\s.,])(Module|Model|Sequential|ModuleList|Layer)\s*($|[,\s)[])/;

/** Splits at the commas outside brackets and strings. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** The text between the parentheses of `def __init__(...)` starting at `lines[start]`, across lines. */
function parameterText(lines: readonly string[], start: number): string | undefined {
  let text = '';
  let depth = 0;
  let opened = false;
  for (let i = start; i < lines.length && i < start + 60; i++) {
    const line = (lines[i] ?? '').replace(/#.*$/, '');
    for (const ch of line) {
      if (ch === '(') {
        depth++;
        if (!opened) {
          opened = true;
          continue;
        }
      } else if (ch === ')') {
        depth--;
        if (opened && depth === 0) return text;
      }
      if (opened) text += ch;
    }
    if (opened) text += ' ';
  }
  return undefined;
}

/** `self, block, layers: list, num_classes: int = 1000, *args` → the call `Name(block, layers, num_classes=1000)`. */
function signatureOf(name: string, params: string | undefined): { signature: string; constructible: boolean } {
  if (params === undefined) return { signature: `${name}()`, constructible: true };
  const args: string[] = [];
  let constructible = true;
  splitTopLevel(params).slice(1).forEach((param) => {
    if (param === '/' || param === '*' || param.startsWith('*')) return;
    const [head, ...rest] = param.split('=');
    const bare = head.replace(/:.*$/s, '').trim();
    if (rest.length === 0) {
      constructible = false;
      args.push(bare);
    } else args.push(`${bare}=${rest.join('=').trim()}`);
  });
  return { signature: `${name}(${args.join(', ')})`, constructible };
}

/** The model classes of the source in file order: those whose bases name a module/model class, or another of them. */
export function modelClasses(source: string): ModelClass[] {
  const lines = source.split(/\r?\n/);
  const models = new Set<string>();
  const found: ModelClass[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = CLASS_LINE.exec(lines[i] ?? '');
    if (!match) continue;
    const [, name, bases = ''] = match;
    const isModel = MODEL_BASE.test(bases) || splitTopLevel(bases).some((base) => models.has(base.replace(/^.*\./, '')));
    if (!isModel) continue;
    models.add(name);
    let init: number | undefined;
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j] ?? '';
      if (/^\S/.test(line) && !line.startsWith('#')) break;
      if (/^\s+def\s+__init__\s*\(/.test(line)) {
        init = j;
        break;
      }
    }
    const { signature, constructible } = signatureOf(name, init === undefined ? undefined : parameterText(lines, init));
    found.push({ name, line: i + 1, signature, constructible });
  }
  return found;
}
