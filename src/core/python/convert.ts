// Converts the plain syntax tree into NetLens's Python AST, recording syntax errors (ERROR / MISSING nodes) as it goes.
import type { Arg, CompClause, DictEntry, ExceptHandler, Expr, FStrPart, FuncDef, Param, Pos, Program, Stmt, SyntaxProblem } from './ast';
import { lineOf, lineStarts, type PNode } from './plainTree';

class Converter {
  readonly errors: SyntaxProblem[] = [];
  constructor(
    private readonly src: string,
    /** When set, every node gets this position (code that is not part of the user's file). */
    private readonly fixedPos: Pos | null = null,
  ) {
    this.starts = fixedPos ? new Int32Array(1) : lineStarts(src);
  }

  private readonly starts: Int32Array;

  pos(n: PNode): Pos {
    if (this.fixedPos) return this.fixedPos;
    const sl = lineOf(this.starts, n.s);
    const el = n.e === n.s ? sl : lineOf(this.starts, n.e);
    return { line: sl + 1, col: n.s - this.starts[sl] + 1, endLine: el + 1, endCol: n.e - this.starts[el] + 1 };
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

  /** Nesting deeper than this is cut off (reported once) so that nothing downstream recurses without bound. */
  private depth = 0;
  readonly tooDeep: SyntaxProblem[] = [];

  block(n: PNode | undefined): Stmt[] {
    if (!n) return [];
    const out: Stmt[] = [];
    for (const c of n.c) {
      if (!c.named && !c.missing) continue;
      const s = this.stmt(c);
      if (s) out.push(s);
    }
    return out;
  }

  stmt(n: PNode): Stmt | undefined {
    if (this.depth >= MAX_NESTING) {
      if (this.tooDeep.length === 0) this.tooDeep.push({ message: `statements nested more than ${MAX_NESTING} levels deep`, p: this.pos(n) });
      return undefined;
    }
    this.depth++;
    try {
      return this.stmtInner(n);
    } finally {
      this.depth--;
    }
  }

  stmtInner(n: PNode): Stmt | undefined {
    const p = this.pos(n);
    if (n.missing) {
      this.syntaxError(n);
      return undefined;
    }
    switch (n.t) {
      case 'expression_statement': {
        const kids = this.named(n);
        if (kids.length === 1) {
          const k = kids[0];
          if (k.t === 'assignment') return this.assignment(k);
          if (k.t === 'augmented_assignment') {
            const op = this.field(k, 'operator');
            return { s: 'augassign', target: this.expr(this.field(k, 'left')), op: op ? this.text(op).slice(0, -1) : '+', value: this.expr(this.field(k, 'right')), p };
          }
          return { s: 'expr', e: this.expr(k), p };
        }
        return { s: 'expr', e: { k: 'tuple', items: kids.map((k) => this.expr(k)), p }, p };
      }
      case 'return_statement': {
        const kids = this.named(n);
        return { s: 'return', value: kids.length ? this.exprOrTuple(kids, p) : undefined, p };
      }
      case 'pass_statement':
        return { s: 'pass', p };
      case 'break_statement':
        return { s: 'break', p };
      case 'continue_statement':
        return { s: 'continue', p };
      case 'if_statement': {
        const branches = [{ cond: this.expr(this.field(n, 'condition')), body: this.block(this.field(n, 'consequence')) }];
        let orelse: Stmt[] | undefined;
        for (const alt of this.fields(n, 'alternative')) {
          if (alt.t === 'elif_clause') branches.push({ cond: this.expr(this.field(alt, 'condition')), body: this.block(this.field(alt, 'consequence')) });
          else orelse = this.block(this.field(alt, 'body'));
        }
        return { s: 'if', branches, orelse, p };
      }
      case 'for_statement': {
        const alt = this.field(n, 'alternative');
        return { s: 'for', target: this.expr(this.field(n, 'left')), iter: this.expr(this.field(n, 'right')), body: this.block(this.field(n, 'body')), orelse: alt ? this.block(this.field(alt, 'body')) : undefined, p };
      }
      case 'while_statement': {
        const alt = this.field(n, 'alternative');
        return { s: 'while', cond: this.expr(this.field(n, 'condition')), body: this.block(this.field(n, 'body')), orelse: alt ? this.block(this.field(alt, 'body')) : undefined, p };
      }
      case 'function_definition':
        return this.funcDef(n, []);
      case 'class_definition':
        return this.classDef(n, []);
      case 'decorated_definition': {
        const decorators = n.c.filter((c) => c.t === 'decorator').map((d) => this.expr(this.named(d)[0]));
        const def = this.field(n, 'definition');
        if (!def) return undefined;
        return def.t === 'class_definition' ? this.classDef(def, decorators) : this.funcDef(def, decorators);
      }
      case 'try_statement':
        return this.tryStmt(n, p);
      case 'with_statement': {
        const items: { ctx: Expr; target?: Expr }[] = [];
        const clause = n.c.find((c) => c.t === 'with_clause');
        for (const item of clause ? clause.c.filter((c) => c.t === 'with_item') : []) {
          const v = this.field(item, 'value') ?? this.named(item)[0];
          if (v && v.t === 'as_pattern') {
            const kids = this.named(v);
            const alias = this.field(v, 'alias') ?? kids[1];
            items.push({ ctx: this.expr(kids[0]), target: alias ? this.expr(this.named(alias)[0] ?? alias) : undefined });
          } else items.push({ ctx: this.expr(v) });
        }
        return { s: 'with', items, body: this.block(this.field(n, 'body')), p };
      }
      case 'assert_statement': {
        const kids = this.named(n);
        return { s: 'assert', cond: this.expr(kids[0]), msg: kids[1] ? this.expr(kids[1]) : undefined, p };
      }
      case 'raise_statement': {
        const kids = this.named(n);
        return { s: 'raise', exc: kids[0] ? this.expr(kids[0]) : undefined, p };
      }
      case 'global_statement':
      case 'nonlocal_statement':
        return { s: n.t === 'global_statement' ? 'global' : 'nonlocal', names: this.named(n).map((c) => this.text(c)), p };
      case 'import_statement': {
        const names = this.named(n).map((c) =>
          c.t === 'aliased_import' ? { module: this.text(this.field(c, 'name')!), alias: this.text(this.field(c, 'alias')!) } : { module: this.text(c) },
        );
        return { s: 'import', names, p };
      }
      case 'import_from_statement': {
        const mod = this.field(n, 'module_name');
        const module = mod ? this.text(mod) : '';
        if (n.c.some((c) => c.t === 'wildcard_import')) return { s: 'importfrom', module, names: '*', p };
        const names = this.fields(n, 'name').map((c) =>
          c.t === 'aliased_import' ? { name: this.text(this.field(c, 'name')!), alias: this.text(this.field(c, 'alias')!) } : { name: this.text(c) },
        );
        return { s: 'importfrom', module, names, p };
      }
      case 'future_import_statement':
        return { s: 'pass', p };
      case 'delete_statement': {
        const kids = this.named(n);
        const targets = kids.length === 1 && kids[0].t === 'expression_list' ? this.named(kids[0]) : kids;
        return { s: 'del', targets: targets.map((t) => this.expr(t)), p };
      }
      case 'ERROR':
        this.syntaxError(n);
        return undefined;
      default:
        this.scanErrors(n);
        return { s: 'bad', what: n.t.replace(/_/g, ' '), p };
    }
  }

  assignment(n: PNode): Stmt {
    const p = this.pos(n);
    const targets: Expr[] = [];
    let cur: PNode = n;
    for (;;) {
      const left = this.field(cur, 'left');
      const right = this.field(cur, 'right');
      targets.push(this.expr(left));
      if (!right) {
        const type = this.field(cur, 'type');
        if (type) return { s: 'annassign', target: targets[0], p };
        return { s: 'assign', targets, value: { k: 'bad', what: 'missing value', p }, p };
      }
      if (right.t === 'assignment') {
        cur = right;
        continue;
      }
      const value = this.expr(right);
      if (this.field(cur, 'type') && targets.length === 1) return { s: 'annassign', target: targets[0], value, p };
      return { s: 'assign', targets, value, p };
    }
  }

  tryStmt(n: PNode, p: Pos): Stmt {
    const handlers: ExceptHandler[] = [];
    let orelse: Stmt[] | undefined;
    let final: Stmt[] | undefined;
    for (const c of n.c) {
      if (c.t === 'except_clause' || c.t === 'except_group_clause') {
        const kids = this.named(c).filter((k) => k.t !== 'block');
        const body = this.block(c.c.find((k) => k.t === 'block'));
        let type: Expr | undefined;
        let name: string | undefined;
        if (kids[0]?.t === 'as_pattern') {
          const parts = this.named(kids[0]);
          type = this.expr(parts[0]);
          const alias = parts[1];
          if (alias) name = this.text(this.named(alias)[0] ?? alias);
        } else if (kids[0]) {
          type = this.expr(kids[0]);
          if (kids[1]) name = this.text(kids[1]);
        }
        handlers.push({ type, name, body });
      } else if (c.t === 'else_clause') orelse = this.block(this.field(c, 'body'));
      else if (c.t === 'finally_clause') final = this.block(c.c.find((k) => k.t === 'block'));
    }
    return { s: 'try', body: this.block(this.field(n, 'body')), handlers, orelse, final, p };
  }

  funcDef(n: PNode, decorators: Expr[]): FuncDef {
    const nameNode = this.field(n, 'name');
    return {
      s: 'def',
      name: nameNode ? this.text(nameNode) : '<missing>',
      params: this.params(this.field(n, 'parameters')),
      body: this.block(this.field(n, 'body')),
      decorators,
      p: this.pos(n),
      isAsync: n.c.some((c) => !c.named && c.t === 'async'),
    };
  }

  classDef(n: PNode, decorators: Expr[]): Stmt {
    const nameNode = this.field(n, 'name');
    const sup = this.field(n, 'superclasses');
    return { s: 'class', name: nameNode ? this.text(nameNode) : '<missing>', bases: sup ? this.args(sup) : [], body: this.block(this.field(n, 'body')), decorators, p: this.pos(n) };
  }

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
          else if (inner) out.push({ name: this.text(inner), kind: kwOnly ? 'kwonly' : 'normal' });
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
      else out.push({ kind: 'pos', value: this.expr(c) });
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
        return { k: 'attr', obj: this.expr(this.field(n, 'object')), name: this.text(this.field(n, 'attribute') ?? n), p };
      case 'subscript': {
        const subs = this.fields(n, 'subscript');
        const index = subs.length === 1 ? this.expr(subs[0]) : { k: 'tuple' as const, items: subs.map((s) => this.expr(s)), p };
        return { k: 'sub', obj: this.expr(this.field(n, 'value')), index, p };
      }
      case 'call': {
        const argsNode = this.field(n, 'arguments');
        let args: Arg[] = [];
        if (argsNode?.t === 'generator_expression') args = [{ kind: 'pos', value: this.expr(argsNode) }];
        else if (argsNode) args = this.args(argsNode);
        return { k: 'call', fn: this.expr(this.field(n, 'function')), args, p };
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

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

function decodeEscapes(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[\s\S])/g, (m, e: string) => {
    if (e.length > 1) return String.fromCharCode(parseInt(e.slice(1), 16));
    return SIMPLE_ESCAPES[e] ?? m;
  });
}

const MAX_NESTING = 200;

const INPUT_COMMENT = /#\s*netlens\s*:\s*input\s*=\s*\(?\s*([0-9][0-9,\s]*)/i;

/** Converts a whole module; syntax errors are collected, never thrown. */
export function convertProgram(root: PNode, comments: PNode[], source: string, fixedPos: Pos | null = null): Program {
  const conv = new Converter(source, fixedPos);
  const body = conv.block(root);
  conv.errors.length = 0;
  conv.scanErrors(root);
  let inputComment: Program['inputComment'];
  for (const c of comments) {
    const m = INPUT_COMMENT.exec(source.slice(c.s, c.e));
    if (!m) continue;
    const shape = m[1].split(/[,\s]+/).filter(Boolean).map(Number);
    if (shape.length > 0 && shape.every((d) => Number.isInteger(d) && d > 0)) {
      inputComment = { shape, p: conv.pos(c) };
      break;
    }
  }
  return { body, syntaxErrors: conv.errors, inputComment, tooDeep: conv.tooDeep[0] };
}
