// Config files model code reads: open() through the module loader, json.load/loads and yaml.safe_load/load.
import type { Pos } from '../python/ast';
import { PyError } from './errors';
import type { Interpreter } from './interpreter';
import { parseYaml, YamlError, type YamlValue } from './yamlParse';
import { PyBuiltin, PyClass, PyDict, PyFloat, PyInstance, PyList, PyNamespace, PyUnknown, type Value } from './values';

const TEXT = '__netlens_text__';

/** The file object `open()` returns: read(), readlines(), iteration and `with` support over the file's text. */
function fileClass(it: Interpreter): PyClass {
  const object = it.builtins.vars.get('object') as PyClass;
  const cls = new PyClass('TextIOWrapper', [object], null, 'io.TextIOWrapper');
  const text = (self: Value): string => (self instanceof PyInstance ? String(self.dict.get(TEXT) ?? '') : '');
  const method = (name: string, f: (self: Value) => Value): void => {
    cls.dict.set(name, new PyBuiltin(`TextIOWrapper.${name}`, (args) => f(args[0])));
  };
  method('read', (self) => text(self));
  method('readlines', (self) => new PyList(text(self).split(/(?<=\n)/)));
  method('__iter__', (self) => new PyList(text(self).split(/(?<=\n)/)));
  method('__enter__', (self) => self);
  method('__exit__', () => false);
  method('close', () => null);
  return cls;
}

/** `open(path)` for reading: a project file through the module loader; anything else (writing, unknown paths) is unknown. */
export function openBuiltin(it: Interpreter): PyBuiltin {
  let cls: PyClass | null = null;
  return new PyBuiltin('open', (args, kw) => {
    const path = args[0];
    const mode = args[1] ?? kw?.get('mode') ?? 'r';
    if (typeof path !== 'string' || typeof mode !== 'string' || /[wax+]/.test(mode)) return new PyUnknown('open(...)');
    const text = it.importer.readData(path);
    if (text === null) return new PyUnknown(`open(${JSON.stringify(path)})`);
    cls ??= fileClass(it);
    const f = new PyInstance(cls, null);
    f.dict.set(TEXT, text);
    f.dict.set('name', path);
    return f;
  });
}

/** The text of a str or of a file object from open(); null for anything NetLens cannot read. */
function textOf(v: Value): string | null {
  if (typeof v === 'string') return v;
  if (v instanceof PyInstance && typeof v.dict.get(TEXT) === 'string') return v.dict.get(TEXT) as string;
  return null;
}

function fromYaml(v: YamlValue): Value {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (Array.isArray(v)) return new PyList(v.map(fromYaml));
  if (v instanceof Map) {
    const d = new PyDict();
    for (const [k, x] of v) d.set(k, fromYaml(x));
    return d;
  }
  return new PyFloat(v.float);
}

function fromJson(v: unknown): Value {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? v : new PyFloat(v);
  if (Array.isArray(v)) return new PyList(v.map(fromJson));
  const d = new PyDict();
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) d.set(k, fromJson(x));
  return d;
}

function loader(name: string, parse: (text: string) => Value, errorType: string): (args: Value[], kw: Map<string, Value> | null, p: Pos) => Value {
  return (args, _kw, p) => {
    const text = textOf(args[0] ?? null);
    if (text === null) return new PyUnknown(`${name}(...)`);
    try {
      return parse(text);
    } catch (err) {
      if (err instanceof YamlError || err instanceof SyntaxError) throw new PyError(errorType, err.message, p);
      throw err;
    }
  };
}

export function fillYaml(_it: Interpreter, ns: PyNamespace): void {
  const load = loader('yaml.safe_load', (t) => fromYaml(parseYaml(t)), 'YAMLError');
  for (const name of ['safe_load', 'load', 'full_load', 'unsafe_load']) ns.members.set(name, new PyBuiltin(`yaml.${name}`, load));
  for (const name of ['SafeLoader', 'FullLoader', 'Loader', 'CLoader']) ns.members.set(name, new PyUnknown(`yaml.${name}`));
}

export function fillJson(_it: Interpreter, ns: PyNamespace): void {
  const load = loader('json.load', (t) => fromJson(JSON.parse(t)), 'JSONDecodeError');
  ns.members.set('load', new PyBuiltin('json.load', load));
  ns.members.set('loads', new PyBuiltin('json.loads', load));
  ns.members.set('dumps', new PyBuiltin('json.dumps', () => new PyUnknown('json.dumps(...)')));
}
