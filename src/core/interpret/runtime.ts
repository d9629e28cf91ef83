// Wires the interpreter to the torch model layer: builtins, library classes and the hooks the core calls.
import type { Pos, Program, SourceFile } from '../python/ast';
import { Importer, type ImporterHost } from './importer';
import type { ModuleLoader } from './moduleLoader';
import { isNativeRoot, nativeModule } from './stdlib';
import { registerEinops } from './einops/namespace';
import type { AttrValue } from '../graph/ir';
import { Tracer } from '../graph/tracer';
import { toRange } from './diagnostics';
import { Budget } from './budget';
import { installBuiltins } from './builtins';
import { containerGetItem, containerMethod, containerSetItem } from './containers';
import type { TorchContext } from './context';
import { typeError } from './errors';
import { Interpreter, type TorchHooks } from './interpreter';
import { callModule, createModuleClasses, getModuleAttr, instantiateModule, isModule, moduleGetItem, registerChild, setModuleAttr } from './modules';
import { resolveTorch, createTensorClasses, torchNamespaceNames } from './torchns';
import { isKerasModuleName, kerasFileModule, kerasSetTrainable, resolveKeras } from './keras/namespace';
import { kerasTensorAttr, kerasTensorBinary, kerasUnknownCall } from './keras/ops';
import { indexShape, tensorAttr, tensorBinary } from './tensorOps';
import { unknownTensorOp } from './unknownOp';
import { PyClass, PyInstance, PyList, PyNamespace, PySlice, PyTensor, PyTuple, PyUnknown, typeName, type Value } from './values';

export interface Runtime {
  it: Interpreter;
  tc: TorchContext;
}

/** How the runtime reads imported modules: the project's loader, the bundled stubs, and a parser for their text. */
export interface RuntimeImports {
  loader: ModuleLoader | null;
  stubs: ModuleLoader | null;
  parse: (text: string, file: SourceFile) => Program;
}

/** Libraries whose bundled stub is used even when installed: their real source relies on machinery (registries,
 *  hub downloads, backend dispatch) that does not build layers. */
const STUB_FIRST = new Set(['torchvision', 'timm', 'einops', 'keras']);
/** eval()'d text is reported where eval was called. */
const EVAL_SOURCE: SourceFile = { path: '<eval>', library: true };

export function createRuntime(budget: Budget, imports: RuntimeImports | null = null): Runtime {
  const it = new Interpreter(budget);
  const importHost: ImporterHost = {
    parse: imports?.parse ?? (() => ({ body: [], syntaxErrors: [] })),
    native: (name) => nativeModule(it, name),
    ownedByFrontend: isNativeRoot,
    stubFirst: (top) => STUB_FIRST.has(top),
    frontendFile: kerasFileModule,
  };
  it.importer = new Importer(it, importHost, imports?.loader ?? null, imports?.stubs ?? null);
  it.parseExpression = (text) => {
    if (!imports || text.length > 10_000) return null;
    const program = imports.parse(text, EVAL_SOURCE);
    const stmt = program.body[0];
    return program.body.length === 1 && !program.syntaxErrors.length && stmt.s === 'expr' ? stmt.e : null;
  };
  const tracer = new Tracer();
  const builtinTypes = installBuiltins(it);
  const moduleClasses = createModuleClasses({ it }, builtinTypes.object);
  const tensorClasses = createTensorClasses(builtinTypes.object);
  const tc: TorchContext = { it, tracer, builtinTypes, classes: { ...moduleClasses, ...tensorClasses }, layerClasses: new Map() };
  it.tracer = tracer;
  it.moduleClass = moduleClasses.Module;
  it.builtinTypes = builtinTypes;
  const hooks: TorchHooks = {
    instantiateModule: (cls, args, kwargs, site) => instantiateModule(tc, cls, args, kwargs, site) ?? null,
    callModule: (inst, args, kwargs, site) => callModule(tc, inst, args, kwargs, site),
    setModuleAttr: (inst, name, value) => {
      if (name === 'trainable') kerasSetTrainable(tc, inst, value);
      setModuleAttr(inst, name, value);
    },
    getModuleAttr: (inst, name) => getModuleAttr(inst, name, !tracer.recording),
    tensorAttr: (t, name, site) => kerasTensorAttr(tc, t, name) ?? tensorAttr(tc, t, name, site),
    unknownCall: (fn, args, _kwargs, site) => {
      const keras = kerasUnknownCall(tc, fn, args, site);
      if (keras !== undefined) return keras;
      const hasTensor = args.some((a) => a instanceof PyTensor);
      // An unknown validator or converter given only None (`Weights.verify(None)`) is taken to return None.
      if (args.length > 0 && args.every((a) => a === null) && !_kwargs?.size) return null;
      if (!hasTensor) return new PyUnknown(`${fn.what}(...)`);
      // `self.block = lib.Block(...)` then `self.block(x)`: name the layer by its class, not by the call.
      const name = fn.what.replace(/\(\.\.\.\)$/, '');
      return unknownTensorOp(tc, name, args, site, fn.owner?.name, fn.owner ? 'unknown-layer' : 'unknown-op');
    },
    resolveNamespace: (ns: PyNamespace, name: string) => {
      if (ns.qualified === 'torch' || ns.qualified.startsWith('torch.')) return resolveTorch(tc, ns, name);
      if (isKerasModuleName(ns.qualified)) return resolveKeras(tc, ns, name);
      return new PyUnknown(`${ns.qualified}.${name}`);
    },
    namespaceNames: (ns) => (ns.qualified === 'torch' || ns.qualified.startsWith('torch.') ? torchNamespaceNames(ns.qualified) : null),
    builtinMethod: (obj, name) => containerMethod(it, obj, name),
    getItem: (obj, index, site) => getItem(tc, obj, index, site),
    setItem: (obj, index, value, site) => setItem(tc, obj, index, value, site),
    tensorBinary: (op, a, b, site) => kerasTensorBinary(tc, op, a, b, site) ?? tensorBinary(tc, op, a, b, site),
  };
  it.hooks = hooks;
  registerEinops(tc);
  return { it, tc };
}

