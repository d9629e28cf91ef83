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
  /** Operands no layer produces (an nn.Parameter or buffer used directly in forward), by slot: their PyTorch shape. */
  constants: Map<number, number[]>;
  /** Values (by producing node id) that nobody reads after this step: release them once it has run. */
  release: string[];
}

export interface ProgramPlan {
  steps: PlanStep[];
  /** The node whose value is the model output. */
  outputId: string;
  /** The concrete input shape (PyTorch order; channels-last for an 'NHWC' graph). */
  inputShape: number[];
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
  if (inputNodes.length !== 1) {
    throw new RunRefusedError(`The forward pass needs exactly one model input; the graph has ${inputNodes.length}.`, 'no-input');
  }
  const layout = graph.layout ?? 'NCHW';
  // A Keras model declares its batch as None: the pass runs one sample.
  const inputShape = layout === 'NHWC' && graph.input[0] === null ? [1, ...graph.input.slice(1)] : graph.input;
  if (inputShape.length === 0 || inputShape.some((d) => d === null || !Number.isInteger(d) || d < 1)) {
    throw new RunRefusedError(
      `The input shape ${JSON.stringify(inputShape)} is not fully known; give one with --input ${layout === 'NHWC' ? 'N,H,W,C' : 'N,C,H,W'}.`,
      'unknown-shape',
    );
  }

  const position = new Map<string, number>();
  graph.nodes.forEach((node, index) => {
    if (position.has(node.id)) throw new RunRefusedError(`Two nodes share the id ${node.id}.`, 'bad-graph', node.id);
    position.set(node.id, index);
  });

  const inputsOf = new Map<string, { slot: number; from: string }[]>();
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
    list.push({ slot: edge.toInput, from: edge.from });
    inputsOf.set(edge.to, list);
  }

  const steps: PlanStep[] = [];
  const weightOwner = new Map<string, string>();
  const notes: string[] = [];
  for (const node of graph.nodes) {
    const edges = inputsOf.get(node.id) ?? [];
    const slotCount = Math.max(node.op === 'Input' ? 0 : node.inputShapes.length, ...edges.map((edge) => edge.slot + 1));
    const inputIds: (string | null)[] = new Array<string | null>(slotCount).fill(null);
    for (const edge of edges) {
      if (inputIds[edge.slot] !== null) {
        throw new RunRefusedError(`Node ${describe(node)} has two inputs in slot ${edge.slot}.`, 'bad-graph', node.id);
      }
      inputIds[edge.slot] = edge.from;
    }
    const constants = new Map<number, number[]>();
    inputIds.forEach((id, slot) => {
      if (id !== null) return;
      const shape = node.inputShapes[slot];
      if (!shape || shape.some((d) => d === null)) {
        throw new RunRefusedError(`Operand ${slot + 1} of ${describe(node)} comes from no layer and its shape is unknown, so it cannot be run.`, 'bad-graph',
          node.id);
      }
      constants.set(slot, shape as number[]);
      notes.push(
        `${node.path || node.op}: operand ${slot + 1} (shape ${(shape as number[]).join('×')}) is not produced by any layer ` +
          '(an nn.Parameter or buffer used directly in forward); it runs filled with ones.',
      );
    });
    let spec: OpSpec | undefined;
    if (PASS_THROUGH_OPS.has(node.op)) {
      if (node.op === 'Output' && (inputIds.length !== 1 || inputIds[0] === null)) {
        throw new RunRefusedError(`The output marker ${node.id} must have exactly one input.`, 'bad-graph', node.id);
      }
    } else {
      spec = node.op === 'Unknown' ? undefined : getOp(node.op);
      if (!spec) {
        throw new RunRefusedError(
          `Cannot run the model: layer ${describe(node)} is not a layer NetLens knows, so its computation is unknown.`,
          'unknown-op',
          node.id,
        );
      }
      if (!spec.forward) {
        throw new RunRefusedError(`Cannot run the model: ${node.op} has no TensorFlow.js implementation yet (layer ${describe(node)}).`, 'no-forward', node.id);
      }
      if (edges.length === 0) {
        throw new RunRefusedError(`Layer ${describe(node)} has no inputs in the graph.`, 'bad-graph', node.id);
      }
      if (spec.weights && !weightOwner.has(node.path)) weightOwner.set(node.path, node.id);
    }
    steps.push({ node, spec, inputIds, constants, release: [] });
  }

  const outputNode = [...graph.nodes].reverse().find((node) => node.op === 'Output');
  const outputId =
    outputNode ? (steps[position.get(outputNode.id) as number] as PlanStep).inputIds[0] as string : (graph.nodes[graph.nodes.length - 1] as LayerNode).id;

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
  return { steps, outputId, inputShape: inputShape as number[], weightOwner, notes, layout };
}
