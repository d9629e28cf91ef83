// Name scopes: function frames, class bodies and the module's globals, chained for closures.
import type { Value } from './values';

export class Scope {
  readonly vars = new Map<string, Value>();
  /** Names declared `global` / `nonlocal` in this frame. */
  globals: Set<string> | null = null;
  nonlocals: Set<string> | null = null;
  constructor(
    readonly parent: Scope | null,
    /** Class bodies are skipped when functions defined inside them look names up (Python's rule). */
    readonly isClassBody = false,
  ) {}

  lookup(name: string): Value | undefined {
    let s: Scope | null = this;
    let first = true;
    while (s) {
      if (first || !s.isClassBody) {
        const v = s.vars.get(name);
        if (v !== undefined) return v;
      }
      first = false;
      s = s.parent;
    }
    return undefined;
  }

  /** The module's globals this scope belongs to (the scope just below the builtins). */
  root(): Scope {
    let s: Scope = this;
    while (s.parent && s.parent.parent) s = s.parent;
    return s;
  }

  /** Assigns in this frame, honouring `global` and `nonlocal` declarations. */
  assign(name: string, value: Value): void {
    if (this.globals?.has(name)) {
      this.root().vars.set(name, value);
      return;
    }
    if (this.nonlocals?.has(name)) {
      let s = this.parent;
      while (s) {
        if (!s.isClassBody && s.vars.has(name)) {
          s.vars.set(name, value);
          return;
        }
        s = s.parent;
      }
    }
    this.vars.set(name, value);
  }

  /** The nearest enclosing scope that is not a class body (the closure of functions defined here). */
  closureScope(): Scope {
    let s: Scope = this;
    while (s.isClassBody && s.parent) s = s.parent;
    return s;
  }
}
