// Python's import statement over the module loader: absolute and relative names, packages, `from x import *`, cycles.
import type { Pos, Program, SourceFile } from '../python/ast';
import { PyError } from './errors';
import type { Interpreter } from './interpreter';
import { IMPORT_LIMITS, type ModuleLoader, type ModuleSource } from './moduleLoader';
import { Scope } from './scope';
import { execBlock } from './statements';
import { PyList, PyNamespace, PyTuple, PyUnknown, type Value } from './values';

/** What the importer needs from the engine besides the loader. */
export interface ImporterHost {
  /** Parses an imported file (positions carry `file`). */
  parse(text: string, file: SourceFile): Program;
  /** A module provided natively by a frontend or the standard library, or undefined when it is not one. */
  native(name: string): Value | undefined;
  /** True when `name` lies under a namespace a frontend owns (`torch.…`): never looked for in files. */
  ownedByFrontend(name: string): boolean;
  /** Packages whose bundled stub is preferred over an installed copy (their real source is beyond the interpreter). */
  stubFirst(topLevel: string): boolean;
  /** A module under a frontend's namespace that is not native but may live in a file (a stub, or a library's own helper
   *  module such as `keras.src.applications.resnet`): the names to look for, in order; empty when the frontend owns it. */
  frontendFile?(name: string): string[];
}

interface ModuleContext {
  name: string;
  isPackage: boolean;
}

/** Raised for a module nobody can find; caught by `except ImportError` like Python's ModuleNotFoundError. */
function moduleNotFound(name: string, p: Pos): PyError {
  return new PyError('ModuleNotFoundError', `No module named '${name}'`, p);
}

export class Importer {
  /** Modules by absolute dotted name, inserted before their body runs (so circular imports see the partial module). */
  private readonly modules = new Map<string, Value>();
  private readonly contexts = new WeakMap<Scope, ModuleContext>();
  private readonly sourceOf = new Map<string, ModuleSource>();
  private files = 0;
  private bytes = 0;
  /** Active `try` blocks whose handlers catch ImportError: an unresolved import raises instead of warning. */
  importGuards = 0;
  /** Paths of the files imported so far (entry excluded), for re-analysis when one of them changes. */
  readonly importedFiles: string[] = [];

  constructor(
    private readonly it: Interpreter,
    private readonly host: ImporterHost,
    private readonly loader: ModuleLoader | null,
    private readonly stubs: ModuleLoader | null,
  ) {}

  /** Declares the entry module's globals (its name makes its relative imports resolvable). */
  registerEntry(scope: Scope): void {
    const entry = this.loader?.entryModule() ?? null;
    if (entry) this.contexts.set(scope, entry);
  }

  /** `import a.b.c [as x]`: the value to bind (the top package, or the module itself with an alias). */
  importName(name: string, alias: boolean, p: Pos): Value {
    const parts = name.split('.');
    let top: Value = null;
    let last: Value = null;
    for (let i = 1; i <= parts.length; i++) {
      last = this.load(parts.slice(0, i).join('.'), p, 'warn');
      if (i === 1) top = last;
    }
    return alias ? last : top;
  }

  /** `from X import a, b` / `from X import *` with X possibly relative (`..pkg.mod`). */
  importFrom(moduleText: string, names: { name: string; alias?: string }[] | '*', scope: Scope, p: Pos): void {
    const { mod, absolute } = this.fromModule(moduleText, scope, p);
    if (names === '*') {
      for (const [k, v] of this.starNames(mod, p)) scope.assign(k, v);
      return;
    }
    for (const n of names) {
      const stub = mod instanceof PyNamespace && this.stubModules.has(mod.qualified);
      let v = stub ? (mod as PyNamespace).members.get(n.name) : this.it.getAttrOrUndefined(mod, n.name, p);
      // A frontend namespace does not know its file-served submodules (`from keras.src.applications import imagenet_utils`).
      if (v instanceof PyUnknown && mod instanceof PyNamespace && !mod.fromSource && this.host.frontendFile?.(`${absolute}.${n.name}`).length) {
        v = this.load(`${absolute}.${n.name}`, p, 'quiet') ?? v;
      }
      if (v === undefined) {
        const sub = this.load(`${absolute}.${n.name}`, p, 'quiet');
        if (sub !== undefined) v = sub;
      }
      if (v === undefined) {
        if (stub) {
          this.it.diagnostics.once('warning', 'stub-incomplete', `NetLens's stub of '${absolute.split('.')[0]}' does not model '${n.name}' (from ${absolute}); it is an unknown value, and layers built from it are unknown`, p);
        } else if (this.isSourceModule(mod)) throw new PyError('ImportError', `cannot import name '${n.name}' from '${absolute}'`, p);
        v = new PyUnknown(`${absolute}.${n.name}`);
      }
      scope.assign(n.alias ?? n.name, v);
    }
  }

