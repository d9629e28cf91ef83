// Independent naive NCHW reference implementations of PyTorch ops (plain loops), for checking the tfjs builders.

/** A dense tensor in PyTorch (row-major, NCHW) order. */
export interface Dense {
  shape: number[];
  data: Float64Array;
}

export function dense(shape: number[], fill: (i: number) => number): Dense {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(size);
  for (let i = 0; i < size; i++) data[i] = fill(i);
  return { shape, data };
}

function zeros(shape: number[]): Dense {
  return dense(shape, () => 0);
}

/** Row-major strides. */
function strides(shape: number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = (s[i + 1] as number) * (shape[i + 1] as number);
  return s;
}

function get4(t: Dense, n: number, c: number, h: number, w: number): number {
  const [, C, H, W] = t.shape as number[];
  return t.data[((n * (C as number) + c) * (H as number) + h) * (W as number) + w] as number;
}

function idx4(shape: number[], n: number, c: number, h: number, w: number): number {
  const [, C, H, W] = shape as number[];
  return ((n * (C as number) + c) * (H as number) + h) * (W as number) + w;
}

export interface ConvRefOptions {
  stride: [number, number];
  /** [top, bottom, left, right] zero padding */
  pad: [number, number, number, number];
  dilation: [number, number];
  groups: number;
}

/** Direct convolution: out[n,o,y,x] = b[o] + Σ w[o,c,i,j]·in[n, g·Cg + c, y·s − pt + i·d, x·s − pl + j·d]. */
export function conv2dRef(x: Dense, w: Dense, b: Dense | null, o: ConvRefOptions): Dense {
  const [N, C, H, W] = x.shape as number[];
  const [OC, CG, KH, KW] = w.shape as number[];
  const OH = Math.floor(((H as number) + o.pad[0] + o.pad[1] - o.dilation[0] * ((KH as number) - 1) - 1) / o.stride[0]) + 1;
  const OW = Math.floor(((W as number) + o.pad[2] + o.pad[3] - o.dilation[1] * ((KW as number) - 1) - 1) / o.stride[1]) + 1;
  const out = zeros([N as number, OC as number, OH, OW]);
  const outPerGroup = (OC as number) / o.groups;
  for (let n = 0; n < (N as number); n++)
    for (let oc = 0; oc < (OC as number); oc++) {
      const g = Math.floor(oc / outPerGroup);
      for (let y = 0; y < OH; y++)
        for (let xo = 0; xo < OW; xo++) {
          let sum = b ? (b.data[oc] as number) : 0;
          for (let c = 0; c < (CG as number); c++)
            for (let i = 0; i < (KH as number); i++)
              for (let j = 0; j < (KW as number); j++) {
                const iy = y * o.stride[0] - o.pad[0] + i * o.dilation[0];
                const ix = xo * o.stride[1] - o.pad[2] + j * o.dilation[1];
                if (iy < 0 || ix < 0 || iy >= (H as number) || ix >= (W as number)) continue;
                sum += get4(w, oc, c, i, j) * get4(x, n, g * (CG as number) + c, iy, ix);
              }
          out.data[idx4(out.shape, n, oc, y, xo)] = sum;
        }
    }
  void C;
  return out;
}

/** Transposed convolution as a scatter: every input pixel adds w[c, o, i, j]·x at (y·s − p + i·d, x·s − p + j·d). */
export function convTranspose2dRef(
  x: Dense,
  w: Dense,
  b: Dense | null,
  stride: [number, number],
  padding: [number, number],
  outputPadding: [number, number],
  dilation: [number, number],
  groups: number,
): Dense {
  const [N, C, H, W] = x.shape as number[];
  const [, OCG, KH, KW] = w.shape as number[];
  const OH = ((H as number) - 1) * stride[0] - 2 * padding[0] + dilation[0] * ((KH as number) - 1) + outputPadding[0] + 1;
  const OW = ((W as number) - 1) * stride[1] - 2 * padding[1] + dilation[1] * ((KW as number) - 1) + outputPadding[1] + 1;
  const OC = (OCG as number) * groups;
  const out = zeros([N as number, OC, OH, OW]);
  const inPerGroup = (C as number) / groups;
  for (let n = 0; n < (N as number); n++) {
    for (let oc = 0; oc < OC; oc++)
      for (let y = 0; y < OH; y++) for (let xo = 0; xo < OW; xo++) out.data[idx4(out.shape, n, oc, y, xo)] = b ? (b.data[oc] as number) : 0;
    for (let c = 0; c < (C as number); c++) {
      const g = Math.floor(c / inPerGroup);
      for (let iy = 0; iy < (H as number); iy++)
        for (let ix = 0; ix < (W as number); ix++) {
          const v = get4(x, n, c, iy, ix);
          for (let o = 0; o < (OCG as number); o++)
            for (let i = 0; i < (KH as number); i++)
              for (let j = 0; j < (KW as number); j++) {
                const y = iy * stride[0] - padding[0] + i * dilation[0];
                const xo = ix * stride[1] - padding[1] + j * dilation[1];
                if (y < 0 || xo < 0 || y >= OH || xo >= OW) continue;
                out.data[idx4(out.shape, n, g * (OCG as number) + o, y, xo)] += v * get4(w, c, o, i, j);
              }
        }
    }
  }
  return out;
}

