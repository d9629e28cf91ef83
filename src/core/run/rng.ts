// Seeded, counter-based random numbers: element i of the stream named `key` depends only on (seed, key, i).
//
// Each state-dict tensor gets its own stream, so a weight's values never depend on the order in which layers are
// materialised or on which other layers exist. The generator is a SplitMix-style counter hash: the stream key is
// hashed with FNV-1a (32-bit) and mixed with the seed; element i is fmix32(streamSeed + i·0x9E3779B9) (the
// MurmurHash3 finaliser), keeping the top 24 bits so every value is exactly representable in float32.

const GOLDEN_GAMMA = 0x9e3779b9;

/** FNV-1a over the UTF-16 code units of `text`, 32-bit. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** MurmurHash3's 32-bit finaliser: a bijective avalanche mix. */
export function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The seed of the stream named `key` under the global `seed`. */
export function streamSeed(seed: number, key: string): number {
  return fmix32(hashString(key) ^ fmix32(Math.trunc(seed) >>> 0));
}

/** Uniform value in [0, 1) for element `index` of a stream (24-bit resolution). */
export function uniformAt(stream: number, index: number): number {
  const mixed = fmix32((stream + Math.imul(index + 1, GOLDEN_GAMMA)) >>> 0);
  return (mixed >>> 8) / 16777216;
}

/** `count` values uniform in [low, high) from the stream `key`. */
export function uniformArray(seed: number, key: string, count: number, low: number, high: number): Float32Array {
  const stream = streamSeed(seed, key);
  const out = new Float32Array(count);
  const span = high - low;
  for (let i = 0; i < count; i++) out[i] = low + span * uniformAt(stream, i);
  return out;
}

/** `count` standard-normal values from the stream `key` (Box–Muller over consecutive uniform pairs). */
export function normalArray(seed: number, key: string, count: number): Float32Array {
  const stream = streamSeed(seed, key);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    // 1 - u keeps the logarithm's argument in (0, 1].
    const u1 = 1 - uniformAt(stream, i);
    const u2 = uniformAt(stream, i + 1);
    const radius = Math.sqrt(-2 * Math.log(u1));
    out[i] = radius * Math.cos(2 * Math.PI * u2);
    if (i + 1 < count) out[i + 1] = radius * Math.sin(2 * Math.PI * u2);
  }
  return out;
}
