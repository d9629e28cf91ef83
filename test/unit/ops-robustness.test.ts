// Every registry entry, fed odd arguments and shapes, either answers a well-formed shape or raises a typed error.
import assert from 'node:assert/strict';
import type { AttrValue, Shape } from '../../src/core/graph/ir';
import { ALL_OPS, trainableParamCount } from '../../src/core/ops/registry';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec } from '../../src/core/ops/types';
import { seededRandom } from './ops-helpers';

const VALUES: AttrValue[] = [0, 1, 2, 3, -1, -5, 7, 64, 2.5, true, false, null, 'same', 'valid', 'zeros', 'bilinear', 'x', [], [1], [2, 2], [3, 1], [0, 0], [1,
  2, 3], [[2, 3]], [null, 2], [-1, 4]];
const SHAPES: Shape[] = [[], [5], [1, 64], [2, 3, 8], [1, 3, 9, 9], [1, 64, 56, 56], [1, null, 7, 7], [null, 3, 4, 4], [2, 4, 1, 1], [1, 2, 3, 4, 5], [0,
  3, 4, 4]];

function pick<T>(items: readonly T[], next: () => number): T {
  return items[Math.floor(((next() + 1) / 2) * items.length) % items.length] as T;
}

function randomAttrs(spec: OpSpec, next: () => number): Attrs {
  const attrs: Attrs = {};
  for (const p of [...(spec.signature ?? []), ...(spec.functionalSignature ?? [])]) {
    attrs[p.name] = next() < 0 && 'default' in p ? (p.default as AttrValue) : pick(VALUES, next);
  }
  return attrs;
}

function isTyped(error: unknown): boolean {
  return error instanceof ShapeError || error instanceof OpArgumentError;
}

describe('ops: robustness against odd arguments and shapes', () => {
  it('never throws anything but ShapeError/OpArgumentError, and shapes are well formed', () => {
    const next = seededRandom(2026);
    let answered = 0;
    const failures: string[] = [];
    const check = (ok: boolean, message: () => string): boolean => {
      if (!ok && failures.length < 30) failures.push(message());
      return ok;
    };
    for (const spec of ALL_OPS) {
      for (let trial = 0; trial < 300; trial++) {
        let attrs = randomAttrs(spec, next);
        try {
          attrs = spec.normalize ? spec.normalize(attrs) : attrs;
          trainableParamCount(spec, attrs);
          spec.summary?.(attrs);
        } catch (error) {
          check(isTyped(error), () => `${spec.op} normalize/weights/summary(${JSON.stringify(attrs)}) threw ${String(error)}`);
          continue;
        }
        const count = spec.tensorInputs === 'list' ? 1 + (trial % 3) : (spec.tensorInputs ?? 1);
        const inputs = Array.from({ length: count }, () => pick(SHAPES, next));
        const call = `${spec.op}(${JSON.stringify(attrs)}) on ${JSON.stringify(inputs)}`;
        try {
          const out = spec.inferShape(attrs, inputs);
          if (!check(Array.isArray(out), () => `${call} returned ${String(out)}`)) continue;
          const bad = out.find((d) => !(d === null || (Number.isInteger(d) && d >= 0)));
          check(bad === undefined, () => `${call} gave dim ${bad}`);
          const macs = spec.macs?.(attrs, inputs, out) ?? 0;
          check(Number.isFinite(macs) && macs >= 0, () => `${call} MACs ${macs}`);
          answered++;
        } catch (error) {
          check(isTyped(error), () => `${call} threw ${String(error)}`);
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(answered > ALL_OPS.length * 10, `only ${answered} calls produced a shape`);
  });

  // Complex numbers have shape rules only (TensorFlow.js has no complex matmul or views): the run refuses them by name.
  const SHAPE_ONLY = new Set(['polar', 'view_as_complex', 'view_as_real']);

  it('every entry has a unique op name and unique qualified names', () => {
    const seen = new Set<string>();
    const names = new Set<string>();
    for (const spec of ALL_OPS) {
      assert.ok(!seen.has(spec.op), `duplicate op ${spec.op}`);
      seen.add(spec.op);
      for (const name of [...(spec.moduleNames ?? []), ...(spec.functionalNames ?? [])]) {
        assert.ok(!names.has(name), `duplicate name ${name}`);
        names.add(name);
      }
      // Every entry runs (tuple-returning ones through forwardTuple), except the shape-only set above.
      assert.ok(spec.forward || spec.forwardTuple || SHAPE_ONLY.has(spec.op), `${spec.op} has no forward`);
    }
  });
});
