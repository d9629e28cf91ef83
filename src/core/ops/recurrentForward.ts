// TensorFlow.js forward of nn.RNN/LSTM/GRU and their cells with PyTorch's semantics: gate order (LSTM i,f,g,o; GRU r,z,n),
// stacked and bidirectional layers, batch_first, proj_size, initial states, unbatched inputs; evaluation mode (no dropout).
import type { Attrs, Tf, TfTensor } from './types';
import { OpArgumentError } from './types';
import { fromTorchOrder, toTorchOrder } from './layout';

export type RecurrentKind = 'RNN' | 'LSTM' | 'GRU';

interface Cell {
  wih: TfTensor;
  whh: TfTensor;
  bih?: TfTensor;
  bhh?: TfTensor;
  whr?: TfTensor;
}

const num = (attrs: Attrs, name: string, fallback: number): number => (typeof attrs[name] === 'number' ? (attrs[name] as number) : fallback);

/** The extra input slots a call passed for `name` (`hx` → [h_0] or [h_0, c_0]), or [] when it passed none. */
export function callInputSlots(attrs: Attrs, name: string): number[] {
  const slot = attrs[`${name}_input`];
  if (typeof slot === 'number') return [slot];
  if (Array.isArray(slot) && slot.every((s) => typeof s === 'number')) return slot as number[];
  return [];
}

/** x·Wᵀ (+ b) over the last axis of a 2-D operand. */
function project(tf: Tf, x: TfTensor, w: TfTensor, b?: TfTensor): TfTensor {
  const y = tf.matMul(x, w, false, true);
  return b ? tf.add(y, b) : y;
}

/**
 * One step of a cell: the new h (and c for an LSTM). `xw` is x·W_ihᵀ + b_ih, already computed for the step.
 * RNN: h' = act(xw + h·W_hhᵀ + b_hh). LSTM: i, f, g, o gates; c' = f·c + i·g; h' = o·tanh(c') (·W_hrᵀ with proj_size).
 * GRU: r, z, n; n = tanh(xw_n + r·(h·W_hnᵀ + b_hn)); h' = (1 − z)·n + z·h.
 */
function step(tf: Tf, kind: RecurrentKind, cell: Cell, xw: TfTensor, h: TfTensor, c: TfTensor | null, relu: boolean): [TfTensor, TfTensor | null] {
  const hw = project(tf, h, cell.whh, cell.bhh);
  if (kind === 'RNN') {
    const pre = tf.add(xw, hw);
    return [relu ? tf.relu(pre) : tf.tanh(pre), null];
  }
  if (kind === 'LSTM') {
    const [i, f, g, o] = tf.split(tf.add(xw, hw), 4, -1) as [TfTensor, TfTensor, TfTensor, TfTensor];
    const next = tf.add(tf.mul(tf.sigmoid(f), c as TfTensor), tf.mul(tf.sigmoid(i), tf.tanh(g)));
    let hNext = tf.mul(tf.sigmoid(o), tf.tanh(next));
    if (cell.whr) hNext = tf.matMul(hNext, cell.whr, false, true);
    return [hNext, next];
  }
  const [xr, xz, xn] = tf.split(xw, 3, -1) as [TfTensor, TfTensor, TfTensor];
  const [hr, hz, hn] = tf.split(hw, 3, -1) as [TfTensor, TfTensor, TfTensor];
  const r = tf.sigmoid(tf.add(xr, hr));
  const z = tf.sigmoid(tf.add(xz, hz));
  const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
  return [tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)), null];
}

function cellWeights(weights: Record<string, TfTensor>, suffix: string, kind: string): Cell {
  const wih = weights[`weight_ih${suffix}`];
  const whh = weights[`weight_hh${suffix}`];
  if (!wih || !whh) throw new OpArgumentError(`${kind}: weights weight_ih${suffix}/weight_hh${suffix} are missing`);
  return { wih, whh, bih: weights[`bias_ih${suffix}`], bhh: weights[`bias_hh${suffix}`], whr: weights[`weight_hr${suffix}`] };
}

