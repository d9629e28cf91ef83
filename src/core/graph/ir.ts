// The LayerGraph IR: plain JSON-safe data that everything downstream of the interpreter reads.
// Host UI, webview, CLI and tests consume only these types, never the syntax tree.

/** A tensor shape in PyTorch's order (N, C, H, W for images). `null` marks a dimension that is not known statically. */
export type Shape = (number | null)[];

/** A 1-based, end-inclusive-line / end-exclusive-column range in the source file. */
export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The file, when it is not the analysed entry file (a module it imports), as the module loader named it. */
  file?: string;
}

/** Attribute values recorded on a node (constructor arguments after defaults are applied). */
export type AttrValue = number | string | boolean | null | AttrValue[];

export type Severity = 'error' | 'warning' | 'info';

export interface RelatedLocation {
  range: SourceRange;
  message: string;
}

export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, e.g. `shortcut-shape-mismatch`, `channel-mismatch`, `unknown-layer`. */
  code: string;
  message: string;
  range: SourceRange;
  related: RelatedLocation[];
  /** Shapes involved, when the diagnostic is about shapes. */
  shapes?: Shape[];
  /** The node (or group) the diagnostic is attached to in the graph, when there is one. */
  nodeId?: string;
  groupId?: string;
}

/**
 * What kind of layer a node is; the webview colours nodes by it. Declared by each op registry entry and written into
 * every node by the tracer (pseudo ops too: `Input`/`Output` are `io`, `Unknown` is `other`).
 */
export type OpCategory =
  | 'conv'
  | 'linear'
  | 'norm'
  | 'activation'
  | 'pool'
  /** Tensors combined elementwise or joined: add, sub, mul, div, pow, cat, stack, Keras Add/Concatenate. */
  | 'merge'
  /** One tensor's elements mapped one by one without being an activation layer: sqrt, exp, clamp, masked_fill. */
  | 'elementwise'
  | 'reduce'
  | 'reshape'
  /** Spatial size changes without weights: upsampling, interpolation, padding, pixel shuffle. */
  | 'resample'
  | 'attention'
  /** Recurrent layers: RNN, LSTM, GRU and their cells. */
  | 'sequence'
  | 'embedding'
  | 'dropout'
  /** Passes its input through unchanged (nn.Identity, contiguous, Rescaling's shape). */
  | 'identity'
  | 'io'
  | 'other';

export interface LayerNode {
  /** Unique id within the graph (e.g. `n12`). */
  id: string;
  /** Registered op name (`Conv2d`, `ReLU`, ...) or a pseudo op. Functional calls use the same op name as the module form. */
  op: string;
  category: OpCategory;
  /** Module path as PyTorch names it in `named_modules()` (`layer2.0.conv1`); for functional calls and tensor ops,
   *  the enclosing module's path plus a suffix (`layer2.0.add`, `layer2.0.relu#2`). */
  path: string;
  /** Id of the group (module instance) the node belongs to, or null for the top level. */
  group: string | null;
  /** Constructor arguments with defaults applied, by parameter name. */
  attrs: Record<string, AttrValue>;
  /** Short human label of key attributes, e.g. `3×3, s2, 64→128`. */
  summary: string;
  inputShapes: (Shape | null)[];
  outputShape: Shape | null;
  /** Trainable parameters owned by this node (a module reused twice counts once: only on its first call). */
  params: number;
  /** Multiply-accumulates of this call for the given input, batch included (convolutions and linear layers; 0 otherwise). */
  macs: number;
  /** Where the layer was constructed (`nn.Conv2d(...)` in `__init__`), when it is a module. */
  defRange?: SourceRange;
  /** Where the layer was applied in `forward` (or where the functional op was called). */
  callRange?: SourceRange;
  /** True when a shape error is attached to this node. */
  error?: boolean;
  /** How many times the same module instance had been called before this call (0 for the first). */
  reuse?: number;
  /** Operands no node produces that are nn.Parameters of a module (`x + self.pos_embed`): state-dict key by input slot. */
  constants?: Record<string, string>;
  /** Weights of this layer that are another layer's (`lm_head.weight = wte.weight`): weight name → that layer's key. */
  tied?: Record<string, string>;
}

export type EdgeKind = 'data' | 'shortcut';

export interface Edge {
  id: string;
  from: string;
  to: string;
  /** Which input slot of `to` this edge feeds (0-based). */
  toInput: number;
  /** Which element of `from`'s flattened tuple result it carries (`h_n` of `output, (h_n, c_n) = lstm(x)` is 1); absent: 0. */
  fromOutput?: number;
  shape: Shape | null;
  kind: EdgeKind;
}

