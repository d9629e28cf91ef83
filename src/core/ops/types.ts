// Types of the op registry: one OpSpec per layer type, read by shape inference, the CLI, the webview and the forward pass.
// Core stays free of TensorFlow.js at run time: builders receive the `tf` namespace as an argument (type-only import).
import type * as tfc from '@tensorflow/tfjs-core';
import type { AttrValue, OpCategory, Shape } from '../graph/ir';

export type { OpCategory };

export type Attrs = Record<string, AttrValue>;
export type Tf = typeof tfc;
export type TfTensor = tfc.Tensor;

/** One constructor (or functional) parameter, in positional order. A parameter without `default` is required. */
export interface ParamSpec {
  name: string;
  default?: AttrValue;
  /** `*args`-style parameter collecting the remaining positional arguments into a list (e.g. `nn.Flatten` has none; `x.view(*shape)`). */
  variadic?: boolean;
}

/** How PyTorch initialises a tensor by default (used by the forward pass with a seeded generator). */
export type InitSpec =
  | { kind: 'uniform'; bound: number }
  | { kind: 'constant'; value: number };

/** A parameter or buffer of a module, in PyTorch's layout, named as in the state dict (`weight`, `bias`, `running_mean`). */
export interface WeightSpec {
  name: string;
  shape: number[];
  /** true for `nn.Parameter`s (counted in params), false for buffers (running stats). */
  trainable: boolean;
  init: InitSpec;
  /** Integer buffer such as `num_batches_tracked` (dumped as int64, not used by the forward pass). */
  integer?: boolean;
}

/** A shape error raised by a shape rule. `message` is complete and human readable, with both shapes in it. */
export class ShapeError extends Error {
  constructor(
    message: string,
    readonly code: string,
    /** Optional concrete fix, e.g. "use nn.Conv2d(64, ...)" */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ShapeError';
  }
}

/** An argument value an entry cannot accept (wrong type, missing, out of range). */
export class OpArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpArgumentError';
  }
}

/** One element of a module's tuple result: a tensor of `shape` (null when unknown or None) or a nested tuple. */
export type TupleOutput = { shape: Shape | null } | { items: TupleOutput[] };

/**
 * Tensor layout contract for `forward`: tensors of rank >= 3 are channels-last inside TensorFlow.js
 * (N,H,W,C for rank 4; N,L,C for rank 3); rank <= 2 tensors are as in PyTorch. Axis-dependent ops
 * (cat, mean, softmax, flatten, view) receive PyTorch axes in `attrs` and must map them (see layout.ts).
 */
export interface OpSpec {
  /** Canonical name, shown everywhere: `Conv2d`, `ReLU`, `add`. */
  op: string;
  /**
   * What kind of layer this is (the IR and the webview's colours read it). Every entry declares one; optional in the type
   * only so an entry being written still compiles: test/unit/op-categories.test.ts fails on any entry without it.
   */
  category?: OpCategory;
  /** Fully qualified module class names, e.g. `torch.nn.Conv2d`. */
  moduleNames?: string[];
  /** Constructor signature (after `self`), in positional order. */
  signature?: ParamSpec[];
  /** Fully qualified functional names, e.g. `torch.nn.functional.relu`, `torch.relu`, `torch.add`. */
  functionalNames?: string[];
  /** Tensor method names, e.g. `relu`, `view`, `flatten`, `mean`. */
  methodNames?: string[];
  /** Signature of the functional/method form AFTER its tensor operand(s). Defaults to `signature`. */
  functionalSignature?: ParamSpec[];
  /**
   * A module's forward() parameters after its tensor inputs (`hx` of an LSTM, `attn_mask` of MultiheadAttention).
   * Tensors passed there become extra inputs, their slots in attrs as `<name>_input`; other values are attrs `<name>`.
   */
  callSignature?: ParamSpec[];
  /** How many leading positional arguments of the functional form are tensors (default 1). `variadicTensors`: a list of tensors (cat). */
  tensorInputs?: number | 'list';
  /** Keyword names of the functional form's tensor operands in order (`F.linear(input=, weight=)`); default input, other, x. */
  tensorInputNames?: string[];
  /** Validates and normalises bound arguments (e.g. kernel_size 3 → [3, 3]); throws OpArgumentError. */
  normalize?(attrs: Attrs): Attrs;
  /** Parameters and buffers in PyTorch's state-dict layout. `input` is the first input's shape when known (for lazy modules). */
  weights?(attrs: Attrs): WeightSpec[];
  /** Output shape from input shapes (NCHW). Throws ShapeError with a precise message. Unknown dims are null. */
  inferShape(attrs: Attrs, inputs: Shape[]): Shape;
  /** Multiply-accumulates for one call, batch included (0 for ops that are not convolutions or linear layers). */
  macs?(attrs: Attrs, inputs: Shape[], output: Shape): number;
  /** Key attributes for labels: `3×3, s2, 64→128`. */
  summary?(attrs: Attrs): string;
  /**
   * Modules whose call returns a tuple (`nn.LSTM`: `output, (h_n, c_n)`; `nn.MultiheadAttention`: `out, weights`):
   * the shapes of the tuple elements AFTER the main output (element 0, from inferShape), nested as PyTorch nests them.
   */
  tupleOutputs?(attrs: Attrs, inputs: Shape[], output: Shape): TupleOutput[];
  /** Converts PyTorch-layout weights to whatever `forward` wants (called once before running). */
  prepareWeights?(tf: Tf, attrs: Attrs, weights: Record<string, TfTensor>): Record<string, TfTensor>;
  /** The forward computation in TensorFlow.js (channels-last layout, see above), with PyTorch's semantics. */
  forward?(tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>, inputShapes: Shape[]): TfTensor;
  /** Why `forward` cannot run a call with these attributes (a setting it does not implement), or null; checked before running. */
  forwardUnsupported?(attrs: Attrs): string | null;
  /** Instead of `forward` for an op with a tuple result: every element, flattened in order (`output, h_n, c_n`). */
  forwardTuple?(tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>, inputShapes: Shape[]): TfTensor[];
}
