// Turns a LayerGraph into an execution plan (which node reads which values, when each value dies), without TensorFlow.js.
import type { LayerGraph, LayerNode } from '../graph/ir';
import { getOp } from '../ops/registry';
import type { OpSpec } from '../ops/types';
import { RunRefusedError } from './errors';

/** Nodes that are not registry ops: the model input and the (optional) output marker. */
const PASS_THROUGH_OPS = new Set(['Input', 'Output']);

export interface PlanStep {
  node: LayerNode;
  /** The registry entry; undefined for Input/Output markers. */
  spec: OpSpec | undefined;
  /** Ids of the nodes whose values feed this node, in input-slot order; null for a constant operand (see constants). */
  inputIds: (string | null)[];
  /** Which element of each producer's tuple result feeds the slot (0: its main value). */
  inputOutputs: number[];
  /** Operands no layer produces (an nn.Parameter or buffer used directly in forward), by slot: their PyTorch shape. */
  constants: Map<number, number[]>;
  /** The value each constant operand is filled with (1, or 0 for masked_fill's mask: the mask of a buffer of ones). */
  constantFill: Map<number, number>;
  /** Constant operands that are nn.Parameters: their state-dict key (they run with the weights materialised for it). */
  constantKeys: Map<number, string>;
  /** Values (by producing node id) that nobody reads after this step: release them once it has run. */
  release: string[];
}

/** One tensor the model is fed (an Input node): its shape, dtype and, for integer ids, the exclusive upper bound. */
export interface PlanInput {
  nodeId: string;
  /** forward's parameter name (`input` for the first). */
  name: string;
  /** PyTorch order (channels-last for an 'NHWC' graph). */
  shape: number[];
  dtype: 'float32' | 'int64' | 'bool';
  /** int64: ids are drawn uniformly from [0, high) (the smallest embedding table they index, else 2). A float input that
   *  feeds an Embedding runs as int64 ids. */
  high: number;
}

export interface ProgramPlan {
  steps: PlanStep[];
  /** The node whose value is the model output. */
  outputId: string;
  /** Which element of the output node's tuple result is the model output. */
  outputIndex: number;
  /** The concrete shape of the first input (PyTorch order; channels-last for an 'NHWC' graph). */
  inputShape: number[];
  /** Every model input, in graph order (the first is `inputShape`). */
  inputs: PlanInput[];
  /** The graph's dimension order: 'NHWC' (Keras) tensors are fed, compared and returned without conversion. */
  layout?: 'NCHW' | 'NHWC';
  /** Key of the node's weights: the module path (a module called twice shares its weights). */
  weightOwner: Map<string, string>;
  /** Things the user should know about this run (e.g. operands filled with ones). */
  notes: string[];
}

function describe(node: LayerNode): string {
  return node.path ? `'${node.path}' (${node.op})` : `${node.op} node ${node.id}`;
}

