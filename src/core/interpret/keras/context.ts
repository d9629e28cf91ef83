// State of the Keras model layer for one analysis: tensor histories, layer names, functional graphs, Keras classes.
import type { Shape } from '../../graph/ir';
import type { Pos } from '../../python/ast';
import type { TorchContext } from '../context';
import type { FunctionContext } from '../interpreter';
import { PyFunction, type ModuleState, type PyClass, type PyInstance, type PyTensor, type Value } from '../values';

/** A Python call frame a layer was created in (an interpreter frame, or a nested model's call while building). */
export type KerasFrame = FunctionContext | { label: string };

/** How a build-time (Keras) tensor was made: by keras.Input, or by applying a layer to other tensors. */
export type KerasHistory =
  | { kind: 'input'; order: number }
  | { kind: 'layer'; order: number; call: LayerCall };

/** One application of a layer while the model is built: `layers.Conv2D(...)(x)`. */
export interface LayerCall {
  /** The layer applied; null for a tensor operation on Keras tensors (`x + y`), which has `replay` instead. */
  layer: PyInstance | null;
  inputs: PyTensor[];
  /** The layer was given a list (`Add()([a, b])`), not a single tensor. */
  listInput: boolean;
  output: PyTensor;
  site: Pos;
  order: number;
  /** Frames executing when the layer was applied, outermost first (they become the view's groups). */
  frames: KerasFrame[];
  /** Re-applies a tensor operation to traced operands (in `inputs` order). */
  replay?: (inputs: Value[]) => Value;
}

export interface KerasLayerInfo {
  /** Keras's layer name (`conv2_block1_1_conv`, or an automatic `conv2d_3`). */
  name: string;
  /** True when the name came from `name=`. */
  explicitName: boolean;
  /** `input_shape=` / `input_dim=` given to the layer (batch dimension included as null). */
  inputShape: Shape | null;
}

/** A functional model: its inputs, outputs (as given: tensor, list or dict) and the layer calls between them. */
export interface FunctionalGraph {
  inputs: PyTensor[];
  outputs: Value;
  calls: LayerCall[];
}

export interface KerasClasses {
  Layer: PyClass;
  Model: PyClass;
  Sequential: PyClass;
  Lambda: PyClass;
}

export interface KerasContext {
  tc: TorchContext;
  history: WeakMap<PyTensor, KerasHistory>;
  layerInfo: WeakMap<ModuleState, KerasLayerInfo>;
  graphs: WeakMap<ModuleState, FunctionalGraph>;
  /** Group modules (below the model, outermost first) a tensor operation's node belongs to. */
  callGroups: WeakMap<LayerCall, PyInstance[]>;
  /** Input shape of a Sequential model, when its first layer or an Input declares one. */
  sequentialInput: WeakMap<ModuleState, Shape>;
  /** Automatic names handed out per snake-cased class name (`conv2d`, `conv2d_1`, ...). */
  nameCounts: Map<string, number>;
  /** Layers applied to build-time tensors (parts of a model, so not models themselves). */
  applied: WeakSet<ModuleState>;
  /** Pseudo frames pushed while a nested model is applied at build time. */
  frameStack: KerasFrame[];
  order: number;
  classes: KerasClasses;
}

/** The label of a frame in the view: the function's name, or the class for `__init__` / `call` / `build` methods. */
export function frameLabel(frame: KerasFrame): string {
  if ('label' in frame) return frame.label;
  const fn = frame.fn;
  if (fn instanceof PyFunction && fn.ownerClass && ['__init__', 'call', 'build', '__call__'].includes(fn.name)) return fn.ownerClass.name;
  return fn.name;
}

/** Keras's automatic layer name: snake_case of the class name, numbered from the second instance. */
export function autoLayerName(kc: KerasContext, className: string): string {
  const base = className.replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  const count = kc.nameCounts.get(base) ?? 0;
  kc.nameCounts.set(base, count + 1);
  return count === 0 ? base : `${base}_${count}`;
}
