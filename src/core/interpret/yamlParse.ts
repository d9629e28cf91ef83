// A YAML subset (block mappings and sequences, flow collections, plain and quoted scalars) for model config files.
//
// Enough for the configs model code loads with yaml.safe_load (YOLO's model YAMLs, training configs): anchors, tags,
// multi-documents and block scalars are refused with a clear error rather than guessed.

export type YamlValue = null | boolean | number | { float: number } | string | YamlValue[] | Map<string | number, YamlValue>;

export class YamlError extends Error {}

interface Line {
  indent: number;
  text: string;
  no: number;
}

/** Removes a comment (`#` at line start or after whitespace, outside quotes). */
function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
  }
  return line;
}

function scalar(text: string): YamlValue {
  const t = text.trim();
  if (t === '' || t === '~' || t === 'null' || t === 'Null' || t === 'NULL') return null;
  if (/^(true|True|TRUE)$/.test(t)) return true;
  if (/^(false|False|FALSE)$/.test(t)) return false;
  if (/^[-+]?(0|[1-9][0-9_]*)$/.test(t)) return Number(t.replace(/_/g, ''));
  if (/^[-+]?(\d[\d_]*)?\.\d+([eE][-+]?\d+)?$|^[-+]?\d[\d_]*(\.\d*)?[eE][-+]?\d+$|^[-+]?\d[\d_]*\.$/.test(t)) return { float: Number(t.replace(/_/g, '')) };
  if (/^[-+]?\.(inf|Inf|INF)$/.test(t)) return { float: t.startsWith('-') ? -Infinity : Infinity };
  if (/^\.(nan|NaN|NAN)$/.test(t)) return { float: NaN };
  if ((t.startsWith('"') && t.endsWith('"') && t.length >= 2) || (t.startsWith("'") && t.endsWith("'") && t.length >= 2)) {
    const body = t.slice(1, -1);
    return t[0] === "'" ? body.replace(/''/g, "'") : body.replace(/\\(["\\/nt])/g, (_m, c: string) => ({ n: '\n', t: '\t' })[c as 'n' | 't'] ?? c);
  }
  if (/^[&*!|>]/.test(t)) throw new YamlError(`unsupported YAML feature near '${t.slice(0, 20)}' (anchors, aliases, tags and block scalars are not read)`);
  return t;
}

/** Parses a flow collection (`[a, [1, 2], {k: v}]`) starting at `pos`. */
function parseFlow(s: string, pos: { i: number }): YamlValue {
  const skip = (): void => {
    while (pos.i < s.length && /\s/.test(s[pos.i])) pos.i++;
  };
  skip();
  const open = s[pos.i];
  if (open === '[' || open === '{') {
    pos.i++;
    const close = open === '[' ? ']' : '}';
    const list: YamlValue[] = [];
    const map = new Map<string | number, YamlValue>();
    for (;;) {
      skip();
      if (s[pos.i] === close) {
        pos.i++;
        return open === '[' ? list : map;
      }
      if (pos.i >= s.length) throw new YamlError(`unclosed '${open}' in a flow collection`);
      const item = parseFlow(s, pos);
      skip();
      if (open === '{') {
        if (s[pos.i] !== ':') throw new YamlError("expected ':' in a flow mapping");
        pos.i++;
        map.set(key(item), parseFlow(s, pos));
        skip();
      } else list.push(item);
      if (s[pos.i] === ',') pos.i++;
      else if (s[pos.i] !== close) throw new YamlError(`expected ',' or '${close}' in a flow collection, found '${s[pos.i] ?? 'end of text'}'`);
    }
  }
  if (open === '"' || open === "'") {
    const start = pos.i++;
    while (pos.i < s.length && s[pos.i] !== open) pos.i += s[pos.i] === '\\' && open === '"' ? 2 : 1;
    pos.i++;
    return scalar(s.slice(start, pos.i));
  }
  const start = pos.i;
  while (pos.i < s.length && !/[,\]}]/.test(s[pos.i]) && !(s[pos.i] === ':' && /[\s,\]}]/.test(s[pos.i + 1] ?? ' '))) pos.i++;
  return scalar(s.slice(start, pos.i));
}

