// Test helpers for op entries: build attrs from a signature like the interpreter does, and run shape rules.
import type { Shape } from '../../src/core/graph/ir';
import { findFunctionalOp, findMethodOp, findModuleOp, getOp, trainableParamCount } from '../../src/core/ops/registry';
import type { Attrs, OpSpec, ParamSpec } from '../../src/core/ops/types';
import type { AttrValue } from '../../src/core/graph/ir';

/** Binds positional and keyword arguments to a signature with defaults, then normalises (as the interpreter does). */
export function bind(spec: OpSpec, args: AttrValue[], kwargs: Attrs = {}, signature: ParamSpec[] | undefined = spec.signature): Attrs {
  const attrs: Attrs = {};
  const params = signature ?? [];
  let i = 0;
  for (const p of params) {
    if (p.variadic) {
      attrs[p.name] = args.slice(i);
      i = args.length;
    } else if (i < args.length) attrs[p.name] = args[i++] as AttrValue;
    else if (p.name in kwargs) attrs[p.name] = kwargs[p.name] as AttrValue;
    else if ('default' in p) attrs[p.name] = p.default as AttrValue;
    else throw new Error(`missing ${p.name}`);
  }
  for (const [k, v] of Object.entries(kwargs)) if (!(k in attrs) || params.find((p) => p.name === k)) attrs[k] = v;
  return spec.normalize ? spec.normalize(attrs) : attrs;
}

/** A module entry by class name, e.g. `module('Conv2d')` → torch.nn.Conv2d. */
export function module(name: string): OpSpec {
  const spec = findModuleOp(`torch.nn.${name}`);
  if (!spec) throw new Error(`no module ${name}`);
  return spec;
}

export function functional(name: string): OpSpec {
  const spec = findFunctionalOp(name);
  if (!spec) throw new Error(`no functional ${name}`);
  return spec;
}

export function method(name: string): OpSpec {
  const spec = findMethodOp(name);
  if (!spec) throw new Error(`no method ${name}`);
  return spec;
}

export function op(name: string): OpSpec {
  const spec = getOp(name);
  if (!spec) throw new Error(`no op ${name}`);
  return spec;
}

/** A built module: its entry, attrs, and helpers to query it. */
export interface Built {
  spec: OpSpec;
  attrs: Attrs;
  shape(...inputs: Shape[]): Shape;
  params(): number;
  macs(...inputs: Shape[]): number;
  summary(): string;
}

export function build(spec: OpSpec, args: AttrValue[] = [], kwargs: Attrs = {}, functionalForm = false): Built {
  const attrs = bind(spec, args, kwargs, functionalForm ? (spec.functionalSignature ?? spec.signature) : spec.signature);
  return {
    spec,
    attrs,
    shape: (...inputs) => spec.inferShape(attrs, inputs),
    params: () => trainableParamCount(spec, attrs),
    macs: (...inputs) => (spec.macs ? spec.macs(attrs, inputs, spec.inferShape(attrs, inputs)) : 0),
    summary: () => spec.summary?.(attrs) ?? '',
  };
}

export function nn(name: string, args: AttrValue[] = [], kwargs: Attrs = {}): Built {
  return build(module(name), args, kwargs);
}

/** Seeded uniform random numbers in [-1, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}
