// Abstract Python values: JS primitives for int/bool/None/str, small classes for everything else.
import type { FuncDef, Expr, Param, Pos } from '../python/ast';
import type { Shape } from '../graph/ir';
import type { OpSpec, WeightSpec, Attrs } from '../ops/types';
import type { Scope } from './scope';

/** int → JS number (always an integer), bool → boolean, None → null, str → string; the rest are objects. */
export type Value = number | boolean | null | string | PyObject;

export class PyFloat {
  constructor(readonly v: number) {}
}
export class PyTuple {
  constructor(readonly items: Value[]) {}
}
export class PyList {
  constructor(public items: Value[]) {}
}
/** dict and OrderedDict (insertion ordered, as Python's dict). Keys are normalised by `dictKey`. */
export class PyDict {
  readonly map = new Map<unknown, [Value, Value]>();
  /** collections.defaultdict's default_factory: called for a missing key on `d[key]`, its result stored. */
  defaultFactory: Value = null;
  constructor(readonly ordered = false) {}
  get(key: Value): Value | undefined {
    return this.map.get(dictKey(key))?.[1];
  }
  set(key: Value, value: Value): void {
    this.map.set(dictKey(key), [key, value]);
  }
  has(key: Value): boolean {
    return this.map.has(dictKey(key));
  }
  delete(key: Value): boolean {
    return this.map.delete(dictKey(key));
  }
  keys(): Value[] {
    return [...this.map.values()].map((e) => e[0]);
  }
  values(): Value[] {
    return [...this.map.values()].map((e) => e[1]);
  }
  entries(): [Value, Value][] {
    return [...this.map.values()];
  }
}
/** `obj.__dict__`: a dict over the object's own attributes; writes go straight to them, bypassing __setattr__. */
export class PyAttrDict extends PyDict {
  constructor(private readonly attrs: Map<string, Value>) {
    super();
    for (const [k, v] of attrs) super.set(k, v);
  }
  override set(key: Value, value: Value): void {
    super.set(key, value);
    if (typeof key === 'string') this.attrs.set(key, value);
  }
  override delete(key: Value): boolean {
    if (typeof key === 'string') this.attrs.delete(key);
    return super.delete(key);
  }
}
export class PySet {
  readonly map = new Map<unknown, Value>();
  add(v: Value): void {
    this.map.set(dictKey(v), v);
  }
  has(v: Value): boolean {
    return this.map.has(dictKey(v));
  }
}
export class PyRange {
  constructor(readonly start: number, readonly stop: number, readonly step: number) {}
  get length(): number {
    const n = this.step > 0 ? Math.ceil((this.stop - this.start) / this.step) : Math.ceil((this.start - this.stop) / -this.step);
    return Math.max(0, n);
  }
}
export class PySlice {
  constructor(readonly start: Value, readonly stop: Value, readonly step: Value) {}
}

/** A user function or lambda with its defining scope. */
export class PyFunction {
  constructor(
    readonly name: string,
    readonly params: Param[],
    /** Statements for `def`, an expression for `lambda`. */
    readonly body: FuncDef['body'] | Expr,
    readonly closure: Scope,
    readonly defaults: Map<string, Value>,
    readonly p: Pos,
    readonly isLambda: boolean,
  ) {}
  /** Set for methods: the class whose body defined it (for zero-argument `super()`). */
  ownerClass: PyClass | null = null;
}

export type NativeFn = (args: Value[], kwargs: Map<string, Value> | null, site: Pos) => Value;

/** A function implemented in TypeScript (builtins, torch functions, native methods). */
export class PyBuiltin {
  constructor(readonly name: string, readonly fn: NativeFn) {}
}