  /** The module `name` when some loader or stub provides it, else undefined (nothing reported). */
  loadIfPresent(name: string, p: Pos): Value | undefined {
    return this.load(name, p, 'quiet');
  }

  /** A data file (YAML, JSON) the model code opens, through the loader; null when there is none or it cannot be read. */
  readData(path: string): string | null {
    const text = this.loader?.readData?.(path) ?? null;
    if (text === null) return null;
    this.bytes += text.length;
    return this.bytes > IMPORT_LIMITS.bytes ? null : text;
  }

  /** The file that defines a module loaded in this analysis (for diagnostics and the IR). */
  sourceFor(name: string): ModuleSource | undefined {
    return this.sourceOf.get(name);
  }

  private isSourceModule(v: Value): boolean {
    return v instanceof PyNamespace && v.fromSource;
  }

  private starNames(mod: Value, p: Pos): [string, Value][] {
    if (!(mod instanceof PyNamespace)) return [];
    const all = mod.members.get('__all__');
    if (all instanceof PyList || all instanceof PyTuple) {
      return all.items.map((n) => {
        const name = String(n);
        const v = this.it.getAttrOrUndefined(mod, name, p) ?? this.load(`${mod.qualified}.${name}`, p, 'quiet');
        if (v === undefined) throw new PyError('AttributeError', `module '${mod.qualified}' has no attribute '${name}'`, p);
        return [name, v];
      });
    }
    return [...mod.members].filter(([k]) => !k.startsWith('_'));
  }

  /**
   * The module of `from X import …`. A relative X that does not resolve (a file copied out of its package, such as
   * torchvision's model files) falls back to NetLens's native modules of that name, then to a reported unknown.
   */
  private fromModule(text: string, scope: Scope, p: Pos): { mod: Value; absolute: string } {
    if (!text.startsWith('.')) return { mod: this.load(text, p, 'warn'), absolute: text };
    let absolute: string | null = null;
    let failure: PyError | null = null;
    try {
      absolute = this.resolveRelative(text, scope, p);
    } catch (err) {
      if (!(err instanceof PyError)) throw err;
      failure = err;
    }
    const found = absolute !== null ? this.load(absolute, p, 'quiet') : undefined;
    if (found !== undefined) return { mod: found, absolute: absolute! };
    const native = this.host.native(text);
    if (native !== undefined) return { mod: native, absolute: text };
    const copied = this.copiedTorchvisionModule(text, p);
    if (copied) return copied;
    if (this.importGuards > 0) throw failure ?? moduleNotFound(absolute ?? text, p);
    const why = failure ? failure.message : `no module '${absolute}' in the project`;
    this.it.diagnostics.once('warning', 'unresolved-import', `cannot resolve relative import '${text}' (${why}); its names are unknown values`, p);
    return { mod: new PyUnknown(text), absolute: absolute ?? text };
  }

  /**
   * A torchvision model file copied into a project keeps its relative imports (`from ..ops.misc import …`,
   * `from ._utils import …`): they resolve in the bundled torchvision stubs, as if the file still lived in
   * torchvision/models/.
   */
  private copiedTorchvisionModule(text: string, p: Pos): { mod: Value; absolute: string } | undefined {
    const level = /^\.*/.exec(text)![0].length;
    const rest = text.slice(level);
    if (level < 1 || level > 2 || !rest) return undefined;
    const name = `${level === 1 ? 'torchvision.models' : 'torchvision'}.${rest}`;
    if (!this.stubs?.find(name)) return undefined;
    const mod = this.load(name, p, 'quiet');
    return mod === undefined || mod instanceof PyUnknown ? undefined : { mod, absolute: name };
  }

  /** `..a.b` seen from the module running now → the absolute name, as Python's importlib computes it. */
  private resolveRelative(text: string, scope: Scope, p: Pos): string {
    const level = /^\.*/.exec(text)![0].length;
    if (level === 0) return text;
    const rest = text.slice(level);
    const ctx = this.contexts.get(scope.root());
    if (!ctx) throw new PyError('ImportError', 'attempted relative import with no known parent package', p);
    const pkg = ctx.isPackage ? ctx.name.split('.') : ctx.name.split('.').slice(0, -1);
    if (pkg.length === 0) throw new PyError('ImportError', 'attempted relative import with no known parent package', p);
    if (pkg.length < level) throw new PyError('ImportError', 'attempted relative import beyond top-level package', p);
    const base = pkg.slice(0, pkg.length - (level - 1)).join('.');
    return rest ? `${base}.${rest}` : base;
  }

