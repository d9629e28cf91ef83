// Sizes and counts that stay honest: PyTorch's tensor-size checks, plain-digit JSON, units past T, the shape-text rule.
import { strict as assert } from 'node:assert';
import { tensorSizeProblem } from '../../src/core/ops/tensorSize';
import { stringifyJson } from '../../src/core/json';
import { formatCompact, formatInteger } from '../../src/core/format';
import { parseShapeText } from '../../src/core/inputShape';

describe('tensor sizes checked as PyTorch checks them', () => {
  it('accepts zero and unknown dimensions, refuses negative ones with PyTorch\'s message', () => {
    assert.equal(tensorSizeProblem([0, 4]), null);
    assert.equal(tensorSizeProblem([null, 4]), null);
    assert.deepEqual(tensorSizeProblem([4, -2]), { type: 'RuntimeError', message: 'Trying to create tensor with negative dimension -2: [4, -2]' });
  });

  it('refuses a size past int64 and float32 storage past 2^63 bytes, at PyTorch\'s boundary', () => {
    assert.equal(tensorSizeProblem([2 ** 63])?.type, 'TypeError');
    assert.equal(tensorSizeProblem([2 ** 60]), null);
    assert.match(tensorSizeProblem([2 ** 61])?.message ?? '', /^Storage size calculation overflowed with sizes=\[2305843009213693952\]$/);
    assert.equal(tensorSizeProblem([2 ** 30, 2 ** 30]), null);
    assert.equal(tensorSizeProblem([2 ** 32, 2 ** 30])?.type, 'RuntimeError');
    assert.equal(tensorSizeProblem([2.5])?.type, 'TypeError');
  });
});

describe('counts past 2^53', () => {
  it('JSON writes integers past 1e21 in plain digits, everything else as JSON.stringify', () => {
    const value = { a: 1e21, b: [-2e30, 1.5, null, 'x"1e+21"'], c: undefined, d: { e: true, f: NaN } };
    assert.equal(stringifyJson(value), '{"a":1000000000000000000000,"b":[-2000000000000000039769249677312,1.5,null,"x\\"1e+21\\""],"d":{"e":true,"f":null}}');
    const plain = { nodes: [{ id: 'n1', params: 12, shape: [1, null] }], s: '\u2028' };
    assert.equal(stringifyJson(plain), JSON.stringify(plain));
    assert.deepEqual(JSON.parse(stringifyJson(value)), JSON.parse(JSON.stringify(value)));
  });

  it('units go past T; integers past 2^53 print the exact value held, not zero padding', () => {
    assert.equal(formatCompact(1.5e15), '1.50 P');
    assert.equal(formatCompact(1.35e18), '1.35 E');
    assert.equal(formatCompact(2e21), '2.00 Z');
    assert.equal(formatInteger(2 ** 63), '9,223,372,036,854,775,808');
    assert.equal(formatInteger(25_557_032), '25,557,032');
    assert.equal(formatInteger(Infinity), '?');
  });
});

describe('the input-shape text rule (--input and the # netlens: input= comment)', () => {
  it('reads 1,3,224,224, 1x3x224x224 and (1, 3, 224, 224); says what is wrong otherwise', () => {
    assert.deepEqual(parseShapeText('1,3,224,224'), { shape: [1, 3, 224, 224] });
    assert.deepEqual(parseShapeText(' (1, 3, 224, 224) '), { shape: [1, 3, 224, 224] });
    assert.deepEqual(parseShapeText('1x3×8'), { shape: [1, 3, 8] });
    assert.deepEqual(parseShapeText('1,3,-224'), { problem: 'dimension -224 is below 1' });
    assert.deepEqual(parseShapeText('1,3.5'), { problem: "'3.5' is not a whole number" });
    assert.deepEqual(parseShapeText('1,2,3,4,5,6,7'), { problem: '7 dimensions (at most 6)' });
    assert.deepEqual(parseShapeText('1,2000000'), { problem: 'dimension 2000000 is above 1,048,576' });
    assert.deepEqual(parseShapeText(''), { problem: 'no dimensions' });
  });
});