function getItem(tc: TorchContext, obj: Value, index: Value, site: Pos): Value {
  const { it, tracer } = tc;
  const basic = containerGetItem(it, obj, index, site);
  if (basic !== undefined) return basic;
  if (isModule(obj)) return moduleGetItem(tc, obj, index, site);
  if (obj instanceof PyTensor) {
    const shape = obj.shape ? indexShape(obj.shape, index) : null;
    if (!tracer.recording || obj.node === null) return new PyTensor(shape, null);
    const node = tracer.addNode({
      op: 'getitem',
      attrs: { index: it.repr(index), parts: indexParts(index) },
      summary: `[${it.repr(index).replace(/^\(|\)$/g, '')}]`,
      inputs: [obj.node],
      inputShapes: [obj.shape],
      outputShape: shape,
      params: 0,
      macs: 0,
      module: null,
      suffix: 'getitem',
      callRange: toRange(site),
    });
    return new PyTensor(shape, node.id);
  }
  if (obj instanceof PyInstance) {
    const m = obj.cls.lookup('__getitem__');
    if (m !== undefined) return it.call(m, [obj, index], null, site);
  }
  if (obj instanceof PyUnknown || obj instanceof PyClass) return new PyUnknown(`${it.str(obj)}[...]`);
  throw typeError(`'${typeName(obj)}' object is not subscriptable`, site);
}

/**
 * The index as data for the forward pass: ['slice', start, stop, step] | ['index', i] | ['list', [i, ...]] | ['none'] | ['ellipsis'] per
 * part (start/stop null when omitted); null when a part is not a plain int, slice, None or Ellipsis (tensor indices).
 */
function indexParts(index: Value): AttrValue {
  const parts = index instanceof PyTuple ? index.items : [index];
  const out: AttrValue[] = [];
  const num = (v: Value): number | null | undefined => (v === null ? null : typeof v === 'number' ? v : undefined);
  for (const p of parts) {
    if (p === null) out.push(['none']);
    else if (typeof p === 'number') out.push(['index', p]);
    else if (p instanceof PyUnknown && p.what === 'Ellipsis') out.push(['ellipsis']);
    else if (p instanceof PyList && p.items.length > 0 && p.items.every((x) => typeof x === 'number')) out.push(['list', p.items as number[]]);
    else if (p instanceof PySlice) {
      const [start, stop, step] = [num(p.start), num(p.stop), num(p.step)];
      if (start === undefined || stop === undefined || step === undefined) return null;
      out.push(['slice', start, stop, step ?? 1]);
    } else return null;
  }
  return out;
}

function setItem(tc: TorchContext, obj: Value, index: Value, value: Value, site: Pos): void {
  const { it } = tc;
  if (containerSetItem(it, obj, index, value, site)) return;
  if (isModule(obj)) {
    const mod = obj.mod!;
    if (mod.kind === 'moduledict') registerChild(mod, String(index), value);
    else if (typeof index === 'number') {
      const keys = [...mod.children.keys()];
      const key = keys[index < 0 ? keys.length + index : index];
      if (key !== undefined) mod.children.set(key, value);
    }
    return;
  }
  if (obj instanceof PyInstance) {
    const m = obj.cls.lookup('__setitem__');
    if (m !== undefined) {
      it.call(m, [obj, index, value], null, site);
      return;
    }
  }
  if (obj instanceof PyTensor || obj instanceof PyUnknown) return;
  throw typeError(`'${typeName(obj)}' object does not support item assignment`, site);
}
