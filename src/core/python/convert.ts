// Converts the plain syntax tree into NetLens's Python AST, recording syntax errors (ERROR / MISSING nodes) as it goes.
import type { ExceptHandler, Expr, FuncDef, Pos, Program, SourceFile, Stmt } from './ast';
import type { PNode } from './plainTree';
import { ExprConverter, MAX_NESTING } from './convertExpr';
import { MAX_INPUT_RANK, parseShapeText } from '../inputShape';

class Converter extends ExprConverter {
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
            return { s: 'augassign', target: this.expr(this.field(k, 'left')), op: op ? this.text(op).slice(0, -1) : '+', value: this.expr(this.field(k,
              'right')), p };
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
        return { s: 'for', target: this.expr(this.field(n, 'left')), iter: this.expr(this.field(n, 'right')), body: this.block(this.field(n, 'body')),
          orelse: alt ? this.block(this.field(alt, 'body')) : undefined, p };
      }
      case 'while_statement': {
        const alt = this.field(n, 'alternative');
        return { s: 'while', cond: this.expr(this.field(n, 'condition')), body: this.block(this.field(n, 'body')),
          orelse: alt ? this.block(this.field(alt, 'body')) : undefined, p };
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
    return { s: 'class', name: nameNode ? this.text(nameNode) : '<missing>', bases: sup ? this.args(sup) : [], body: this.block(this.field(n, 'body')),
      decorators, p: this.pos(n) };
  }

  /**
   * Two statements of one block on one line with nothing between them (`x = f(x) x = g(x)`): tree-sitter inserts a
   * MISSING newline there, a hidden token the tree walk never visits, so the gap itself is the syntax error.
   */
  scanGluedStatements(root: PNode): void {
    const stack = [root];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.t === 'module' || n.t === 'block') {
        const statements = n.c.filter((c) => c.named && c.t !== 'ERROR');
        for (let i = 1; i < statements.length; i++) {
          const gap = this.src.slice(statements[i - 1].e, statements[i].s);
          if (!/[\n;]/.test(gap)) this.syntaxError(statements[i], 'two statements on one line: a newline or \';\' is missing before this one');
        }
      }
      for (let i = n.c.length - 1; i >= 0; i--) stack.push(n.c[i]);
    }
  }
}


/** `# netlens: input=SHAPE`: the rest of the comment is the shape, checked by the same rule as `--input`. */
const INPUT_COMMENT = /^#\s*netlens\s*:\s*input\s*=(.*)$/is;

/** Converts a whole module; syntax errors are collected, never thrown. */
export function convertProgram(root: PNode, comments: PNode[], source: string, fixedPos: Pos | null = null, file?: SourceFile): Program {
  const conv = new Converter(source, fixedPos, file);
  const body = conv.block(root);
  conv.errors.length = 0;
  conv.scanErrors(root);
  conv.scanGluedStatements(root);
  let inputComment: Program['inputComment'];
  let inputCommentProblem: Program['inputCommentProblem'];
  for (const c of comments) {
    const m = INPUT_COMMENT.exec(source.slice(c.s, c.e));
    if (!m) continue;
    const parsed = parseShapeText(m[1]);
    if ('shape' in parsed) {
      inputComment = { shape: parsed.shape, p: conv.pos(c) };
      break;
    }
    const written = m[1].trim();
    const expected = `write 1 to ${MAX_INPUT_RANK} positive integers such as 1,3,224,224`;
    inputCommentProblem ??= { message: `'# netlens: input=${written}' is not an input shape (${parsed.problem}): ${expected}`, p: conv.pos(c) };
  }
  return { body, syntaxErrors: conv.errors, inputComment, inputCommentProblem, tooDeep: conv.tooDeep[0] };
}