/** Pooling output length with PyTorch's ceil_mode rule. */
function pooledLength(len: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const numerator = len + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(numerator / s) : Math.floor(numerator / s)) + 1;
  if (ceil && (out - 1) * s >= len + p) out--;
  return out;
}

export interface PoolRefOptions {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation?: [number, number];
  ceil: boolean;
}

export function maxPool2dRef(x: Dense, o: PoolRefOptions): Dense {
  const [N, C, H, W] = x.shape as number[];
  const d = o.dilation ?? [1, 1];
  const OH = pooledLength(H as number, o.kernel[0], o.stride[0], o.padding[0], d[0], o.ceil);
  const OW = pooledLength(W as number, o.kernel[1], o.stride[1], o.padding[1], d[1], o.ceil);
  const out = zeros([N as number, C as number, OH, OW]);
  for (let n = 0; n < (N as number); n++)
    for (let c = 0; c < (C as number); c++)
      for (let y = 0; y < OH; y++)
        for (let xo = 0; xo < OW; xo++) {
          let best = -Infinity;
          for (let i = 0; i < o.kernel[0]; i++)
            for (let j = 0; j < o.kernel[1]; j++) {
              const iy = y * o.stride[0] - o.padding[0] + i * d[0];
              const ix = xo * o.stride[1] - o.padding[1] + j * d[1];
              if (iy >= 0 && ix >= 0 && iy < (H as number) && ix < (W as number)) best = Math.max(best, get4(x, n, c, iy, ix));
            }
          out.data[idx4(out.shape, n, c, y, xo)] = best;
        }
  return out;
}

export function avgPool2dRef(x: Dense, o: PoolRefOptions & { countIncludePad: boolean; divisorOverride?: number }): Dense {
  const [N, C, H, W] = x.shape as number[];
  const OH = pooledLength(H as number, o.kernel[0], o.stride[0], o.padding[0], 1, o.ceil);
  const OW = pooledLength(W as number, o.kernel[1], o.stride[1], o.padding[1], 1, o.ceil);
  const out = zeros([N as number, C as number, OH, OW]);
  for (let n = 0; n < (N as number); n++)
    for (let c = 0; c < (C as number); c++)
      for (let y = 0; y < OH; y++)
        for (let xo = 0; xo < OW; xo++) {
          let y0 = y * o.stride[0] - o.padding[0];
          let x0 = xo * o.stride[1] - o.padding[1];
          let y1 = Math.min(y0 + o.kernel[0], (H as number) + o.padding[0]);
          let x1 = Math.min(x0 + o.kernel[1], (W as number) + o.padding[1]);
          const paddedArea = (y1 - y0) * (x1 - x0);
          y0 = Math.max(y0, 0);
          x0 = Math.max(x0, 0);
          y1 = Math.min(y1, H as number);
          x1 = Math.min(x1, W as number);
          let sum = 0;
          for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) sum += get4(x, n, c, iy, ix);
          const divisor = o.divisorOverride ?? (o.countIncludePad ? paddedArea : (y1 - y0) * (x1 - x0));
          out.data[idx4(out.shape, n, c, y, xo)] = sum / divisor;
        }
  return out;
}

