// TensorFlow.js forward of attention with PyTorch's semantics: nn.MultiheadAttention (batch_first either way, unbatched,
// attn_mask / key_padding_mask as bool or float, bias_kv, add_zero_attn, averaged or per-head weights) and
// F.scaled_dot_product_attention (attn_mask, is_causal, scale). Evaluation mode: no dropout.
import type { Attrs, Tf, TfTensor } from './types';
import { OpArgumentError } from './types';
import { fromTorchOrder, toTorchOrder } from './layout';
import { callInputSlots } from './recurrentForward';

/** Adds a mask to attention scores: a bool mask blocks where true (−∞), a float mask is added. */
function applyMask(tf: Tf, scores: TfTensor, mask: TfTensor): TfTensor {
  if (mask.dtype === 'bool') return tf.where(mask, tf.fill(scores.shape, -Infinity), scores);
  return tf.add(scores, tf.cast(mask, 'float32'));
}

/** softmax(q·kᵀ·scale + masks)·v over the last two axes; returns the output and the attention weights. */
function attend(tf: Tf, q: TfTensor, k: TfTensor, v: TfTensor, scale: number, masks: TfTensor[]): [TfTensor, TfTensor] {
  let scores = tf.mul(tf.matMul(q, k, false, true), scale);
  for (const mask of masks) scores = applyMask(tf, scores, mask);
  const weights = tf.softmax(scores, -1);
  return [tf.matMul(weights, v), weights];
}

/** A lower-triangular bool mask of blocked positions (L×S, true above the diagonal), as PyTorch's is_causal builds it. */
function causalMask(tf: Tf, l: number, s: number): TfTensor {
  const rows = tf.reshape(tf.range(0, l, 1, 'int32'), [l, 1]);
  const cols = tf.reshape(tf.range(0, s, 1, 'int32'), [1, s]);
  return tf.greater(cols, rows);
}

/** F.scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0, is_causal=False, scale=None). */
export function sdpaForward(tf: Tf, attrs: Attrs, inputs: TfTensor[]): TfTensor {
  const [q, k, v] = inputs.slice(0, 3).map((t) => toTorchOrder(tf, t)) as [TfTensor, TfTensor, TfTensor];
  const e = q.shape[q.rank - 1] as number;
  const scale = typeof attrs.scale === 'number' ? attrs.scale : 1 / Math.sqrt(e);
  const masks: TfTensor[] = [];
  const maskSlot = callInputSlots(attrs, 'attn_mask')[0];
  if (maskSlot !== undefined) masks.push(toTorchOrder(tf, inputs[maskSlot] as TfTensor));
  if (attrs.is_causal === true) masks.push(causalMask(tf, q.shape[q.rank - 2] as number, k.shape[k.rank - 2] as number));
  const batch = q.shape.slice(0, -2);
  const broadcast = (t: TfTensor): TfTensor => tf.broadcastTo(t, [...batch, ...t.shape.slice(-2)] as number[]);
  return fromTorchOrder(tf, attend(tf, q, broadcast(k), broadcast(v), scale, masks)[0]);
}