/** Builds the plan or throws RunRefusedError naming the first node that makes the graph not runnable. */
export function planProgram(graph: LayerGraph): ProgramPlan {
  if (graph.nodes.length === 0) throw new RunRefusedError('The model has no layers to run.', 'bad-graph');
  const inputNodes = graph.nodes.filter((node) => node.op === 'Input');
  if (inputNodes.length === 0) throw new RunRefusedError('The forward pass needs a model input; the graph has none.', 'no-input');
  const layout = graph.layout ?? 'NCHW';
  const notes: string[] = [];
  const inputs = inputNodes.map((node, index) => planInput(graph, node, index, layout, notes));
  const inputShape = (inputs[0] as PlanInput).shape;

  const position = new Map<string, number>();
  graph.nodes.forEach((node, index) => {
    if (position.has(node.id)) throw new RunRefusedError(`Two nodes share the id ${node.id}.`, 'bad-graph', node.id);
    position.set(node.id, index);
  });

  const inputsOf = new Map<string, { slot: number; from: string; output: number }[]>();
  for (const edge of graph.edges) {
    const from = position.get(edge.from);
    const to = position.get(edge.to);
    if (from === undefined || to === undefined) {
      throw new RunRefusedError(`Edge ${edge.id} refers to a node that is not in the graph.`, 'bad-graph');
    }
    if (from >= to) {
      const node = graph.nodes[to] as LayerNode;
      throw new RunRefusedError(`Node ${describe(node)} reads a value computed after it (nodes are not in execution order).`, 'bad-graph', node.id);
    }
    const list = inputsOf.get(edge.to) ?? [];
    list.push({ slot: edge.toInput, from: edge.from, output: edge.fromOutput ?? 0 });
    inputsOf.set(edge.to, list);
  }

  const steps: PlanStep[] = [];
  const weightOwner = new Map<string, string>();
  for (const node of graph.nodes) {
    const edges = inputsOf.get(node.id) ?? [];
    const slotCount = Math.max(node.op === 'Input' ? 0 : node.inputShapes.length, ...edges.map((edge) => edge.slot + 1));
    const inputIds: (string | null)[] = new Array<string | null>(slotCount).fill(null);
    const inputOutputs: number[] = new Array<number>(slotCount).fill(0);
    for (const edge of edges) {
      if (inputIds[edge.slot] !== null) {
        throw new RunRefusedError(`Node ${describe(node)} has two inputs in slot ${edge.slot}.`, 'bad-graph', node.id);
      }
      inputIds[edge.slot] = edge.from;
      inputOutputs[edge.slot] = edge.output;
      const producer = graph.nodes[position.get(edge.from) as number] as LayerNode;
      if (edge.output > 0 && !getOp(producer.op)?.forwardTuple) {
        throw new RunRefusedError(`Node ${describe(node)} reads element ${edge.output} of the result of ${describe(producer)}, which has no tuple result to run.`,
          'no-forward', node.id);
      }
    }
    const constants = new Map<number, number[]>();
    const constantFill = new Map<number, number>();
    const constantKeys = new Map<number, string>();
    inputIds.forEach((id, slot) => {
      if (id !== null) return;
      const shape = node.inputShapes[slot];
      if (!shape || shape.some((d) => d === null)) {
        throw new RunRefusedError(`Operand ${slot + 1} of ${describe(node)} comes from no layer and its shape is unknown, so it cannot be run.`, 'bad-graph',
          node.id);
      }
      constants.set(slot, shape as number[]);
      const key = node.constants?.[String(slot)];
      if (key !== undefined) {
        constantKeys.set(slot, key);
        notes.push(`${node.path || node.op}: operand ${slot + 1} is the parameter ${key}, used directly in forward; it runs with random values ` +
          'drawn as torch.randn would (--dump writes them).');
        return;
      }
      // A mask computed from such a buffer (`self.bias[:, :, :T, :T] == 0`) masks nothing when the buffer is ones; a
      // mask of ones would mask every position (all −∞ before a softmax).
      const isMask = node.op === 'masked_fill' && slot > 0;
      constantFill.set(slot, isMask ? 0 : 1);
      notes.push(
        `${node.path || node.op}: operand ${slot + 1} (shape ${(shape as number[]).join('×')}) is not produced by any layer ` +
          `(an nn.Parameter or buffer used directly in forward); it runs filled with ${isMask ? 'zeros (a mask that masks nothing)' : 'ones'}.`,
      );
    });
    let spec: OpSpec | undefined;
    if (PASS_THROUGH_OPS.has(node.op)) {
      if (node.op === 'Output' && (inputIds.length === 0 || inputIds[0] === null)) {
        throw new RunRefusedError(`The output marker ${node.id} has no input.`, 'bad-graph', node.id);
      }
      if (node.op === 'Output' && inputIds.length > 1) {
        notes.push(`The model returns ${inputIds.length} tensors; the first is reported as the output (all of them run).`);
      }
    } else {
      spec = node.op === 'Unknown' ? undefined : getOp(node.op);
      if (!spec && node.op !== 'Unknown') {
        // Shaped by the interpreter (topk, sort, ...) but with no entry that could run it.
        throw new RunRefusedError(`Cannot run the model: ${node.op} has no TensorFlow.js implementation yet (layer ${describe(node)}).`, 'no-forward', node.id);
      }
      if (!spec) {
        throw new RunRefusedError(
          `Cannot run the model: layer ${describe(node)} is not a layer NetLens knows, so its computation is unknown.`,
          'unknown-op',
          node.id,
        );
      }
      if (!spec.forward && !spec.forwardTuple) {
        throw new RunRefusedError(`Cannot run the model: ${node.op} has no TensorFlow.js implementation yet (layer ${describe(node)}).`, 'no-forward', node.id);
      }
      const unsupported = spec.forwardUnsupported?.(node.attrs);
      if (unsupported) throw new RunRefusedError(`Cannot run the model: layer ${describe(node)}: ${unsupported}.`, 'no-forward', node.id);
      if (edges.length === 0) {
        throw new RunRefusedError(`Layer ${describe(node)} has no inputs in the graph.`, 'bad-graph', node.id);
      }
      if (spec.weights && !weightOwner.has(node.path)) weightOwner.set(node.path, node.id);
    }
    steps.push({ node, spec, inputIds, inputOutputs, constants, constantFill, constantKeys, release: [] });
  }

  const outputNode = [...graph.nodes].reverse().find((node) => node.op === 'Output');
  const outputStep = outputNode ? (steps[position.get(outputNode.id) as number] as PlanStep) : undefined;
  const outputId = outputStep ? outputStep.inputIds[0] as string : (graph.nodes[graph.nodes.length - 1] as LayerNode).id;
  const outputIndex = outputStep ? (outputStep.inputOutputs[0] as number) : 0;

  // A value dies after the last step that reads it; the output value never dies inside the program.
  const lastReader = new Map<string, number>();
  steps.forEach((step, index) => {
    for (const id of step.inputIds) if (id !== null) lastReader.set(id, index);
  });
  steps.forEach((step, index) => {
    const reader = lastReader.get(step.node.id);
    if (step.node.id === outputId || step.node.op === 'Output') return;
    // A value nobody reads dies right after it is produced (a dead branch still runs, as in PyTorch).
    (steps[reader ?? index] as PlanStep).release.push(step.node.id);
  });
  return { steps, outputId, outputIndex, inputShape, inputs, weightOwner, notes, layout };
}

