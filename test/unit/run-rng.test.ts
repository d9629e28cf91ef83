// The seeded counter-based generator: ranges, distribution moments, independence of streams and seeds.
import { strict as assert } from 'node:assert';
import { hashString, normalArray, streamSeed, uniformArray, uniformAt } from '../../src/core/run/rng';

function moments(values: Float32Array): { mean: number; std: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

describe('seeded generator', () => {
  it('hashes strings with 32-bit FNV-1a', () => {
    // Published FNV-1a test vectors.
    assert.equal(hashString(''), 0x811c9dc5);
    assert.equal(hashString('a'), 0xe40c292c);
    assert.equal(hashString('foobar'), 0xbf9cf968);
  });

  it('draws uniform values in [low, high) with the expected moments', () => {
    const values = uniformArray(0, 'conv.weight', 20000, -0.5, 0.5);
    assert.ok(values.every((v) => v >= -0.5 && v < 0.5));
    const { mean, std } = moments(values);
    assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
    assert.ok(Math.abs(std - 1 / Math.sqrt(12)) < 0.01, `std ${std}`);
    for (let i = 0; i < 1000; i++) {
      const u = uniformAt(12345, i);
      assert.ok(u >= 0 && u < 1);
    }
  });

  it('draws standard normal values', () => {
    const values = normalArray(3, 'input', 20001);
    const { mean, std } = moments(values);
    assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(std - 1) < 0.03, `std ${std}`);
    assert.ok(values.every(Number.isFinite));
    const beyondTwo = values.filter((v) => Math.abs(v) > 2).length / values.length;
    assert.ok(Math.abs(beyondTwo - 0.0455) < 0.01, `P(|z| > 2) = ${beyondTwo}`);
  });

  it('gives independent streams per key and per seed, reproducibly', () => {
    assert.notEqual(streamSeed(0, 'a.weight'), streamSeed(0, 'b.weight'));
    assert.notEqual(streamSeed(0, 'a.weight'), streamSeed(1, 'a.weight'));
    assert.deepEqual(uniformArray(9, 'k', 16, 0, 1), uniformArray(9, 'k', 16, 0, 1));
    const a = uniformArray(0, 'layer1.0.conv1.weight', 5000, 0, 1);
    const b = uniformArray(0, 'layer1.0.conv2.weight', 5000, 0, 1);
    const ma = moments(a).mean;
    const mb = moments(b).mean;
    let covariance = 0;
    for (let i = 0; i < a.length; i++) covariance += ((a[i] as number) - ma) * ((b[i] as number) - mb);
    const correlation = covariance / a.length / (moments(a).std * moments(b).std);
    assert.ok(Math.abs(correlation) < 0.05, `correlation ${correlation}`);
  });
});
