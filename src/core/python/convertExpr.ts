// Converts expression syntax (calls, operators, literals, comprehensions, f-strings, parameters) into NetLens's AST.
import type { Arg, CompClause, DictEntry, Expr, FStrPart, Param, Pos, SourceFile, SyntaxProblem } from './ast';
import { lineOf, lineStarts, type PNode } from './plainTree';

/** Nesting deeper than this is cut off (reported once) so that nothing downstream recurses without bound. */
export const MAX_NESTING = 200;

/**
 * tree-sitter reads `*x.shape[:2]` as `(*x).shape[:2]`: the star belongs to the whole attribute/index/call chain, so
 * it is moved to the front (`*(x.shape[:2])`).
 */
function starToFront(inner: Expr, wrap: (e: Expr) => Expr): Expr {
  return inner.k === 'starred' ? { k: 'starred', e: wrap(inner.e), p: inner.p } : wrap(inner);
}

/** Shared helpers and the expression half of the converter; statements are added by the subclass in convert.ts. */
export class ExprConverter {
  readonly errors: SyntaxProblem[] = [];
  constructor(
    protected readonly src: string,
    /** When set, every node gets this position (code that is not part of the user's file). */
    private readonly fixedPos: Pos | null = null,
    /** The imported file being converted (absent for the entry file). */
    private readonly file: SourceFile | undefined = undefined,
  ) {
    this.starts = fixedPos ? new Int32Array(1) : lineStarts(src);
  }

  private readonly starts: Int32Array;