/** The shape, dtype and id range of one Input node; refuses an input whose shape is not fully known. */
function planInput(graph: LayerGraph, node: LayerNode, index: number, layout: 'NCHW' | 'NHWC', notes: string[]): PlanInput {
  const name = typeof node.attrs.name === 'string' ? node.attrs.name : 'input';
  const declared = index === 0 ? graph.input : (node.outputShape ?? []);
  // A Keras model declares its batch as None: the pass runs one sample.
  const shape = layout === 'NHWC' && declared[0] === null ? [1, ...declared.slice(1)] : declared;
  if (shape.length === 0 && index > 0 && node.outputShape !== null) {
    // A 0-d tensor input is fine; only an unknown shape is refused.
  } else if (shape.length === 0 || shape.some((d) => d === null || !Number.isInteger(d) || d < 1)) {
    const form = layout === 'NHWC' ? 'N,H,W,C' : 'N,C,H,W';
    throw new RunRefusedError(`The shape of input '${name}' ${JSON.stringify(shape)} is not fully known; give one with --input ${index === 0 ? form
      : `${name}=SHAPE`}.`, 'unknown-shape');
  }
  let dtype: PlanInput['dtype'] = node.attrs.dtype === 'int64' || node.attrs.dtype === 'bool' ? node.attrs.dtype : 'float32';
  const bound = embeddingBound(graph, node.id);
  if (dtype === 'float32' && bound !== null) {
    // Token ids given without a dtype (`--input 1,64`): an embedding table can only be indexed by integers.
    dtype = 'int64';
    notes.push(`Input '${name}' feeds an Embedding: it runs as int64 ids below ${bound} (say so with --input ${shape.join(',')}:int64).`);
  }
  return { nodeId: node.id, name, shape: shape as number[], dtype, high: dtype === 'int64' ? bound ?? 2 : 2 };
}

/** The smallest num_embeddings of the Embedding layers an input reaches (through shape ops), or null when it reaches none. */
function embeddingBound(graph: LayerGraph, inputId: string): number | null {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const reached = new Set([inputId]);
  let high = Infinity;
  for (const edge of graph.edges) {
    if (!reached.has(edge.from)) continue;
    const to = byId.get(edge.to);
    if (!to) continue;
    if (to.op === 'Embedding' && edge.toInput === 0 && typeof to.attrs.num_embeddings === 'number') high = Math.min(high, to.attrs.num_embeddings);
    else if (to.category === 'reshape' || to.category === 'identity' || to.op === 'getitem' || to.op === 'narrow' || to.op === 'select') reached.add(to.id);
  }
  return Number.isFinite(high) ? high : null;
}