export type GroupKind = 'module' | 'sequential' | 'residual' | 'dense' | 'list';

export interface Group {
  id: string;
  /** Module path (`layer2.0`); the root model's group has path ''. */
  path: string;
  /** Python class name of the module (`BasicBlock`). */
  className: string;
  parent: string | null;
  kind: GroupKind;
  /** Trainable parameters of the module, as `sum(p.numel() for p in m.parameters())`. */
  params: number;
  /** MACs of all nodes inside, for the given input. */
  macs: number;
  defRange?: SourceRange;
  /** Where the class is defined (`class BasicBlock(nn.Module):`), when it is a user class. */
  classRange?: SourceRange;
  error?: boolean;
}

export interface Shortcut {
  id: string;
  /** Path of the module whose forward performs the merge (`layer2.0`). */
  path: string;
  op: 'add' | 'cat';
  /** identity: the shortcut operand reaches the merge with no op on its way; projection: it passes through ops. */
  kind: 'identity' | 'projection';
  /** Shapes of the operands, in argument order. */
  shapes: (Shape | null)[];
  /** The merge node (add or cat). */
  nodeId: string;
  /** The node whose output the shortcut branch starts from (the block input). */
  fromNodeId: string;
  /** Index of the operand that is the shortcut (the other operands are the main branch). */
  shortcutOperand: number;
  /** Nodes on the shortcut path (empty for identity). */
  shortcutNodeIds: string[];
  /** Edge drawn for the shortcut (its kind is 'shortcut'). */
  edgeId: string;
  range: SourceRange;
  /** True when the operand shapes do not agree. */
  error?: boolean;
}

export interface ModelCandidate {
  /** A Python call expression that builds it, e.g. `resnet50()` or `BasicBlock()`. */
  expr: string;
  kind: 'class' | 'function';
  name: string;
  line: number;
}

export type InputDtype = 'float32' | 'int64' | 'bool';

/** An input asked for by the user (`--input 1,3,224,224`, `--input t=1:int64`, `--input start_pos=0`). */
export interface InputSpec {
  /** forward's parameter name; absent = the next positional parameter. */
  name?: string;
  /** A tensor's shape (absent for a plain Python value). */
  shape?: number[];
  dtype?: InputDtype;
  /** A non-tensor argument (a Python int or bool). */
  value?: number | boolean;
}

/** One argument forward was traced with. */
export interface ModelInput {
  name: string;
  /** Null when nobody gave it and NetLens cannot know it. */
  shape: Shape | null;
  dtype: InputDtype;
  source: 'argument' | 'comment' | 'file' | 'default' | 'unknown';
  /** A non-tensor argument's value. */
  value?: number | boolean;
}

export interface LayerGraph {
  file: string;
  /** Expression used to build the analysed model. */
  model: string | null;
  models: ModelCandidate[];
  input: Shape;
  /** Where the input shape came from: given (`--input`), the file's `# netlens: input=` comment, the file's own call
   *  of the model (`net(torch.randn(1, 3, 32, 32))`), or a default derived from the first layer. */
  inputSource: 'argument' | 'comment' | 'file' | 'default';
  /** Every argument forward was traced with, in order (the first is `input`); absent when no model was traced. */
  inputs?: ModelInput[];
  output: Shape | null;
  params: number;
  macs: number;
  nodes: LayerNode[];
  edges: Edge[];
  groups: Group[];
  shortcuts: Shortcut[];
  diagnostics: Diagnostic[];
  /** Timings of the analysis stages in milliseconds. */
  timings?: { parseMs: number; interpretMs: number; traceMs: number };
  /**
   * Order of tensor dimensions in every shape of this graph. Absent or 'NCHW': PyTorch's order (N, C, H, W).
   * 'NHWC': channels-last, as Keras reports shapes (batch null when the model declares none); the forward pass then
   * feeds and compares tensors as they are, without converting between orders.
   */
  layout?: 'NCHW' | 'NHWC';
  /** Keras models: Keras's "Trainable params" and "Non-trainable params" (BatchNormalization moving statistics, frozen
   *  layers); they sum to `params`, which is Keras's "Total params" (PyTorch models: every parameter, no split). */
  trainableParams?: number;
  nonTrainableParams?: number;
  /** Project files the entry file imported (directly or not), as the module loader named them; libraries excluded.
   *  A change to any of them calls for a new analysis. */
  imports?: string[];
}
