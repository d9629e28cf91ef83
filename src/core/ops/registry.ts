// The one op registry: every layer type NetLens knows, looked up by module class, functional name or tensor method.
import type { OpSpec } from './types';

/** All registered ops. Each op family file contributes its entries here. */
export const ALL_OPS: readonly OpSpec[] = [];

const byOp = new Map<string, OpSpec>();
const byModule = new Map<string, OpSpec>();
const byFunctional = new Map<string, OpSpec>();
const byMethod = new Map<string, OpSpec>();
for (const spec of ALL_OPS) {
  byOp.set(spec.op, spec);
  for (const name of spec.moduleNames ?? []) byModule.set(name, spec);
  for (const name of spec.functionalNames ?? []) byFunctional.set(name, spec);
  for (const name of spec.methodNames ?? []) byMethod.set(name, spec);
}

/** The entry for a canonical op name (`Conv2d`). */
export function getOp(op: string): OpSpec | undefined {
  return byOp.get(op);
}

/** The entry for a fully qualified module class (`torch.nn.Conv2d`). */
export function findModuleOp(qualifiedName: string): OpSpec | undefined {
  return byModule.get(qualifiedName);
}

/** The entry for a fully qualified function (`torch.nn.functional.relu`, `torch.cat`). */
export function findFunctionalOp(qualifiedName: string): OpSpec | undefined {
  return byFunctional.get(qualifiedName);
}

/** The entry for a tensor method (`x.view(...)` → `view`). */
export function findMethodOp(method: string): OpSpec | undefined {
  return byMethod.get(method);
}

/** All fully qualified module class names, for building the `torch.nn` namespace the interpreter exposes. */
export function registeredModuleNames(): string[] {
  return [...byModule.keys()];
}

/** All fully qualified functional names, for building the `torch` / `F` namespaces. */
export function registeredFunctionalNames(): string[] {
  return [...byFunctional.keys()];
}
