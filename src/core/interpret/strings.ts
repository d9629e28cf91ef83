// String formatting (%-format, str.format, f-string specs) and the str methods model code uses for names.
import type { Pos } from '../python/ast';
import { PyError, typeError } from './errors';
import type { Interpreter } from './interpreter';
import { PyBuiltin, PyDict, PyFloat, PyList, PyTuple, isNumber, numValue, type Value } from './values';

/** Python's repr of a float: `1.0`, `1e-05`, `inf`, `nan`. */
export function formatFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return x.toFixed(1);
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const s = String(x);
  return s.includes('e') ? s.replace(/e([+-])(\d)$/, 'e$10$2') : s;
}

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

/** Formats a value with a format spec (`>5`, `03d`, `.2f`, ...). */
export function formatWithSpec(it: Interpreter, v: Value, spec: string): string {
  if (!spec) return typeof v === 'string' ? v : it.str(v);
  const m = SPEC.exec(spec);
  if (!m) throw new PyError('ValueError', `invalid format specifier '${spec}'`, null);
  const [, fillCh, align, sign, , zero, widthStr, grouping, precStr, type] = m;
  let body: string;
  if (isNumber(v) && typeof v !== 'boolean') {
    const x = numValue(v);
    const prec = precStr !== undefined ? Number(precStr) : undefined;
    switch (type) {
      case 'f':
      case 'F':
        body = Math.abs(x).toFixed(prec ?? 6);
        break;
      case 'e':
      case 'E':
        body = Math.abs(x).toExponential(prec ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
        break;
      case '%':
        body = (Math.abs(x) * 100).toFixed(prec ?? 6) + '%';
        break;
      case 'x':
        body = Math.abs(x).toString(16);
        break;
      case 'b':
        body = Math.abs(x).toString(2);
        break;
      case 'o':
        body = Math.abs(x).toString(8);
        break;
      case 'g':
      case 'G':
        body = String(Number(Math.abs(x).toPrecision(prec || 6)));
        break;
      default:
        body = prec !== undefined && v instanceof PyFloat ? Math.abs(x).toFixed(prec) : typeof v === 'number' ? String(Math.abs(x)) : formatFloat(Math.abs(x));
    }
    if (grouping) body = body.replace(/^(\d+)/, (d) => d.replace(/\B(?=(\d{3})+(?!\d))/g, grouping));
    const signStr = x < 0 ? '-' : sign === '+' ? '+' : sign === ' ' ? ' ' : '';
    const width = widthStr ? Number(widthStr) : 0;
    if (zero && !align) return signStr + body.padStart(Math.max(0, width - signStr.length), '0');
    body = signStr + body;
    return pad(body, width, fillCh ?? ' ', align ?? '>');
  }
  body = typeof v === 'string' ? v : it.str(v);
  if (precStr !== undefined) body = body.slice(0, Number(precStr));
  return pad(body, widthStr ? Number(widthStr) : 0, fillCh ?? ' ', align ?? '<');
}

function pad(s: string, width: number, fill: string, align: string): string {
  if (s.length >= width) return s;
  const n = width - s.length;
  if (align === '<') return s + fill.repeat(n);
  if (align === '^') return fill.repeat(Math.floor(n / 2)) + s + fill.repeat(Math.ceil(n / 2));
  return fill.repeat(n) + s;
}

/** `'%s_%d' % (a, b)` and `'%(name)s' % dict`. */
export function percentFormat(it: Interpreter, fmt: string, args: Value, p: Pos): string {
  const list = args instanceof PyTuple ? args.items : [args];
  let i = 0;
  const out = fmt.replace(/%(\([^)]*\))?([#0\- +]*)(\d+|\*)?(?:\.(\d+))?([diouxXeEfFgGcrsa%])/g, (_m, key: string | undefined, flags: string, width: string | undefined, prec: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    let v: Value;
    if (key) {
      if (!(args instanceof PyDict)) throw typeError('format requires a mapping', p);
      v = args.get(key.slice(1, -1)) ?? null;
    } else {
      if (i >= list.length) throw typeError('not enough arguments for format string', p);
      v = list[i++];
    }
    let spec = '';
    if (flags.includes('-')) spec += '<';
    if (flags.includes('+')) spec += '+';
    if (flags.includes('0')) spec += '0';
    if (width) spec += width;
    if (prec) spec += '.' + prec;
    if (conv === 's') return formatWithSpec(it, it.str(v), spec.replace('0', ''));
    if (conv === 'r' || conv === 'a') return formatWithSpec(it, it.repr(v), spec);
    if (conv === 'd' || conv === 'i' || conv === 'u') {
      if (!isNumber(v)) throw typeError(`%d format: a number is required, not ${it.str(v)}`, p);
      return formatWithSpec(it, Math.trunc(numValue(v)), spec + 'd');
    }
    if (conv === 'c') return typeof v === 'number' ? String.fromCharCode(v) : it.str(v);
    return formatWithSpec(it, isNumber(v) ? new PyFloat(numValue(v)) : v, spec + conv);
  });
  return out;
}

/** `'{}_{name}'.format(...)`. */
export function strFormat(it: Interpreter, fmt: string, args: Value[], kwargs: Map<string, Value> | null, p: Pos): string {
  let auto = 0;
  return fmt.replace(/\{\{|\}\}|\{([^{}:!]*)(?:!([rsa]))?(?::([^{}]*))?\}/g, (m, field: string | undefined, conv: string | undefined, spec: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const path = (field ?? '').split('.');
    const head = path[0];
    let v: Value;
    if (head === '') v = args[auto++];
    else if (/^\d+$/.test(head)) v = args[Number(head)];
    else v = kwargs?.get(head) ?? (undefined as unknown as Value);
    if (v === undefined) throw new PyError('KeyError', `format field '${field}' not given`, p);
    for (const attr of path.slice(1)) v = it.getAttr(v, attr, p);
    if (conv === 'r') v = it.repr(v);
    return formatWithSpec(it, v, spec ?? '');
  });
}

/** The str methods (bound to `s`), or undefined. */
export function stringMethod(it: Interpreter, s: string, name: string): Value | undefined {
  const m = (fn: (args: Value[], kwargs: Map<string, Value> | null, p: Pos) => Value): PyBuiltin => new PyBuiltin(`str.${name}`, fn);
  switch (name) {
    case 'format':
      return m((args, kwargs, p) => strFormat(it, s, args, kwargs, p));
    case 'join':
      return m((args, _k, p) => it.iterate(args[0], p).map((x) => (typeof x === 'string' ? x : it.str(x))).join(s));
    case 'split':
      return m((args) => new PyList(args[0] === undefined || args[0] === null ? s.trim().split(/\s+/).filter(Boolean) : s.split(String(args[0]))));
    case 'rsplit':
      return m((args) => {
        const sep = String(args[0] ?? ' ');
        const max = typeof args[1] === 'number' ? args[1] : -1;
        const parts = s.split(sep);
        if (max < 0 || parts.length <= max + 1) return new PyList(parts);
        return new PyList([parts.slice(0, parts.length - max).join(sep), ...parts.slice(parts.length - max)]);
      });
    case 'upper':
      return m(() => s.toUpperCase());
    case 'lower':
      return m(() => s.toLowerCase());
    case 'strip':
      return m(() => s.trim());
    case 'lstrip':
      return m(() => s.trimStart());
    case 'rstrip':
      return m(() => s.trimEnd());
    case 'startswith':
      return m((args) => (args[0] instanceof PyTuple ? args[0].items.some((x) => s.startsWith(String(x))) : s.startsWith(String(args[0]))));
    case 'endswith':
      return m((args) => (args[0] instanceof PyTuple ? args[0].items.some((x) => s.endsWith(String(x))) : s.endsWith(String(args[0]))));
    case 'replace':
      return m((args) => s.split(String(args[0])).join(String(args[1])));
    case 'isdigit':
      return m(() => /^\d+$/.test(s));
    case 'find':
      return m((args) => s.indexOf(String(args[0])));
    case 'count':
      return m((args) => s.split(String(args[0])).length - 1);
    case 'title':
      return m(() => s.replace(/\b\w/g, (c) => c.toUpperCase()));
    case 'capitalize':
      return m(() => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase());
    case 'zfill':
      return m((args) => s.padStart(Number(args[0]), '0'));
  }
  return undefined;
}