  pos(n: PNode): Pos {
    if (this.fixedPos) return this.fixedPos;
    const sl = lineOf(this.starts, n.s);
    const el = n.e === n.s ? sl : lineOf(this.starts, n.e);
    const p: Pos = { line: sl + 1, col: n.s - this.starts[sl] + 1, endLine: el + 1, endCol: n.e - this.starts[el] + 1 };
    if (this.file) p.src = this.file;
    return p;
  }
  text(n: PNode): string {
    return this.src.slice(n.s, n.e);
  }
  named(n: PNode): PNode[] {
    return n.c.filter((c) => c.named);
  }
  field(n: PNode, name: string): PNode | undefined {
    return n.c.find((c) => c.f === name);
  }
  fields(n: PNode, name: string): PNode[] {
    return n.c.filter((c) => c.f === name);
  }
  syntaxError(n: PNode, message?: string): void {
    const what = message ?? (n.missing ? `missing '${n.t}'` : `invalid syntax near '${this.text(n).slice(0, 40).split('\n')[0]}'`);
    this.errors.push({ message: what, p: this.pos(n) });
  }
  /** Reports ERROR and MISSING nodes below `n` (iteratively: the tree may be arbitrarily deep). */
  scanErrors(root: PNode): void {
    const stack = [root];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.t === 'ERROR' || n.missing) {
        this.syntaxError(n);
        continue;
      }
      for (let i = n.c.length - 1; i >= 0; i--) stack.push(n.c[i]);
    }
  }

  /** Current nesting depth of the conversion (see MAX_NESTING). */
  protected depth = 0;
  readonly tooDeep: SyntaxProblem[] = [];

  params(n: PNode | undefined): Param[] {
    const out: Param[] = [];
    if (!n) return out;
    let kwOnly = false;
    for (const c of n.c) {
      if (!c.named) continue;
      switch (c.t) {
        case 'identifier':
          out.push({ name: this.text(c), kind: kwOnly ? 'kwonly' : 'normal' });
          break;
        case 'typed_parameter': {
          const inner = this.named(c)[0];
          if (inner?.t === 'list_splat_pattern') {
            out.push({ name: this.text(this.named(inner)[0]), kind: 'varargs' });
            kwOnly = true;
          } else if (inner?.t === 'dictionary_splat_pattern') out.push({ name: this.text(this.named(inner)[0]), kind: 'kwargs' });
          else if (inner) {
            const type = this.field(c, 'type');
            out.push({ name: this.text(inner), kind: kwOnly ? 'kwonly' : 'normal', ...(type ? { annotation: this.text(type) } : {}) });
          }
          break;
        }
        case 'default_parameter':
        case 'typed_default_parameter':
          out.push({ name: this.text(this.field(c, 'name')!), kind: kwOnly ? 'kwonly' : 'normal', default: this.expr(this.field(c, 'value')) });
          break;
        case 'list_splat_pattern':
          out.push({ name: this.text(this.named(c)[0] ?? c), kind: 'varargs' });
          kwOnly = true;
          break;
        case 'dictionary_splat_pattern':
          out.push({ name: this.text(this.named(c)[0] ?? c), kind: 'kwargs' });
          break;
        case 'keyword_separator':
          kwOnly = true;
          break;
        case 'positional_separator':
          break;
        default:
          this.scanErrors(c);
      }
    }
    return out;
  }

  args(n: PNode): Arg[] {
    const out: Arg[] = [];
    for (const c of n.c) {
      if (!c.named) {
        if (c.missing) this.syntaxError(c);
        continue;
      }
      if (c.t === 'keyword_argument') out.push({ kind: 'kw', name: this.text(this.field(c, 'name')!), value: this.expr(this.field(c, 'value')) });
      else if (c.t === 'list_splat') out.push({ kind: 'star', value: this.expr(this.named(c)[0]) });
      else if (c.t === 'dictionary_splat') out.push({ kind: 'dstar', value: this.expr(this.named(c)[0]) });
      else {
        const value = this.expr(c);
        out.push(value.k === 'starred' ? { kind: 'star', value: value.e } : { kind: 'pos', value });
      }
    }
    return out;
  }

  exprOrTuple(kids: PNode[], p: Pos): Expr {
    if (kids.length === 1) return this.expr(kids[0]);
    return { k: 'tuple', items: kids.map((k) => this.expr(k)), p };
  }

  expr(n: PNode | undefined): Expr {
    if (!n) return { k: 'bad', what: 'missing expression', p: { line: 1, col: 1, endLine: 1, endCol: 1 } };
    if (this.depth >= MAX_NESTING) {
      const p = this.pos(n);
      if (this.tooDeep.length === 0) this.tooDeep.push({ message: `expression nested more than ${MAX_NESTING} levels deep`, p });
      return { k: 'bad', what: 'too deeply nested expression', p };
    }
    this.depth++;
    try {
      return this.exprInner(n);
    } finally {
      this.depth--;
    }
  }

  exprInner(n: PNode): Expr {
    const p = this.pos(n);
    if (n.missing) {
      this.syntaxError(n);
      return { k: 'bad', what: 'missing', p };
    }
    switch (n.t) {
      case 'identifier':
        return { k: 'name', id: this.text(n), p };
      case 'integer':
        return parseIntLiteral(this.text(n), p);
      case 'float': {
        const t = this.text(n).replace(/_/g, '');
        if (/[jJ]$/.test(t)) return { k: 'bad', what: 'complex number', p };
        return { k: 'float', v: Number(t), p };
      }
      case 'true':
        return { k: 'const', v: true, p };
      case 'false':
        return { k: 'const', v: false, p };
      case 'none':
        return { k: 'const', v: null, p };
      case 'ellipsis':
        return { k: 'const', v: 'ellipsis', p };
      case 'string':
        return this.string(n);
      case 'concatenated_string': {
        const parts = this.named(n).map((c) => this.string(c));
        const flat: (string | FStrPart)[] = [];
        for (const part of parts) {
          if (part.k === 'str') flat.push(part.v);
          else if (part.k === 'fstr') flat.push(...part.parts);
        }
        return flat.every((x) => typeof x === 'string') ? { k: 'str', v: flat.join(''), p } : { k: 'fstr', parts: flat, p };
      }
      case 'attribute':
        return starToFront(this.expr(this.field(n, 'object')), (obj) => ({ k: 'attr', obj, name: this.text(this.field(n, 'attribute') ?? n), p }));
      case 'subscript': {
        const subs = this.fields(n, 'subscript');
        const index = subs.length === 1 ? this.expr(subs[0]) : { k: 'tuple' as const, items: subs.map((s) => this.expr(s)), p };
        return starToFront(this.expr(this.field(n, 'value')), (obj) => ({ k: 'sub', obj, index, p }));
      }
      case 'call': {
        const argsNode = this.field(n, 'arguments');
        let args: Arg[] = [];
        if (argsNode?.t === 'generator_expression') args = [{ kind: 'pos', value: this.expr(argsNode) }];
        else if (argsNode) args = this.args(argsNode);
        return starToFront(this.expr(this.field(n, 'function')), (fn) => ({ k: 'call', fn, args, p }));
      }
      case 'binary_operator': {
        const op = this.field(n, 'operator');
        return { k: 'bin', op: op ? this.text(op) : '+', l: this.expr(this.field(n, 'left')), r: this.expr(this.field(n, 'right')), p };
      }
      case 'unary_operator': {
        const op = this.field(n, 'operator');
        return { k: 'unary', op: op ? this.text(op) : '-', e: this.expr(this.field(n, 'argument')), p };
      }
      case 'boolean_operator': {
        const op = this.field(n, 'operator');
        return { k: op && this.text(op) === 'or' ? 'or' : 'and', l: this.expr(this.field(n, 'left')), r: this.expr(this.field(n, 'right')), p };
      }
      case 'not_operator':
        return { k: 'not', e: this.expr(this.field(n, 'argument')), p };
      case 'comparison_operator': {
        const operands: Expr[] = [];
        const ops: string[] = [];
        let pending = '';
        for (const c of n.c) {
          if (c.named) {
            if (pending) ops.push(pending.trim());
            pending = '';
            operands.push(this.expr(c));
          } else pending += ' ' + this.text(c);
        }
        return { k: 'cmp', first: operands[0] ?? { k: 'bad', what: 'comparison', p }, ops: ops.map((o) => o.replace(/\s+/g, ' ')), rest: operands.slice(1), p };
      }
      case 'conditional_expression': {
        const [a, b, c] = this.named(n);
        return { k: 'ifexp', then: this.expr(a), cond: this.expr(b), orelse: this.expr(c), p };
      }
      case 'lambda':
        return { k: 'lambda', params: this.params(this.field(n, 'parameters')), body: this.expr(this.field(n, 'body')), p };
      case 'list':
      case 'set':
      case 'tuple':
      case 'expression_list':
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern': {
        const kind = n.t === 'list' || n.t === 'list_pattern' ? 'list' : n.t === 'set' ? 'set' : 'tuple';
        return { k: kind, items: this.named(n).map((c) => this.expr(c)), p };
      }
      case 'dictionary': {
        const entries: DictEntry[] = [];
        for (const c of this.named(n)) {
          if (c.t === 'pair') entries.push({ key: this.expr(this.field(c, 'key')), value: this.expr(this.field(c, 'value')) });
          else if (c.t === 'dictionary_splat') entries.push({ splat: this.expr(this.named(c)[0]) });
          else this.scanErrors(c);
        }
        return { k: 'dict', entries, p };
      }
      case 'parenthesized_expression': {
        const inner = this.named(n)[0];
        return this.expr(inner);
      }
      case 'list_comprehension':
      case 'set_comprehension':
      case 'generator_expression':
      case 'dictionary_comprehension':
        return this.comprehension(n, p);
      case 'list_splat':
      case 'list_splat_pattern':
        return { k: 'starred', e: this.expr(this.named(n)[0]), p };
      case 'dictionary_splat':
        return { k: 'dstarred', e: this.expr(this.named(n)[0]), p };
      case 'slice':
        return this.slice(n, p);
      case 'named_expression':
        return { k: 'walrus', target: this.text(this.field(n, 'name')!), value: this.expr(this.field(n, 'value')), p };
      case 'keyword_argument':
        return this.expr(this.field(n, 'value'));
      case 'as_pattern':
        return this.expr(this.named(n)[0]);
      case 'type':
        return this.expr(this.named(n)[0]);
      case 'ERROR':
        this.syntaxError(n);
        return { k: 'bad', what: 'syntax error', p };
      default:
        this.scanErrors(n);
        return { k: 'bad', what: n.t.replace(/_/g, ' '), p };
    }
  }

  comprehension(n: PNode, p: Pos): Expr {
    const kind = n.t === 'list_comprehension' ? 'list' : n.t === 'set_comprehension' ? 'set' : n.t === 'generator_expression' ? 'gen' : 'dict';
    const body = this.field(n, 'body') ?? this.named(n)[0];
    const clauses: CompClause[] = [];
    for (const c of this.named(n)) {
      if (c.t === 'for_in_clause') {
        const lefts = this.fields(c, 'left');
        const target = lefts.length === 1 ? this.expr(lefts[0]) : { k: 'tuple' as const, items: lefts.map((l) => this.expr(l)), p };
        const rights = this.fields(c, 'right');
        clauses.push({ kind: 'for', target, iter: rights.length === 1 ? this.expr(rights[0]) : { k: 'tuple', items: rights.map((r) => this.expr(r)), p } });
      } else if (c.t === 'if_clause') clauses.push({ kind: 'if', cond: this.expr(this.named(c)[0]) });
    }
    if (kind === 'dict' && body?.t === 'pair') {
      return { k: 'comp', kind, elt: this.expr(this.field(body, 'key')), value: this.expr(this.field(body, 'value')), clauses, p };
    }
    return { k: 'comp', kind, elt: this.expr(body), clauses, p };
  }

  slice(n: PNode, p: Pos): Expr {
    const parts: (Expr | undefined)[] = [undefined, undefined, undefined];
    let i = 0;
    for (const c of n.c) {
      if (!c.named) {
        if (this.text(c) === ':') i++;
        continue;
      }
      if (i < 3) parts[i] = this.expr(c);
    }
    return { k: 'slice', start: parts[0], stop: parts[1], step: parts[2], p };
  }

  string(n: PNode): Expr {
    const p = this.pos(n);
    const startTok = n.c.find((c) => c.t === 'string_start');
    const prefix = startTok ? this.text(startTok).replace(/['"]/g, '').toLowerCase() : '';
    const raw = prefix.includes('r');
    const parts: (string | FStrPart)[] = [];
    for (const c of n.c) {
      if (c.t === 'string_content') parts.push(raw ? this.text(c) : decodeEscapes(this.text(c)));
      else if (c.t === 'escape_sequence') parts.push(raw ? this.text(c) : decodeEscapes(this.text(c)));
      else if (c.t === 'interpolation') {
        const e = this.field(c, 'expression') ?? this.named(c)[0];
        const conv = this.field(c, 'type_conversion');
        const specNode = this.field(c, 'format_specifier');
        let spec: Expr | undefined;
        if (specNode) {
          const specParts: (string | FStrPart)[] = [];
          let last = specNode.s + 1;
          for (const sc of specNode.c) {
            if (sc.t === 'format_expression') {
              if (sc.s > last) specParts.push(this.src.slice(last, sc.s));
              specParts.push({ expr: this.expr(this.field(sc, 'expression') ?? this.named(sc)[0]) });
              last = sc.e;
            }
          }
          if (specNode.e > last) specParts.push(this.src.slice(last, specNode.e));
          spec = { k: 'fstr', parts: specParts, p };
        }
        parts.push({ expr: this.expr(e), conversion: conv ? this.text(conv).slice(1) : undefined, spec });
      } else if (c.t === 'ERROR' || c.missing) this.syntaxError(c);
    }
    if (parts.every((x) => typeof x === 'string')) return { k: 'str', v: (parts as string[]).join(''), p };
    return { k: 'fstr', parts, p };
  }
}

function parseIntLiteral(text: string, p: Pos): Expr {
  const t = text.replace(/_/g, '').toLowerCase();
  if (t.endsWith('j')) return { k: 'bad', what: 'complex number', p };
  const clean = t.endsWith('l') ? t.slice(0, -1) : t;
  let v: number;
  if (clean.startsWith('0x')) v = parseInt(clean.slice(2), 16);
  else if (clean.startsWith('0o')) v = parseInt(clean.slice(2), 8);
  else if (clean.startsWith('0b')) v = parseInt(clean.slice(2), 2);
  else v = parseInt(clean, 10);
  return { k: 'int', v, p };
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v',
  '\n': '' };

function decodeEscapes(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[\s\S])/g, (m, e: string) => {
    if (e.length > 1) return String.fromCharCode(parseInt(e.slice(1), 16));
    return SIMPLE_ESCAPES[e] ?? m;
  });
}