  /**
   * The module `name` (loading its parents first, as Python does). `warn`: a module nobody can find is reported at
   * `p` and becomes an unknown value (or raises inside `try … except ImportError`); `quiet`: undefined.
   */
  private load(name: string, p: Pos, mode: 'warn'): Value;
  private load(name: string, p: Pos, mode: 'warn' | 'quiet'): Value | undefined;
  private load(name: string, p: Pos, mode: 'warn' | 'quiet'): Value | undefined {
    const cached = this.modules.get(name);
    if (cached !== undefined) return cached;
    const native = this.host.native(name);
    if (native !== undefined) {
      this.modules.set(name, native);
      return native;
    }
    if (this.host.ownedByFrontend(name)) {
      // A frontend's own helper modules: NetLens's stub when there is one, else the project's or installed copy.
      const fileNames = this.host.frontendFile?.(name) ?? [];
      const stub = fileNames.length ? this.stubs?.find(fileNames[0]!) ?? null : null;
      let source = stub;
      for (const fileName of fileNames) source ??= this.loader?.find(fileName) ?? null;
      if (source) {
        if (stub) this.stubModules.add(name);
        return this.execute(name, source, p);
      }
      // Framework internals NetLens does not model (`torch.utils.data`): unknown values, nothing to report.
      if (mode === 'quiet') return undefined;
      const v = new PyUnknown(name);
      this.modules.set(name, v);
      return v;
    }
    const dot = name.lastIndexOf('.');
    if (dot > 0) {
      const parent = this.load(name.slice(0, dot), p, mode);
      if (parent === undefined || parent instanceof PyUnknown) return mode === 'quiet' ? undefined : new PyUnknown(name);
      // Running the parent package may have imported this module already (`from .blocks import X` in __init__).
      const loaded = this.modules.get(name);
      if (loaded !== undefined) return loaded;
    }
    const source = this.find(name);
    if (!source) return this.notFound(name, p, mode);
    return this.execute(name, source, p);
  }

  private find(name: string): ModuleSource | null {
    const found = this.loader?.find(name) ?? null;
    if (found && !(found.library && this.host.stubFirst(name.split('.')[0]))) return found;
    const stub = this.stubs?.find(name) ?? null;
    if (stub) this.stubModules.add(name);
    return stub ?? found;
  }

  /** Modules served by NetLens's bundled stubs: partial models of real libraries, so a name they lack is unknown. */
  private readonly stubModules = new Set<string>();

  private notFound(name: string, p: Pos, mode: 'warn' | 'quiet'): Value | undefined {
    if (mode === 'quiet') return undefined;
    if (this.importGuards > 0) throw moduleNotFound(name, p);
    const top = name.split('.')[0];
    // In the analysed file a warning; in a file it imports, information (its names matter only if the model uses them,
    // and then the layers they build are reported as unknown where they are used).
    const severity = p.src ? 'info' : 'warning';
    this.it.diagnostics.once(severity, 'unresolved-import',
      `cannot resolve import '${name}': '${top}' is not in the project, the Python environment or NetLens's bundled stubs; its names are unknown values`, p);
    const v = new PyUnknown(name);
    this.modules.set(name, v);
    return v;
  }

  private execute(name: string, source: ModuleSource, p: Pos): Value {
    this.files++;
    this.bytes += source.text.length;
    if (this.files > IMPORT_LIMITS.files || this.bytes > IMPORT_LIMITS.bytes) {
      this.it.diagnostics.once('error', 'import-budget',
        `import budget exceeded: more than ${IMPORT_LIMITS.files} modules or ${IMPORT_LIMITS.bytes / 1048576} MiB of source; '${name}' and later imports are unknown values`, p);
      const v = new PyUnknown(name);
      this.modules.set(name, v);
      return v;
    }
    const scope = new Scope(this.it.builtins);
    // A stub's missing attributes are unknown values (stubs are partial); a real module's are AttributeErrors.
    const ns = new PyNamespace(name, scope.vars, !this.stubModules.has(name));
    this.modules.set(name, ns);
    this.sourceOf.set(name, source);
    if (!source.library) this.importedFiles.push(source.path);
    this.contexts.set(scope, { name, isPackage: source.isPackage });
    scope.vars.set('__name__', name);
    scope.vars.set('__file__', source.path);
    const dot = name.lastIndexOf('.');
    if (dot > 0) {
      const parent = this.modules.get(name.slice(0, dot));
      if (parent instanceof PyNamespace && parent.fromSource) parent.members.set(name.slice(dot + 1), ns);
    }
    if (source.text) {
      const file: SourceFile = { path: source.path, library: source.library };
      const program = this.host.parse(source.text, file);
      for (const e of program.syntaxErrors.slice(0, 1)) this.it.diagnostics.add('error', 'syntax-error', `syntax error: ${e.message}`, e.p);
      for (const stmt of program.body) {
        try {
          execBlock(this.it, [stmt], { scope, ret: null, ctx: null });
        } catch (err) {
          if (!(err instanceof PyError)) throw err;
          // A failing statement in an imported module: reported where it failed, and the module goes on loading.
          this.it.diagnostics.add('warning', 'module-level-error', `module-level statement failed in ${name}: ${err.pyType}: ${err.message}`,
            err.pos ?? stmt.p);
        }
      }
    }
    return ns;
  }
}
