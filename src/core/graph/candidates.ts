// Finds the model candidates of a file (constructible module classes, zero-argument factory functions) and the default.
import type { ModelCandidate } from './ir';
import type { ClassDef, FuncDef, Program, Stmt } from '../python/ast';
import type { Scope } from '../interpret/scope';
import { PyClass, PyFunction, type Value } from '../interpret/values';

/** Every identifier referenced anywhere below `node`. */
function referencedNames(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) {
    for (const x of node) referencedNames(x, out);
  } else if (node !== null && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.k === 'name' && typeof o.id === 'string') out.add(o.id);
    for (const key in o) if (key !== 'p') referencedNames(o[key], out);
  }
  return out;
}

function constructibleWithDefaults(cls: PyClass): boolean {
  const init = cls.lookup('__init__');
  if (!(init instanceof PyFunction)) return true;
  return callableWithoutArgs(init, 1);
}

function callableWithoutArgs(fn: PyFunction, skip: number): boolean {
  let normal = 0;
  for (const p of fn.params) {
    if (p.kind === 'normal' && normal++ < skip) continue;
    if ((p.kind === 'normal' || p.kind === 'kwonly') && !fn.defaults.has(p.name)) return false;
  }
  return true;
}

/** Parameter names that take a configuration object (`GPT(config)`, `Net(cfg)`, `Model(args)`). */
const CONFIG_PARAM = /^(config|cfg|conf|configs|args|hparams|hp|params|opt|opts|options|model_args|model_config|settings)$/i;
/** Class names of configuration objects. */
const CONFIG_CLASS = /(Config|Cfg|Args|Arguments|Params|Options|HParams|Settings)$/;

/**
 * The call that builds `cls` when its constructor needs only configuration objects constructible with their defaults
 * (`GPT(GPTConfig())`), else null. The parameter's annotation names the class; without one, a config-named parameter
 * takes the file's config class (the one sharing the model's name prefix when there are several).
 */
