// Sums the registry's params and MACs over a hand-listed ResNet-50 and compares with the published figures.
import assert from 'node:assert/strict';
import type { Shape } from '../../src/core/graph/ir';
import { nn, type Built } from './ops-helpers';

interface Totals {
  params: number;
  macs: number;
}

function apply(layer: Built, input: Shape, totals: Totals): Shape {
  const output = layer.shape(input);
  totals.params += layer.params();
  totals.macs += layer.macs(input);
  return output;
}

function bottleneck(input: Shape, inPlanes: number, planes: number, stride: number, totals: Totals): Shape {
  let x = apply(nn('Conv2d', [inPlanes, planes, 1], { bias: false }), input, totals);
  x = apply(nn('BatchNorm2d', [planes]), x, totals);
  x = apply(nn('Conv2d', [planes, planes, 3], { stride, padding: 1, bias: false }), x, totals);
  x = apply(nn('BatchNorm2d', [planes]), x, totals);
  x = apply(nn('Conv2d', [planes, planes * 4, 1], { bias: false }), x, totals);
  x = apply(nn('BatchNorm2d', [planes * 4]), x, totals);
  let shortcut = input;
  if (stride !== 1 || inPlanes !== planes * 4) {
    shortcut = apply(nn('Conv2d', [inPlanes, planes * 4, 1], { stride, bias: false }), input, totals);
    shortcut = apply(nn('BatchNorm2d', [planes * 4]), shortcut, totals);
  }
  assert.deepEqual(shortcut, x);
  return x;
}

describe('ops: ResNet-50 totals from the registry', () => {
  it('reproduces 25,557,032 parameters and 4.09 G MACs at 1×3×224×224', () => {
    const totals: Totals = { params: 0, macs: 0 };
    let x: Shape = [1, 3, 224, 224];
    x = apply(nn('Conv2d', [3, 64, 7], { stride: 2, padding: 3, bias: false }), x, totals);
    x = apply(nn('BatchNorm2d', [64]), x, totals);
    x = apply(nn('MaxPool2d', [3, 2, 1]), x, totals);
    let inPlanes = 64;
    [[64, 3, 1], [128, 4, 2], [256, 6, 2], [512, 3, 2]].forEach(([planes, blocks, stride]) => {
      for (let b = 0; b < (blocks as number); b++) {
        x = bottleneck(x, inPlanes, planes as number, b === 0 ? (stride as number) : 1, totals);
        inPlanes = (planes as number) * 4;
      }
    });
    x = apply(nn('AdaptiveAvgPool2d', [[1, 1]]), x, totals);
    x = apply(nn('Flatten'), x, totals);
    x = apply(nn('Linear', [2048, 1000]), x, totals);
    assert.deepEqual(x, [1, 1000]);
    assert.equal(totals.params, 25_557_032);
    assert.equal((totals.macs / 1e9).toFixed(2), '4.09');
  });
});