export function adaptivePool2dRef(x: Dense, outH: number, outW: number, isMax: boolean): Dense {
  const [N, C, H, W] = x.shape as number[];
  const out = zeros([N as number, C as number, outH, outW]);
  for (let n = 0; n < (N as number); n++)
    for (let c = 0; c < (C as number); c++)
      for (let y = 0; y < outH; y++)
        for (let xo = 0; xo < outW; xo++) {
          const y0 = Math.floor((y * (H as number)) / outH);
          const y1 = Math.ceil(((y + 1) * (H as number)) / outH);
          const x0 = Math.floor((xo * (W as number)) / outW);
          const x1 = Math.ceil(((xo + 1) * (W as number)) / outW);
          let acc = isMax ? -Infinity : 0;
          for (let iy = y0; iy < y1; iy++)
            for (let ix = x0; ix < x1; ix++) acc = isMax ? Math.max(acc, get4(x, n, c, iy, ix)) : acc + get4(x, n, c, iy, ix);
          out.data[idx4(out.shape, n, c, y, xo)] = isMax ? acc : acc / ((y1 - y0) * (x1 - x0));
        }
  return out;
}

/** Applies f(value, channel) elementwise, with the channel taken from dim 1 (or dim 0 for rank 1). */
export function perChannel(x: Dense, f: (v: number, c: number) => number): Dense {
  const st = strides(x.shape);
  const axis = x.shape.length >= 2 ? 1 : 0;
  return dense(x.shape, (i) => f(x.data[i] as number, Math.floor(i / (st[axis] as number)) % (x.shape[axis] as number)));
}

/** Mean and biased variance over the elements whose flat index maps to the same `key`. */
export function groupedStats(x: Dense, key: (i: number) => number, groups: number): { mean: number[]; variance: number[] } {
  const sum = new Array<number>(groups).fill(0);
  const count = new Array<number>(groups).fill(0);
  x.data.forEach((v, i) => {
    sum[key(i)] += v;
    count[key(i)] += 1;
  });
  const mean = sum.map((s, g) => s / (count[g] as number));
  const sq = new Array<number>(groups).fill(0);
  x.data.forEach((v, i) => {
    sq[key(i)] += (v - (mean[key(i)] as number)) ** 2;
  });
  return { mean, variance: sq.map((s, g) => s / (count[g] as number)) };
}

export function pixelShuffleRef(x: Dense, r: number): Dense {
  const [N, C, H, W] = x.shape as number[];
  const OC = (C as number) / (r * r);
  const out = zeros([N as number, OC, (H as number) * r, (W as number) * r]);
  for (let n = 0; n < (N as number); n++)
    for (let c = 0; c < OC; c++)
      for (let y = 0; y < (H as number) * r; y++)
        for (let xo = 0; xo < (W as number) * r; xo++) {
          const source = c * r * r + (y % r) * r + (xo % r);
          out.data[idx4(out.shape, n, c, y, xo)] = get4(x, n, source, Math.floor(y / r), Math.floor(xo / r));
        }
  return out;
}

/** Nearest upsampling: source index floor(dst · scale), scale = 1/scale_factor when given, else in/out (float32 math). */
export function upsampleNearestRef(x: Dense, outH: number, outW: number, scaleFactor?: [number, number]): Dense {
  const [N, C, H, W] = x.shape as number[];
  const f = Math.fround;
  const sh = f(scaleFactor ? 1 / scaleFactor[0] : (H as number) / outH);
  const sw = f(scaleFactor ? 1 / scaleFactor[1] : (W as number) / outW);
  const out = zeros([N as number, C as number, outH, outW]);
  for (let n = 0; n < (N as number); n++)
    for (let c = 0; c < (C as number); c++)
      for (let y = 0; y < outH; y++)
        for (let xo = 0; xo < outW; xo++) {
          const iy = Math.min(Math.floor(f(y * sh)), (H as number) - 1);
          const ix = Math.min(Math.floor(f(xo * sw)), (W as number) - 1);
          out.data[idx4(out.shape, n, c, y, xo)] = get4(x, n, c, iy, ix);
        }
  return out;
}