function key(v: YamlValue): string | number {
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (v === null || typeof v === 'boolean') return String(v);
  throw new YamlError('only scalar mapping keys are read');
}

/** A flow value that may continue over the next lines until its brackets balance. */
function flowValue(first: string, lines: Line[], at: { i: number }): YamlValue {
  let text = first;
  const depth = (t: string): number => {
    let d = 0;
    let quote: string | null = null;
    for (const c of t) {
      if (quote) {
        if (c === quote) quote = null;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '[' || c === '{') d++;
      else if (c === ']' || c === '}') d--;
    }
    return d;
  };
  while (depth(text) > 0 && at.i < lines.length) text += ' ' + lines[at.i++].text;
  const pos = { i: 0 };
  const v = parseFlow(text, pos);
  if (text.slice(pos.i).trim()) throw new YamlError(`unexpected text after a flow collection: '${text.slice(pos.i).trim().slice(0, 20)}'`);
  return v;
}

function inlineValue(text: string, lines: Line[], at: { i: number }, indent: number): YamlValue {
  const t = text.trim();
  if (t === '')
    return at.i < lines.length && lines[at.i].indent > indent ? block(lines, at,
      lines[at.i].indent) : at.i < lines.length && lines[at.i].indent === indent && lines[at.i].text.startsWith('- ') ? block(lines, at, indent) : null;
  if (t.startsWith('[') || t.startsWith('{')) return flowValue(t, lines, at);
  return scalar(t);
}

const MAPPING_KEY = /^("[^"]*"|'[^']*'|[^\s#'"][^:]*?)\s*:(\s|$)/;

/** A block node whose lines are indented exactly `indent`. */
function block(lines: Line[], at: { i: number }, indent: number): YamlValue {
  const first = lines[at.i];
  if (first.text === '-' || first.text.startsWith('- ')) {
    const list: YamlValue[] = [];
    while (at.i < lines.length && lines[at.i].indent === indent && (lines[at.i].text === '-' || lines[at.i].text.startsWith('- '))) {
      const line = lines[at.i++];
      const rest = line.text.slice(1).trimStart();
      if (MAPPING_KEY.test(rest)) {
        // `- key: value` starts a mapping indented past the dash.
        const inner = indent + (line.text.length - rest.length);
        lines.splice(at.i, 0, { indent: inner, text: rest, no: line.no });
        list.push(block(lines, at, inner));
      } else list.push(inlineValue(rest, lines, at, indent));
    }
    return list;
  }
  if (!MAPPING_KEY.test(first.text)) {
    at.i++;
    return inlineValue(first.text, lines, at, indent);
  }
  const map = new Map<string | number, YamlValue>();
  while (at.i < lines.length && lines[at.i].indent === indent) {
    const line = lines[at.i];
    const m = MAPPING_KEY.exec(line.text);
    if (!m) throw new YamlError(`line ${line.no}: expected 'key: value'`);
    at.i++;
    map.set(key(scalar(m[1])), inlineValue(line.text.slice(m[0].length), lines, at, indent));
  }
  if (at.i < lines.length && lines[at.i].indent > indent) throw new YamlError(`line ${lines[at.i].no}: unexpected indentation`);
  return map;
}

/** Parses one YAML document. */
export function parseYaml(text: string): YamlValue {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, n) => {
    if (/^(---|\.\.\.)\s*$/.test(raw)) {
      if (lines.length) throw new YamlError('several YAML documents in one file are not read');
      return;
    }
    if (raw.includes('\t') && /^\s*\t/.test(raw)) throw new YamlError(`line ${n + 1}: tabs are not allowed for indentation`);
    const body = stripComment(raw).trimEnd();
    if (body.trim() === '' || body.startsWith('%')) return;
    lines.push({ indent: body.length - body.trimStart().length, text: body.trim(), no: n + 1 });
  });
  if (lines.length === 0) return null;
  const at = { i: 0 };
  const v = block(lines, at, lines[0].indent);
  if (at.i < lines.length) throw new YamlError(`line ${lines[at.i].no}: unexpected indentation`);
  return v;
}
