// Refusals before running (unknown op, unknown input, memory budget) and detection of runtime/static shape mismatches.
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Tf } from '../../src/core/ops/types';
import { estimateMemory, planProgram, prepareRun, runForward, RunRefusedError } from '../../src/core/run/index';
import { GraphBuilder, smallResidualNet } from './run-graphs';

const tfns = tf as unknown as Tf;

function refusal(fn: () => unknown): RunRefusedError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof RunRefusedError, `expected a refusal, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a refusal');
}

describe('forward pass: refusals and checks', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('refuses a graph with an Unknown op, naming the layer', () => {
    const graph = smallResidualNet();
    const node = graph.nodes.find((n) => n.path === 'block.conv2')!;
    node.op = 'Unknown';
    const error = refusal(() => planProgram(graph));
    assert.equal(error.code, 'unknown-op');
    assert.equal(error.nodeId, node.id);
    assert.match(error.message, /'block\.conv2'/);
  });

  it('refuses an input shape with unknown dimensions and a graph without an input', () => {
    const graph = smallResidualNet();
    graph.input = [null, 3, 12, 12];
    assert.equal(refusal(() => planProgram(graph)).code, 'unknown-shape');
    const noInput = smallResidualNet();
    noInput.nodes = noInput.nodes.filter((n) => n.op !== 'Input');
    noInput.edges = noInput.edges.filter((e) => noInput.nodes.some((n) => n.id === e.from));
    assert.equal(refusal(() => planProgram(noInput)).code, 'no-input');
  });

  it('releases every value after its last reader and keeps the output', () => {
    const plan = planProgram(smallResidualNet());
    const released = plan.steps.flatMap((step) => step.release);
    assert.equal(new Set(released).size, released.length, 'each value released once');
    assert.ok(!released.includes(plan.outputId));
    assert.equal(released.length, plan.steps.length - 1);
    // The pooled value feeds the residual add, so it must live until the add.
    const pool = plan.steps.findIndex((s) => s.node.path === 'pool');
    const addIndex = plan.steps.findIndex((s) => s.node.path === 'block.add');
    const poolId = plan.steps[pool]!.node.id;
    assert.ok(plan.steps[addIndex]!.release.includes(poolId));
  });

  it('estimates weights and peak activations from static shapes', () => {
    const g = new GraphBuilder([1, 16]);
    const a = g.layer('Linear', 'a', { in_features: 16, out_features: 1000 }, [g.inputId]);
    g.layer('Linear', 'b', { in_features: 1000, out_features: 10 }, [a]);
    const graph = g.build();
    const estimate = estimateMemory(planProgram(graph), prepareRun(graph).weights.floatBytes);
    assert.equal(estimate.weightBytes, (16 * 1000 + 1000 + 1000 * 10 + 10) * 4);
    // Peak at layer b: the input (kept for every pass), a's and b's outputs; scratch: the largest inputs + output (a).
    assert.equal(estimate.activationBytes, (16 + 1000 + 10) * 4 + (16 + 1000) * 4);
    assert.equal(estimate.incomplete, false);
  });

  it('models the peak as the copies each backend keeps: at least a host and a backend copy of every weight', () => {
    const g = new GraphBuilder([1, 16]);
    g.layer('Linear', 'a', { in_features: 16, out_features: 1000 }, [g.inputId]);
    const plan = planProgram(g.build());
    const weights = (16 * 1000 + 1000) * 4;
    const backends = ['cpu', 'wasm', 'webgl', 'webgpu'] as const;
    for (const backend of backends) {
      const estimate = estimateMemory(plan, weights, backend);
      assert.equal(estimate.backend, backend);
      assert.ok(estimate.totalBytes >= 2 * (estimate.weightBytes + estimate.activationBytes), backend);
    }
    // Before the backend is chosen (the panel's Auto), the costliest one decides.
    const unknown = estimateMemory(plan, weights);
    assert.equal(unknown.backend, undefined);
    assert.equal(unknown.totalBytes, Math.max(...backends.map((b) => estimateMemory(plan, weights, b).totalBytes)));
    assert.ok(estimateMemory(plan, weights, 'wasm').totalBytes > estimateMemory(plan, weights, 'cpu').totalBytes);
  });

  it('refuses to run above the memory budget with a clear message, before allocating weights', () => {
    const g = new GraphBuilder([64, 3, 512, 512]);
    g.layer('Conv2d', 'conv', { in_channels: 3, out_channels: 256, kernel_size: 3, padding: 1 }, [g.inputId]);
    const error = refusal(() => prepareRun(g.build(), { memoryBudgetMiB: 2048 }));
    assert.equal(error.code, 'memory-budget');
    assert.match(error.message, /needs about [0-9.]+ GiB \(weights .* \+ activations .*\), more than the budget of 2048 MiB/);
    assert.doesNotThrow(() => prepareRun(smallResidualNet(), { memoryBudgetMiB: 1 }));
  });

  it('flags a runtime shape that differs from the static one as an engine bug, with both shapes', async () => {
    const graph = smallResidualNet();
    const conv = graph.nodes.find((n) => n.path === 'block.conv1')!;
    conv.outputShape = [2, 8, 7, 7];
    const avg = graph.nodes.find((n) => n.path === 'avgpool')!;
    avg.outputShape = [2, null, 1, 1];
    const report = await runForward(tfns, graph, { runs: 1, warmup: 0, plainRuns: 0 });
    assert.equal(report.mismatches.length, 1);
    const [mismatch] = report.mismatches;
    assert.equal(mismatch!.path, 'block.conv1');
    assert.deepEqual(mismatch!.runtime, [2, 8, 6, 6]);
    assert.deepEqual(mismatch!.static, [2, 8, 7, 7]);
    assert.match(mismatch!.message, /2×8×7×7.*2×8×6×6/);
    assert.equal(report.layers.find((l) => l.path === 'avgpool')!.mismatch, false, 'unknown static dims agree with anything');
  });

  it('runs an operand that no layer produces (an nn.Parameter used in forward) as ones, with a note', async () => {
    const g = new GraphBuilder([1, 4, 3, 3]);
    g.layer('mul', 'scale', {}, [g.inputId, g.inputId]);
    const graph = g.build();
    const mul = graph.nodes[1]!;
    graph.edges = graph.edges.filter((edge) => !(edge.to === mul.id && edge.toInput === 0));
    mul.inputShapes = [[4, 1, 1], [1, 4, 3, 3]];
    const plan = planProgram(graph);
    assert.deepEqual([...plan.steps[1]!.constants], [[0, [4, 1, 1]]]);
    assert.match(plan.notes[0] ?? '', /^scale: operand 1 \(shape 4×1×1\) is not produced by any layer/);
    const start = tf.memory().numTensors;
    const report = await runForward(tfns, graph, { seed: 2, runs: 1, warmup: 0, plainRuns: 0 });
    assert.deepEqual([...report.outputData], [...prepareRun(graph, { seed: 2 }).input]);
    assert.equal(tf.memory().numTensors, start);

    mul.inputShapes = [[null, 1, 1], [1, 4, 3, 3]];
    assert.equal(refusal(() => planProgram(graph)).code, 'bad-graph');
  });
});