/** Bilinear upsampling, align_corners both ways, written as the 2-D four-neighbour blend. */
export function upsampleBilinearRef(x: Dense, outH: number, outW: number, alignCorners: boolean, scaleFactor?: [number, number]): Dense {
  const [N, C, H, W] = x.shape as number[];
  const source = (dst: number, inLen: number, outLen: number, factor?: number): number => {
    if (alignCorners) return outLen > 1 ? (dst * (inLen - 1)) / (outLen - 1) : 0;
    const scale = factor ? 1 / factor : inLen / outLen;
    return Math.max((dst + 0.5) * scale - 0.5, 0);
  };
  const out = zeros([N as number, C as number, outH, outW]);
  for (let n = 0; n < (N as number); n++)
    for (let c = 0; c < (C as number); c++)
      for (let y = 0; y < outH; y++)
        for (let xo = 0; xo < outW; xo++) {
          const sy = source(y, H as number, outH, scaleFactor?.[0]);
          const sx = source(xo, W as number, outW, scaleFactor?.[1]);
          const y0 = Math.min(Math.floor(sy), (H as number) - 1);
          const x0 = Math.min(Math.floor(sx), (W as number) - 1);
          const y1 = Math.min(y0 + 1, (H as number) - 1);
          const x1 = Math.min(x0 + 1, (W as number) - 1);
          const ly = sy - y0;
          const lx = sx - x0;
          const v =
            (1 - ly) * ((1 - lx) * get4(x, n, c, y0, x0) + lx * get4(x, n, c, y0, x1)) +
            ly * ((1 - lx) * get4(x, n, c, y1, x0) + lx * get4(x, n, c, y1, x1));
          out.data[idx4(out.shape, n, c, y, xo)] = v;
        }
  return out;
}

/** Concatenation along `axis` of row-major tensors. */
export function catRef(parts: Dense[], axis: number): Dense {
  const first = parts[0] as Dense;
  const outShape = first.shape.slice();
  outShape[axis] = parts.reduce((s, p) => s + (p.shape[axis] as number), 0);
  const outer = first.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const data: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const block = p.shape.slice(axis).reduce((a, b) => a * b, 1);
      for (let i = 0; i < block; i++) data.push(p.data[o * block + i] as number);
    }
  }
  return { shape: outShape, data: Float64Array.from(data) };
}

/** Mean over `axes` (keepdim or not). */
export function meanRef(x: Dense, axes: number[], keepdim: boolean): Dense {
  const st = strides(x.shape);
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const kst = strides(keptShape);
  const out = zeros(keptShape);
  const count = axes.reduce((a, ax) => a * (x.shape[ax] as number), 1);
  x.data.forEach((v, i) => {
    let target = 0;
    x.shape.forEach((d, ax) => {
      const coord = Math.floor(i / (st[ax] as number)) % d;
      if (!axes.includes(ax)) target += coord * (kst[ax] as number);
    });
    out.data[target] += v / count;
  });
  return { shape: keepdim ? keptShape : x.shape.filter((_, i) => !axes.includes(i)), data: out.data };
}

/** Linear on the last dimension: y = x·Wᵀ + b. */
export function linearRef(x: Dense, w: Dense, b: Dense | null): Dense {
  const [OUT, IN] = w.shape as number[];
  const rows = x.data.length / (IN as number);
  const out = zeros([...x.shape.slice(0, -1), OUT as number]);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < (OUT as number); o++) {
      let sum = b ? (b.data[o] as number) : 0;
      for (let i = 0; i < (IN as number); i++) sum += (x.data[r * (IN as number) + i] as number) * (w.data[o * (IN as number) + i] as number);
      out.data[r * (OUT as number) + o] = sum;
    }
  return out;
}

/** erf with |error| < 1.2e-7 (Numerical Recipes' erfc Chebyshev fit). */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223
        + t * (1.00002368
          + t * (0.37409196
            + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

/** Softmax along `axis`. */
export function softmaxRef(x: Dense, axis: number): Dense {
  const st = strides(x.shape);
  const len = x.shape[axis] as number;
  const step = st[axis] as number;
  const out = zeros(x.shape);
  for (let i = 0; i < x.data.length; i++) {
    if (Math.floor(i / step) % len !== 0) continue;
    let max = -Infinity;
    for (let k = 0; k < len; k++) max = Math.max(max, x.data[i + k * step] as number);
    let sum = 0;
    for (let k = 0; k < len; k++) sum += Math.exp((x.data[i + k * step] as number) - max);
    for (let k = 0; k < len; k++) out.data[i + k * step] = Math.exp((x.data[i + k * step] as number) - max) / sum;
  }
  return out;
}

/** Generic transpose of a row-major tensor. */
export function permuteRef(x: Dense, perm: number[]): Dense {
  const st = strides(x.shape);
  const outShape = perm.map((p) => x.shape[p] as number);
  const ost = strides(outShape);
  const out = zeros(outShape);
  for (let i = 0; i < out.data.length; i++) {
    let src = 0;
    perm.forEach((p, k) => {
      src += (Math.floor(i / (ost[k] as number)) % (outShape[k] as number)) * (st[p] as number);
    });
    out.data[i] = x.data[src] as number;
  }
  return out;
}