function configuredConstruction(cls: PyClass, globals: Scope, moduleClass: PyClass): string | null {
  const init = cls.lookup('__init__');
  if (!(init instanceof PyFunction)) return null;
  const required = init.params.slice(1).filter((p) => (p.kind === 'normal' || p.kind === 'kwonly') && !init.defaults.has(p.name));
  if (required.length === 0 || required.some((p) => p.kind === 'kwonly')) return null;
  const isConfigClass = (v: Value | undefined): v is PyClass => v instanceof PyClass && !v.isSubclassOf(moduleClass) && constructibleWithDefaults(v);
  const configClasses = [...globals.vars].filter(([name, v]) => CONFIG_CLASS.test(name) && isConfigClass(v)).map(([name]) => name);
  const args: string[] = [];
  for (const p of required) {
    const annotated = p.annotation?.replace(/^["']|["']$/g, '');
    if (annotated && /^[A-Za-z_][A-Za-z0-9_]*$/.test(annotated) && isConfigClass(globals.vars.get(annotated))) {
      args.push(`${annotated}()`);
      continue;
    }
    if (!CONFIG_PARAM.test(p.name) || configClasses.length === 0) return null;
    const prefixed = configClasses.filter((c) => c.toLowerCase().startsWith(cls.name.toLowerCase()) || cls.name.toLowerCase().startsWith(c.replace(CONFIG_CLASS,
      '').toLowerCase()));
    const pick = configClasses.length === 1 ? configClasses[0] : prefixed.length === 1 ? prefixed[0] : null;
    if (!pick) return null;
    args.push(`${pick}()`);
  }
  return `${cls.name}(${args.join(', ')})`;
}

/** Return expressions of a function body (nested defs and classes excluded). */
function returnExprs(body: Stmt[], out: unknown[] = []): unknown[] {
  for (const s of body) {
    if (s.s === 'return' && s.value) out.push(s.value);
    else if (s.s === 'if') {
      for (const b of s.branches) returnExprs(b.body, out);
      if (s.orelse) returnExprs(s.orelse, out);
    } else if (s.s === 'for' || s.s === 'while' || s.s === 'with') returnExprs(s.body, out);
    else if (s.s === 'try') {
      returnExprs(s.body, out);
      for (const h of s.handlers) returnExprs(h.body, out);
    }
  }
  return out;
}

/** Stands for a call of a Keras model class through a namespace (`keras.Model(...)`, `tf.keras.Sequential()`). */
const KERAS_MODEL_CALL = '<keras model>';
const KERAS_MODEL_CLASSES = new Set(['Model', 'Sequential', 'Functional']);

/** Names assigned from calls in a body: `model = ResNet(...)` maps model → ResNet. */
function assignedCalls(body: Stmt[], out = new Map<string, string>()): Map<string, string> {
  for (const s of body) {
    if (s.s === 'assign' && s.value.k === 'call' && s.value.fn.k === 'attr' && KERAS_MODEL_CLASSES.has(s.value.fn.name)) {
      for (const t of s.targets) if (t.k === 'name') out.set(t.id, KERAS_MODEL_CALL);
    } else if (s.s === 'assign' && s.value.k === 'call' && s.value.fn.k === 'name') {
      for (const t of s.targets) if (t.k === 'name') out.set(t.id, s.value.fn.id);
    } else if (s.s === 'if') {
      for (const b of s.branches) assignedCalls(b.body, out);
      if (s.orelse) assignedCalls(s.orelse, out);
    } else if (s.s === 'with' || s.s === 'try') assignedCalls(s.body, out);
  }
  return out;
}

/**
 * Candidates in file order. Default rule: among candidates not referenced by another candidate, the first factory
 * function (factories are usually listed smallest first: resnet18 before resnet152), else the last class (files define
 * building blocks before the model that uses them).
 */
export function findCandidates(
  program: Program,
  globals: Scope,
  moduleClass: PyClass,
  /** Calls a zero-argument function whose result cannot be told statically; true when it returns a module. */
  probe: (fn: PyFunction) => boolean = () => false,
  /** Module-level variables holding such a value are candidates too (Keras models built by a script). */
  isModelValue?: (v: Value) => boolean,
): { candidates: ModelCandidate[]; defaultIndex: number } {
  const defs = program.body.filter((s): s is ClassDef | FuncDef => s.s === 'class' || s.s === 'def');
  const globalValue = (name: string): Value | undefined => globals.vars.get(name);
  const isModuleClass = (name: string): boolean => {
    const v = globalValue(name);
    return v instanceof PyClass && v.p !== null && v.isSubclassOf(moduleClass);
  };
  const moduleLibClass = (name: string): boolean => {
    const v = globalValue(name);
    return v instanceof PyClass && v.isSubclassOf(moduleClass);
  };
  const returnsModule = new Map<string, boolean>();
  const funcDefs = new Map(defs.filter((d): d is FuncDef => d.s === 'def').map((d) => [d.name, d]));
  const fnReturnsModule = (name: string, depth: number): boolean => {
    if (returnsModule.has(name)) return returnsModule.get(name)!;
    const def = funcDefs.get(name);
    if (!def || depth > 8) return false;
    returnsModule.set(name, false);
    const assigned = assignedCalls(def.body);
    const callee = (e: unknown): string | null => {
      const x = e as { k: string; fn?: { k: string; id?: string; name?: string }; id?: string };
      if (x.k === 'call' && x.fn?.k === 'name') return x.fn.id!;
      if (x.k === 'call' && x.fn?.k === 'attr' && KERAS_MODEL_CLASSES.has(x.fn.name!)) return KERAS_MODEL_CALL;
      if (x.k === 'name') return assigned.get(x.id!) ?? null;
      return null;
    };
    const returns = returnExprs(def.body);
    let result = returns.some((e) => {
      const c = callee(e);
      return c !== null && (c === KERAS_MODEL_CALL || moduleLibClass(c) || fnReturnsModule(c, depth + 1));
    });
    // `return REGISTRY[name](**kwargs)` and similar: ask the interpreter.
    if (!result && depth === 0 && returns.some((e) => (e as { k: string }).k === 'call')) {
      const fn = globalValue(name);
      if (fn instanceof PyFunction && callableWithoutArgs(fn, 0)) result = probe(fn);
    }
    returnsModule.set(name, result);
    return result;
  };
  const candidates: (ModelCandidate & { refs: Set<string> })[] = [];
  for (const d of defs) {
    const v = globalValue(d.name);
    if (d.s === 'class') {
      if (d.name.startsWith('_') || !isModuleClass(d.name) || !(v instanceof PyClass)) continue;
      const expr = constructibleWithDefaults(v) ? `${d.name}()` : configuredConstruction(v, globals, moduleClass);
      if (!expr) continue;
      candidates.push({ expr, kind: 'class', name: d.name, line: d.p.line, refs: referencedNames(d.body, new Set()) });
    } else {
      if (!(v instanceof PyFunction) || !callableWithoutArgs(v, 0) || d.name.startsWith('_') || !fnReturnsModule(d.name, 0)) continue;
      candidates.push({ expr: `${d.name}()`, kind: 'function', name: d.name, line: d.p.line, refs: referencedNames(d.body, new Set()) });
    }
  }
  if (isModelValue) {
    for (const s of program.body) {
      if (s.s !== 'assign' || s.targets.length !== 1 || s.targets[0]!.k !== 'name') continue;
      const name = (s.targets[0] as { id: string }).id;
      const v = globalValue(name);
      if (name.startsWith('_') || v === undefined || !isModelValue(v) || candidates.some((c) => c.name === name)) continue;
      candidates.push({ expr: name, kind: 'function', name, line: s.p.line, refs: referencedNames(s.value, new Set()) });
    }
  }
  // Names some other candidate refers to (a candidate naming itself, a recursive factory, does not count).
  const referenced = new Set<string>();
  for (const o of candidates) for (const name of o.refs) if (name !== o.name) referenced.add(name);
  const roots = candidates.filter((c) => !referenced.has(c.name));
  const pool = roots.length ? roots : candidates;
  const fnRoot = pool.find((c) => c.kind === 'function');
  const chosen = fnRoot ?? pool[pool.length - 1];
  return { candidates: candidates.map(({ refs: _r, ...c }) => c), defaultIndex: chosen ? candidates.indexOf(chosen) : -1 };
}
