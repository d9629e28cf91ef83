// The Python-subset syntax tree NetLens interprets: plain JS objects converted once from tree-sitter's tree.

/** The file a position belongs to, when it is not the entry file of the analysis. */
export interface SourceFile {
  /** The path the module loader gave for the file (shown in diagnostics and used to reveal it). */
  path: string;
  /** Library code (an installed package or a bundled stub): its problems are reported at the user's call site. */
  library: boolean;
}

/** 1-based line and column of a node's start and end (end column exclusive). */
export interface Pos {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
  /** Absent for the entry file. */
  src?: SourceFile;
}

export interface Arg {
  kind: 'pos' | 'star' | 'kw' | 'dstar';
  name?: string;
  value: Expr;
}

export interface Param {
  name: string;
  kind: 'normal' | 'varargs' | 'kwonly' | 'kwargs';
  default?: Expr;
  /** The annotation's source text of a parameter without default (`config: GPTConfig`). */
  annotation?: string;
}

export type CompClause = { kind: 'for'; target: Expr; iter: Expr } | { kind: 'if'; cond: Expr };

export interface FStrPart {
  expr: Expr;
  conversion?: string;
  spec?: Expr;
}

export type Expr =
  | { k: 'name'; id: string; p: Pos }
  | { k: 'int'; v: number; p: Pos }
  | { k: 'float'; v: number; p: Pos }
  | { k: 'str'; v: string; p: Pos }
  | { k: 'fstr'; parts: (string | FStrPart)[]; p: Pos }
  | { k: 'const'; v: true | false | null | 'ellipsis'; p: Pos }
  | { k: 'attr'; obj: Expr; name: string; p: Pos }
  | { k: 'sub'; obj: Expr; index: Expr; p: Pos }
  | { k: 'call'; fn: Expr; args: Arg[]; p: Pos }
  | { k: 'bin'; op: string; l: Expr; r: Expr; p: Pos }
  | { k: 'unary'; op: string; e: Expr; p: Pos }
  | { k: 'and' | 'or'; l: Expr; r: Expr; p: Pos }
  | { k: 'not'; e: Expr; p: Pos }
  | { k: 'cmp'; first: Expr; ops: string[]; rest: Expr[]; p: Pos }
  | { k: 'ifexp'; cond: Expr; then: Expr; orelse: Expr; p: Pos }
  | { k: 'lambda'; params: Param[]; body: Expr; p: Pos }
  | { k: 'list' | 'tuple' | 'set'; items: Expr[]; p: Pos }
  | { k: 'dict'; entries: DictEntry[]; p: Pos }
  | { k: 'comp'; kind: 'list' | 'set' | 'gen' | 'dict'; elt: Expr; value?: Expr; clauses: CompClause[]; p: Pos }
  | { k: 'slice'; start?: Expr; stop?: Expr; step?: Expr; p: Pos }
  | { k: 'starred'; e: Expr; p: Pos }
  | { k: 'dstarred'; e: Expr; p: Pos }
  | { k: 'walrus'; target: string; value: Expr; p: Pos }
  | { k: 'bad'; what: string; p: Pos };

export type DictEntry = { key: Expr; value: Expr } | { splat: Expr };

export interface FuncDef {
  s: 'def';
  name: string;
  params: Param[];
  body: Stmt[];
  decorators: Expr[];
  p: Pos;
  /** Range of the `def name(...)` header line, for diagnostics. */
  isAsync: boolean;
  /** Names assigned in the body (locals), computed once at conversion; `global`/`nonlocal` names excluded. */
  locals?: Set<string>;
}

export interface ClassDef {
  s: 'class';
  name: string;
  bases: Arg[];
  body: Stmt[];
  decorators: Expr[];
  p: Pos;
}

export interface ExceptHandler {
  type?: Expr;
  name?: string;
  body: Stmt[];
}

export type Stmt =
  | { s: 'expr'; e: Expr; p: Pos }
  | { s: 'assign'; targets: Expr[]; value: Expr; p: Pos }
  | { s: 'annassign'; target: Expr; value?: Expr; p: Pos }
  | { s: 'augassign'; target: Expr; op: string; value: Expr; p: Pos }
  | { s: 'return'; value?: Expr; p: Pos }
  | { s: 'if'; branches: { cond: Expr; body: Stmt[] }[]; orelse?: Stmt[]; p: Pos }
  | { s: 'for'; target: Expr; iter: Expr; body: Stmt[]; orelse?: Stmt[]; p: Pos }
  | { s: 'while'; cond: Expr; body: Stmt[]; orelse?: Stmt[]; p: Pos }
  | { s: 'break' | 'continue' | 'pass'; p: Pos }
  | FuncDef
  | ClassDef
  | { s: 'try'; body: Stmt[]; handlers: ExceptHandler[]; orelse?: Stmt[]; final?: Stmt[]; p: Pos }
  | { s: 'with'; items: { ctx: Expr; target?: Expr }[]; body: Stmt[]; p: Pos }
  | { s: 'assert'; cond: Expr; msg?: Expr; p: Pos }
  | { s: 'raise'; exc?: Expr; p: Pos }
  | { s: 'global' | 'nonlocal'; names: string[]; p: Pos }
  | { s: 'import'; names: { module: string; alias?: string }[]; p: Pos }
  | { s: 'importfrom'; module: string; names: { name: string; alias?: string }[] | '*'; p: Pos }
  | { s: 'del'; targets: Expr[]; p: Pos }
  | { s: 'bad'; what: string; p: Pos };

export interface SyntaxProblem {
  message: string;
  p: Pos;
}

export interface Program {
  body: Stmt[];
  syntaxErrors: SyntaxProblem[];
  /** The first place where nesting went past the converter's limit (that subtree is cut off). */
  tooDeep?: SyntaxProblem;
  /** `# netlens: input=1,3,224,224` comment, when present. */
  inputComment?: { shape: number[]; p: Pos };
  /** A `# netlens: input=` comment that is not a valid shape (reported; the input then comes from elsewhere). */
  inputCommentProblem?: { message: string; p: Pos };
}
