// Internal failures surface as an `internal-error` diagnostic instead of a silent zero or a silently missing model.
import { strict as assert } from 'node:assert';
import { analyzeSource } from '../../src/core/analyze';
import type { LayerGraph } from '../../src/core/graph/ir';
import { getOp } from '../../src/core/ops/registry';
import type { OpSpec } from '../../src/core/ops/types';

const NET = `
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        return self.conv(x)
`;

/** Replaces one hook of a registry entry with one that fails like a bug would, for the duration of `body`. */
async function withBrokenHook(op: string, hook: 'macs' | 'summary' | 'normalize', body: () => Promise<void>): Promise<void> {
  const spec = getOp(op) as OpSpec;
  const saved = spec[hook];
  spec[hook] = () => {
    throw new TypeError(`deliberate bug in ${op}.${hook}`);
  };
  try {
    await body();
  } finally {
    spec[hook] = saved as never;
  }
}

const internalErrors = (graph: LayerGraph): string[] => graph.diagnostics.filter((d) => d.code === 'internal-error').map((d) => d.message);

describe('internal errors', () => {
  it('a failing MAC count is reported, not counted as zero', async () => {
    await withBrokenHook('Conv2d', 'macs', async () => {
      const graph = await analyzeSource(NET, 'net.py', { model: 'Net()', input: [1, 3, 8, 8] });
      assert.match(internalErrors(graph).join('\n'), /deliberate bug in Conv2d\.macs/);
    });
    const healthy = await analyzeSource(NET, 'net.py', { model: 'Net()', input: [1, 3, 8, 8] });
    assert.deepEqual(internalErrors(healthy), []);
    assert.ok(healthy.macs > 0);
  });

  it('a failing summary is reported, not shown as an empty label', async () => {
    await withBrokenHook('Conv2d', 'summary', async () => {
      const graph = await analyzeSource(NET, 'net.py', { model: 'Net()', input: [1, 3, 8, 8] });
      assert.match(internalErrors(graph).join('\n'), /deliberate bug in Conv2d\.summary/);
    });
  });

  it('a bug met while probing factory functions is reported, not taken for "not a model"', async () => {
    // build() is only recognised by calling it (a registry lookup); the probe meets the broken Linear entry.
    const source = `${NET}\ndef small():\n    return nn.Linear(2, 2)\n\nBUILDERS = {'small': small}\n\ndef build():\n    return BUILDERS['small']()\n`;
    await withBrokenHook('Linear', 'normalize', async () => {
      const graph = await analyzeSource(source, 'net.py', { model: 'Net()', input: [1, 3, 8, 8] });
      assert.match(internalErrors(graph).join('\n'), /while listing models: deliberate bug in Linear\.normalize/);
    });
    const healthy = await analyzeSource(source, 'net.py', { model: 'Net()', input: [1, 3, 8, 8] });
    assert.ok(healthy.models.some((m) => m.expr === 'build()'));
  });
});
