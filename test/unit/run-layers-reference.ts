// Builds the same network as a tfjs-layers functional model (an independent implementation of each layer) with the
// weights NetLens materialised, reproducing PyTorch's padding; used as a reference by tests and the forward bench.
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerGraph } from '../../src/core/graph/ir';
import type { Tf, TfTensor } from '../../src/core/ops/types';
import type { PreparedRun } from '../../src/core/run/forward';

/** The same ResNet as a tfjs-layers functional model, with PyTorch's padding reproduced and our weights loaded. */
export function layersModel(tf: Tf, graph: LayerGraph, prepared: PreparedRun): tfl.LayersModel {
  const [, channels, height, width] = graph.input as number[];
  const input = tfl.input({ shape: [height as number, width as number, channels as number] });
  const values = new Map<string, tfl.SymbolicTensor>();
  const weight = (key: string): Float32Array => prepared.weights.byKey.get(key)!.data;
  const pending: [tfl.layers.Layer, TfTensor[]][] = [];
  for (const node of graph.nodes) {
    const inputs = graph.edges.filter((e) => e.to === node.id).sort((a, b) => a.toInput - b.toInput).map((e) => values.get(e.from)!);
    const a = node.attrs;
    let out: tfl.SymbolicTensor;
    switch (node.op) {
      case 'Input':
        out = input;
        break;
      case 'Conv2d': {
        const k = (a.kernel_size as number[])[0] as number;
        const stride = (a.stride as number[])[0] as number;
        const pad = (a.padding as number[])[0] as number;
        let x = inputs[0]!;
        const same = stride === 1 && 2 * pad === k - 1;
        if (pad > 0 && !same) x = tfl.layers.zeroPadding2d({ padding: pad }).apply(x) as tfl.SymbolicTensor;
        const layer = tfl.layers.conv2d({ filters: a.out_channels as number, kernelSize: k, strides: stride, padding: same ? 'same' : 'valid',
          useBias: false });
        out = layer.apply(x) as tfl.SymbolicTensor;
        const w = weight(`${node.path}.weight`);
        pending.push([layer, [tf.tidy(() => tf.transpose(tf.tensor(w, [a.out_channels as number, a.in_channels as number, k, k]), [2, 3, 1, 0]))]]);
        break;
      }
      case 'BatchNorm2d': {
        const layer = tfl.layers.batchNormalization({ axis: -1, epsilon: 1e-5 });
        out = layer.apply(inputs[0]!) as tfl.SymbolicTensor;
        pending.push([layer, ['weight', 'bias', 'running_mean', 'running_var'].map((name) => tf.tensor(weight(`${node.path}.${name}`)))]);
        break;
      }
      case 'ReLU':
        out = tfl.layers.reLU().apply(inputs[0]!) as tfl.SymbolicTensor;
        break;
      case 'MaxPool2d': {
        // After a ReLU every value is >= 0, so zero padding equals PyTorch's -inf padding.
        const padded = tfl.layers.zeroPadding2d({ padding: (a.padding as number[])[0] as number }).apply(inputs[0]!) as tfl.SymbolicTensor;
        out = tfl.layers.maxPooling2d({ poolSize: a.kernel_size as number[] as [number, number], strides: a.stride as number[] as [number, number],
          padding: 'valid' }).apply(padded) as tfl.SymbolicTensor;
        break;
      }
      case 'add':
        out = tfl.layers.add().apply(inputs) as tfl.SymbolicTensor;
        break;
      case 'AdaptiveAvgPool2d':
        out = tfl.layers.globalAveragePooling2d({}).apply(inputs[0]!) as tfl.SymbolicTensor;
        break;
      case 'Flatten':
        out = inputs[0]!;
        break;
      case 'Linear': {
        const layer = tfl.layers.dense({ units: a.out_features as number });
        out = layer.apply(inputs[0]!) as tfl.SymbolicTensor;
        const w = weight(`${node.path}.weight`);
        pending.push([layer, [tf.tidy(() => tf.transpose(tf.tensor(w, [a.out_features as number, a.in_features as number]))),
          tf.tensor(weight(`${node.path}.bias`))]]);
        break;
      }
      default:
        throw new Error(`bench: no tfjs-layers mapping for ${node.op}`);
    }
    values.set(node.id, out);
  }
  const model = tfl.model({ inputs: input, outputs: values.get(graph.nodes[graph.nodes.length - 1]!.id)! });
  for (const [layer, tensors] of pending) {
    layer.setWeights(tensors as never);
    tf.dispose(tensors);
  }
  return model;
}

