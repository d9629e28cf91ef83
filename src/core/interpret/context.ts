// Shared state of the torch model layer: the interpreter, the tracer and the library classes it exposes.
import type { Tracer } from '../graph/tracer';
import type { Interpreter } from './interpreter';
import type { BuiltinTypes } from './builtins';
import type { PyClass } from './values';

export interface TorchClasses {
  Module: PyClass;
  Sequential: PyClass;
  ModuleList: PyClass;
  ModuleDict: PyClass;
  Tensor: PyClass;
  Parameter: PyClass;
}

export interface TorchContext {
  it: Interpreter;
  tracer: Tracer;
  classes: TorchClasses;
  builtinTypes: BuiltinTypes;
  /** The PyClass of a registered layer (one per qualified name, so isinstance works). */
  layerClasses: Map<string, PyClass>;
}