/** nn.RNN / nn.LSTM / nn.GRU: [output, h_n] or [output, h_n, c_n], each in the internal layout. */
export function recurrentForward(kind: RecurrentKind, tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>): TfTensor[] {
  const hidden = num(attrs, 'hidden_size', 0);
  const layers = num(attrs, 'num_layers', 1);
  const proj = kind === 'LSTM' ? num(attrs, 'proj_size', 0) : 0;
  const directions = attrs.bidirectional === true ? 2 : 1;
  const batchFirst = attrs.batch_first === true;
  const relu = attrs.nonlinearity === 'relu';
  const outSize = proj || hidden;
  let x = toTorchOrder(tf, inputs[0] as TfTensor);
  const unbatched = x.rank === 2;
  if (unbatched) x = tf.expandDims(x, 1);
  else if (batchFirst) x = tf.transpose(x, [1, 0, 2]);
  const [steps, batch] = x.shape as [number, number, number];
  const stateSlots = callInputSlots(attrs, 'hx');
  const initial = (index: number, size: number): TfTensor => {
    const slot = stateSlots[index];
    if (slot === undefined) return tf.zeros([layers * directions, batch, size]);
    const given = toTorchOrder(tf, inputs[slot] as TfTensor);
    return unbatched ? tf.expandDims(given, 1) : given;
  };
  const h0 = tf.unstack(initial(0, outSize));
  const c0 = kind === 'LSTM' ? tf.unstack(initial(1, hidden)) : [];
  const hN: TfTensor[] = [];
  const cN: TfTensor[] = [];
  let layerInput = x;
  for (let layer = 0; layer < layers; layer++) {
    const outputs: TfTensor[] = [];
    for (let d = 0; d < directions; d++) {
      const cell = cellWeights(weights, `_l${layer}${d === 1 ? '_reverse' : ''}`, kind);
      const features = layerInput.shape[2] as number;
      const xw = tf.reshape(project(tf, tf.reshape(layerInput, [steps * batch, features]), cell.wih, cell.bih), [steps, batch, -1]);
      const perStep = tf.unstack(xw);
      let h = h0[layer * directions + d] as TfTensor;
      let c = kind === 'LSTM' ? (c0[layer * directions + d] as TfTensor) : null;
      const seq: TfTensor[] = new Array<TfTensor>(steps);
      for (let k = 0; k < steps; k++) {
        const t = d === 0 ? k : steps - 1 - k;
        [h, c] = step(tf, kind, cell, perStep[t] as TfTensor, h, c, relu);
        seq[t] = h;
      }
      outputs.push(tf.stack(seq));
      hN.push(h);
      if (c) cN.push(c);
    }
    layerInput = directions === 1 ? (outputs[0] as TfTensor) : tf.concat(outputs, 2);
  }
  let output = layerInput;
  let states = [tf.stack(hN), ...(kind === 'LSTM' ? [tf.stack(cN)] : [])];
  if (unbatched) {
    output = tf.squeeze(output, [1]);
    states = states.map((s) => tf.squeeze(s, [1]));
  } else if (batchFirst) output = tf.transpose(output, [1, 0, 2]);
  return [fromTorchOrder(tf, output), ...states.map((s) => fromTorchOrder(tf, s))];
}

/** nn.RNNCell / nn.LSTMCell / nn.GRUCell on (N, H_in) or (H_in): [h'] or [h', c']. */
export function cellForward(kind: RecurrentKind, tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>): TfTensor[] {
  const hidden = num(attrs, 'hidden_size', 0);
  let x = inputs[0] as TfTensor;
  const unbatched = x.rank === 1;
  if (unbatched) x = tf.expandDims(x, 0);
  const slots = callInputSlots(attrs, 'hx');
  const state = (index: number): TfTensor => {
    const slot = slots[index];
    if (slot === undefined) return tf.zeros([x.shape[0] as number, hidden]);
    const given = inputs[slot] as TfTensor;
    return given.rank === 1 ? tf.expandDims(given, 0) : given;
  };
  const cell = cellWeights(weights, '', `${kind}Cell`);
  const xw = project(tf, x, cell.wih, cell.bih);
  const [h, c] = step(tf, kind, cell, xw, state(0), kind === 'LSTM' ? state(1) : null, attrs.nonlinearity === 'relu');
  const out = kind === 'LSTM' ? [h, c as TfTensor] : [h];
  return unbatched ? out.map((t) => tf.squeeze(t, [0])) : out;
}
