// The forward pass's inputs and refusals without PyTorch: int64 ids below the embedding size, several named inputs,
// their --dump files, tuple elements read through fromOutput, and ops without a builder refused by name up front.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Tf } from '../../src/core/ops/types';
import { analyzeSource } from '../../src/core/analyze';
import { prepareRun, runForward, RunRefusedError } from '../../src/core/run/index';
import { runCommand } from '../../src/cli/run';

const tfns = tf as unknown as Tf;
const FORWARD = path.join(__dirname, '..', 'fixtures', 'forward');

async function analyzeFixture(file: string, model: string, inputs: { name?: string; shape: number[]; dtype?: 'float32' | 'int64' | 'bool' }[]) {
  const full = path.join(FORWARD, file);
  return analyzeSource(fs.readFileSync(full, 'utf8'), full, { model, inputs });
}

describe('run: integer and several inputs', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('draws int64 ids below the size of the embedding each input indexes, and runs both inputs', async () => {
    const graph = await analyzeFixture('gpt_decoder.py', 'TinyGPT()', [{ shape: [2, 16], dtype: 'int64' }, { name: 'pos', shape: [1, 16], dtype: 'int64' }]);
    const prepared = prepareRun(graph, { seed: 5 });
    assert.deepEqual(prepared.plan.inputs.map((i) => [i.name, i.dtype, i.high, i.shape]), [['input', 'int64', 97, [2, 16]], ['pos', 'int64', 16, [1, 16]]]);
    prepared.plan.inputs.forEach((planned, index) => {
      const ids = prepared.inputs[index] as Float32Array;
      assert.ok(ids.every((v) => Number.isInteger(v) && v >= 0 && v < planned.high), `${planned.name}: ids outside [0, ${planned.high})`);
      assert.ok(new Set(ids).size > 4, `${planned.name}: ids are not spread over the table`);
    });
    const before = tf.memory().numTensors;
    const report = await runForward(tfns, graph, { prepared, runs: 1, warmup: 0, plainRuns: 0 });
    assert.deepEqual(report.output, [2, 16, 97]);
    assert.deepEqual(report.mismatches, []);
    assert.equal(report.outputStats.nonFinite, 0);
    assert.equal(tf.memory().numTensors, before);
  });

  it('--dump writes every input, integer ones as int64', async () => {
    const graph = await analyzeFixture('lstm_classifier.py', 'ReluRNNWithState()', [{ shape: [6, 3, 5] }, { name: 'h0', shape: [2, 3, 7] }]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-inputs-'));
    try {
      let out = '';
      const code = await runCommand(graph, { backend: 'cpu', seed: 1, runs: 1, warmup: 0, dump: dir, write: (t) => (out += t), writeError: () => undefined });
      assert.equal(code, 0, out);
      assert.match(out, /inputs x 6×3×5, h0 2×3×7/);
      assert.ok(fs.existsSync(path.join(dir, 'input.npy')) && fs.existsSync(path.join(dir, 'input.h0.npy')));
      const ids = await analyzeFixture('lstm_classifier.py', 'LSTMClassifier()', [{ shape: [3, 9], dtype: 'int64' }]);
      const idDir = path.join(dir, 'ids');
      assert.equal(await runCommand(ids, { backend: 'cpu', seed: 1, runs: 1, warmup: 0, dump: idDir, write: () => undefined, writeError: () => undefined }), 0);
      assert.match(fs.readFileSync(path.join(idDir, 'input.npy')).subarray(0, 128).toString('latin1'), /'descr': '<i8'/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads h_n and c_n of an LSTM as elements 1 and 2 of its result', async () => {
    const graph = await analyzeFixture('lstm_classifier.py', 'LSTMClassifier()', [{ shape: [3, 9], dtype: 'int64' }]);
    const lstm = graph.nodes.find((n) => n.op === 'LSTM')!;
    const outputs = new Set(graph.edges.filter((e) => e.from === lstm.id).map((e) => e.fromOutput ?? 0));
    assert.deepEqual([...outputs].sort(), [0, 1, 2]);
    const fromH = graph.edges.find((e) => e.from === lstm.id && e.fromOutput === 1)!;
    assert.deepEqual(fromH.shape, [4, 3, 16]);
  });
});

describe('run: ops without a builder are refused before anything runs', () => {
  const refusal = async (body: string, input: number[]): Promise<RunRefusedError> => {
    const source = `import torch\nimport torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 8)\n\n` +
      `    def forward(self, x):\n        y = self.fc(x)\n${body}\n`;
    const graph = await analyzeSource(source, 'net.py', { model: 'Net()', input });
    try {
      prepareRun(graph);
    } catch (error) {
      assert.ok(error instanceof RunRefusedError, String(error));
      return error;
    }
    throw new Error('the run was not refused');
  };

  it('names an op the interpreter shapes but no entry runs', async () => {
    const error = await refusal('        return y.topk(2, dim=1)[0]', [2, 8]);
    assert.equal(error.code, 'no-forward');
    assert.match(error.message, /topk has no TensorFlow\.js implementation yet/);
  });

  it('names a setting a builder does not implement (Conv3d padding_mode)', async () => {
    const source = 'import torch.nn as nn\n\nnet = nn.Sequential(nn.Conv3d(2, 4, 3, padding=1, padding_mode="reflect"))\n';
    const graph = await analyzeSource(source, 'net.py', { model: 'net', input: [1, 2, 4, 4, 4] });
    assert.throws(() => prepareRun(graph), (error: unknown) => error instanceof RunRefusedError && error.code === 'no-forward' &&
      /padding_mode='zeros' only, not 'reflect'/.test(error.message));
  });

  it('names a shape-only registry entry', async () => {
    const error = await refusal('        return torch.view_as_real(torch.view_as_complex(y.view(2, 4, 2)))', [2, 8]);
    assert.equal(error.code, 'no-forward');
    assert.match(error.message, /view_as_complex has no TensorFlow\.js implementation yet/);
  });
});