/** nn.MultiheadAttention's forward: [attn_output, attn_output_weights] in the internal layout. */
export function mhaForward(tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>): TfTensor[] {
  const embed = attrs.embed_dim as number;
  const heads = attrs.num_heads as number;
  const head = embed / heads;
  const batchFirst = attrs.batch_first === true;
  let [q, k, v] = inputs.slice(0, 3).map((t) => toTorchOrder(tf, t)) as [TfTensor, TfTensor, TfTensor];
  const unbatched = q.rank === 2;
  // To (N, L, E).
  const toBatchFirst = (t: TfTensor): TfTensor => (unbatched ? tf.expandDims(t, 0) : batchFirst ? t : tf.transpose(t, [1, 0, 2]));
  [q, k, v] = [toBatchFirst(q), toBatchFirst(k), toBatchFirst(v)];
  const [n, l] = q.shape as [number, number, number];
  const bias = weights.in_proj_bias;
  const biasPart = (i: number): TfTensor | undefined => (bias ? tf.slice(bias, [i * embed], [embed]) : undefined);
  const proj = (x: TfTensor, w: TfTensor, b?: TfTensor): TfTensor => {
    const y = tf.matMul(tf.reshape(x, [-1, x.shape[2] as number]), w, false, true);
    return tf.reshape(b ? tf.add(y, b) : y, [x.shape[0] as number, x.shape[1] as number, embed]);
  };
  const packed = weights.in_proj_weight;
  const wq = packed ? tf.slice(packed, [0, 0], [embed, embed]) : (weights.q_proj_weight as TfTensor);
  const wk = packed ? tf.slice(packed, [embed, 0], [embed, embed]) : (weights.k_proj_weight as TfTensor);
  const wv = packed ? tf.slice(packed, [2 * embed, 0], [embed, embed]) : (weights.v_proj_weight as TfTensor);
  let qp = proj(q, wq, biasPart(0));
  let kp = proj(k, wk, biasPart(1));
  let vp = proj(v, wv, biasPart(2));

  const maskOf = (name: string): TfTensor | undefined => {
    const slot = callInputSlots(attrs, name)[0];
    return slot === undefined ? undefined : toTorchOrder(tf, inputs[slot] as TfTensor);
  };
  let attnMask = maskOf('attn_mask');
  let paddingMask = maskOf('key_padding_mask');
  if (paddingMask && unbatched) paddingMask = tf.expandDims(paddingMask, 0);
  const padColumn = (mask: TfTensor | undefined): TfTensor | undefined => {
    if (!mask) return mask;
    const zeros = tf.zeros([...mask.shape.slice(0, -1), 1], mask.dtype === 'bool' ? 'bool' : 'float32');
    return tf.concat([mask, zeros], -1);
  };
  if (weights.bias_k && weights.bias_v) {
    kp = tf.concat([kp, tf.tile(weights.bias_k, [n, 1, 1])], 1);
    vp = tf.concat([vp, tf.tile(weights.bias_v, [n, 1, 1])], 1);
    attnMask = padColumn(attnMask);
    paddingMask = padColumn(paddingMask);
  }
  if (attrs.add_zero_attn === true) {
    kp = tf.concat([kp, tf.zeros([n, 1, embed])], 1);
    vp = tf.concat([vp, tf.zeros([n, 1, embed])], 1);
    attnMask = padColumn(attnMask);
    paddingMask = padColumn(paddingMask);
  }
  const s = kp.shape[1] as number;
  // (N, L, E) → (N, heads, L, head).
  const split = (t: TfTensor, len: number): TfTensor => tf.transpose(tf.reshape(t, [n, len, heads, head]), [0, 2, 1, 3]);
  qp = split(qp, l);
  kp = split(kp, s);
  vp = split(vp, s);
  const masks: TfTensor[] = [];
  if (attnMask) {
    if (attnMask.rank === 2) masks.push(attnMask);
    else if (attnMask.rank === 3) masks.push(tf.reshape(attnMask, [n, heads, l, s]));
    else throw new OpArgumentError(`MultiheadAttention: attn_mask must be 2-D or 3-D, got ${attnMask.rank}-D`);
  }
  if (attrs.is_causal === true && !attnMask) masks.push(causalMask(tf, l, s));
  if (paddingMask) masks.push(tf.reshape(paddingMask, [n, 1, 1, s]));
  const [context, attention] = attend(tf, qp, kp, vp, 1 / Math.sqrt(head), masks);
  const merged = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [n * l, embed]);
  let out = tf.matMul(merged, weights['out_proj.weight'] as TfTensor, false, true);
  if (weights['out_proj.bias']) out = tf.add(out, weights['out_proj.bias']);
  let output = tf.reshape(out, [n, l, embed]);
  let attnWeights = attrs.average_attn_weights === false ? attention : tf.mean(attention, 1);
  if (unbatched) {
    output = tf.squeeze(output, [0]);
    attnWeights = tf.squeeze(attnWeights, [0]);
  } else if (!batchFirst) output = tf.transpose(output, [1, 0, 2]);
  return [fromTorchOrder(tf, output), fromTorchOrder(tf, attnWeights)];
}
