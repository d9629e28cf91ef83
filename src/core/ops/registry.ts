// The one op registry: every layer type NetLens knows, looked up by module class, functional name or tensor method.
import type { Attrs, OpSpec } from './types';
import { CONV_OPS } from './conv';
import { NORM_OPS } from './norm';
import { ACTIVATION_OPS } from './activation';
import { POOL_OPS } from './pool';
import { POOL1D_OPS } from './pool1d';
import { LINEAR_OPS } from './linear';
import { DROPOUT_OPS } from './dropout';
import { RESHAPE_OPS } from './reshape';
import { MERGE_OPS } from './merge';
import { REDUCE_OPS } from './reduce';
import { RESAMPLE_OPS } from './resample';
import { KERAS_OPS } from './keras';
import { SEQUENCE_OPS } from './sequence';
import { INDEXING_OPS } from './indexing';
import { EINOPS_OPS } from './einops';
import { FUNCTIONAL_OPS } from './functional';
import { COMPLEX_OPS } from './complex';
import { UNFOLD_OPS } from './unfold';
import { TENSOR_MATH_OPS } from './tensorMath';
import { POOL3D_OPS } from './pool3d';

/** All registered ops. Each op family file contributes its entries here. */
export const ALL_OPS: readonly OpSpec[] = [
  ...CONV_OPS,
  ...NORM_OPS,
  ...ACTIVATION_OPS,
  ...POOL_OPS,
  ...POOL1D_OPS,
  ...POOL3D_OPS,
  ...LINEAR_OPS,
  ...DROPOUT_OPS,
  ...RESHAPE_OPS,
  ...MERGE_OPS,
  ...REDUCE_OPS,
  ...RESAMPLE_OPS,
  ...SEQUENCE_OPS,
  ...INDEXING_OPS,
  ...EINOPS_OPS,
  ...FUNCTIONAL_OPS,
  ...COMPLEX_OPS,
  ...UNFOLD_OPS,
  ...TENSOR_MATH_OPS,
  ...KERAS_OPS,
];

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

/** Trainable parameters of one module built with `attrs` (as `sum(p.numel() for p in m.parameters())`). */
export function trainableParamCount(spec: OpSpec, attrs: Attrs): number {
  let total = 0;
  for (const w of spec.weights?.(attrs) ?? []) {
    if (w.trainable) total += w.shape.reduce((a, b) => a * b, 1);
  }
  return total;
}