export class PyClass {
  readonly dict = new Map<string, Value>();
  mro: PyClass[] = [];
  constructor(
    readonly name: string,
    readonly bases: PyClass[],
    /** Where `class X(...):` is, for user classes. */
    readonly p: Pos | null,
    /** Fully qualified name for library classes (`torch.nn.Conv2d`). */
    readonly qualified: string | null = null,
  ) {
    this.mro = computeMro(this);
    this.hasUnknownBase = bases.some((b) => b.hasUnknownBase);
  }
  /** True when a base class could not be modelled: missing attributes are then unknown values, not errors. */
  hasUnknownBase = false;
  /** Set for registered layer classes. */
  layerSpec: OpSpec | null = null;
  /** Native behaviour shared by the library classes (nn.Module, containers, exceptions). */
  native: 'module' | 'sequential' | 'modulelist' | 'moduledict' | 'parameterlist' | 'exception' | 'object' | 'builtin-type' | null = null;
  lookup(name: string): Value | undefined {
    for (const c of this.mro) {
      const v = c.dict.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }
  isSubclassOf(other: PyClass): boolean {
    return this.mro.includes(other);
  }
}

function computeMro(cls: PyClass): PyClass[] {
  // C3 linearisation; falls back to depth-first order if the hierarchy is inconsistent.
  const seqs = [...cls.bases.map((b) => [...b.mro]), [...cls.bases]];
  const out: PyClass[] = [cls];
  for (let guard = 0; guard < 1000; guard++) {
    const nonEmpty = seqs.filter((s) => s.length > 0);
    if (nonEmpty.length === 0) return out;
    let head: PyClass | undefined;
    for (const s of nonEmpty) {
      const cand = s[0];
      if (!nonEmpty.some((t) => t.indexOf(cand) > 0)) {
        head = cand;
        break;
      }
    }
    if (!head) break;
    out.push(head);
    for (const s of nonEmpty) if (s[0] === head) s.shift();
  }
  const dfs: PyClass[] = [cls];
  for (const b of cls.bases) for (const c of b.mro) if (!dfs.includes(c)) dfs.push(c);
  return dfs;
}

/** What nn.Module instances carry: registered children, parameters and (for layers) the op entry. */
export class ModuleState {
  readonly children = new Map<string, Value>();
  readonly params = new Map<string, PyTensor | null>();
  readonly buffers = new Map<string, Value>();
  /** `params`: trainable parameter count of the layer, cached when it is built. */
  layer: { spec: OpSpec; attrs: Attrs; weights: WeightSpec[]; params?: number } | null = null;
  /**
   * A layer's own weights as tensors (state-dict names), made once on first use so that identity holds (tied
   * weights count once); null: removed (`self.bias = None`, weight_norm's `weight`); an assigned tensor replaces one.
   */
  layerTensors: Map<string, PyTensor | null> | null = null;
  /** Where the module was constructed (the call expression). */
  defPos: Pos | null = null;
  /** How many times the module has been called while tracing. */
  calls = 0;
  constructor(readonly kind: 'user' | 'layer' | 'sequential' | 'modulelist' | 'moduledict') {}
}

export class PyInstance {
  readonly dict = new Map<string, Value>();
  constructor(readonly cls: PyClass, readonly mod: ModuleState | null) {}
}

export class PyBound {
  constructor(readonly self: Value, readonly fn: Value) {}
}
export class PyPartial {
  constructor(readonly fn: Value, readonly args: Value[], readonly kwargs: Map<string, Value>) {}
}
export class PyStaticMethod {
  constructor(readonly fn: Value) {}
}
export class PyClassMethod {
  constructor(readonly fn: Value) {}
}
export class PyProperty {
  constructor(readonly fget: Value) {}
}
export class PySuper {
  constructor(readonly startAfter: PyClass, readonly self: Value, readonly selfClass: PyClass) {}
}

/** A symbolic tensor: its shape and the graph node that produced it (null for constants and parameters). */
export class PyTensor {
  constructor(
    readonly shape: Shape | null,
    readonly node: string | null,
    readonly isParameter = false,
  ) {}
  requiresGrad = true;
}

/** A namespace such as `torch`, `torch.nn`, `math`: members resolved by the interpreter on demand. */
export class PyNamespace {
  constructor(
    readonly qualified: string,
    /** For a module read from source: its globals, shared with the scope its code runs in. */
    readonly members = new Map<string, Value>(),
    /** True for a module read from source: a missing attribute is an AttributeError, not a lazily resolved name. */
    readonly fromSource = false,
  ) {}
}

/** Anything NetLens cannot model; `what` names it for diagnostics. */
export class PyUnknown {
  /** Set when the unknown value was stored as an attribute of a module (its name in the module). */
  owner: { mod: ModuleState; name: string } | null = null;
  constructor(readonly what: string) {}
}

/** A raised Python exception object. */
export class PyExceptionValue {
  constructor(readonly cls: PyClass, readonly message: string) {}
}

export type PyObject =
  | PyFloat
  | PyTuple
  | PyList
  | PyDict
  | PySet
  | PyRange
  | PySlice
  | PyFunction
  | PyBuiltin
  | PyClass
  | PyInstance
  | PyBound
  | PyPartial
  | PyStaticMethod
  | PyClassMethod
  | PyProperty
  | PySuper
  | PyTensor
  | PyNamespace
  | PyUnknown
  | PyExceptionValue;

/** Normalises a dict key so that equal Python values share one Map key (1 == 1.0 == True). */
export function dictKey(v: Value): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'boolean' ? (v ? 1 : 0) : v;
  if (v instanceof PyFloat) return v.v;
  if (v instanceof PyTuple) return 't(' + v.items.map((x) => String(dictKey(x))).join(',') + ')';
  return v;
}

export function isNumber(v: Value): v is number | boolean | PyFloat {
  return typeof v === 'number' || typeof v === 'boolean' || v instanceof PyFloat;
}

/** The JS number of an int/float/bool value. */
export function numValue(v: number | boolean | PyFloat): number {
  return typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : v.v;
}

export function typeName(v: Value): string {
  if (v === null) return 'NoneType';
  switch (typeof v) {
    case 'number':
      return 'int';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'str';
  }
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyList) return 'list';
  if (v instanceof PyDict) return v.ordered ? 'OrderedDict' : 'dict';
  if (v instanceof PySet) return 'set';
  if (v instanceof PyRange) return 'range';
  if (v instanceof PySlice) return 'slice';
  if (v instanceof PyFunction || v instanceof PyBuiltin || v instanceof PyPartial) return 'function';
  if (v instanceof PyClass) return 'type';
  if (v instanceof PyInstance) return v.cls.name;
  if (v instanceof PyBound) return 'method';
  if (v instanceof PyTensor) return 'Tensor';
  if (v instanceof PyNamespace) return 'module';
  if (v instanceof PyExceptionValue) return v.cls.name;
  return 'object';
}
