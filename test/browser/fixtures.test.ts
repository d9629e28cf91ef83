// Browser tests on real models: the engine analyses the example files and the standalone view must draw exactly its IR.
/// <reference lib="dom" />
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import type { LayerGraph } from '../../src/core/graph/ir';
import { analyzeSource } from '../../src/core/analyze';
import { ROOT, launch, openPage, screenshot, writePage } from './harness';

async function analyze(relative: string, model?: string): Promise<LayerGraph> {
  const file = path.join(ROOT, relative);
  return analyzeSource(fs.readFileSync(file, 'utf8'), file, model ? { model } : undefined);
}

describe('webview on analysed example models (Chromium)', function () {
  this.timeout(180_000);
  let browser: Browser;

  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  for (const example of fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.py')).sort()) {
    it(`draws every layer and one shortcut per residual addition of examples/${example}, fully expanded`, async () => {
      const graph = await analyze(`examples/${example}`);
      assert.ok(graph.nodes.length > 0, `the engine produced no layers for ${example}`);
      const { page, errors } = await openPage(browser, await writePage(`example-${example}`, graph, { collapseDepth: 'all' }));
      assert.equal(await page.locator('[data-node]').count(), graph.nodes.length);
      assert.equal(await page.locator('[data-edge-kind="shortcut"]').count(), graph.shortcuts.length);
      const errorNodes = graph.nodes.filter((n) => n.error).map((n) => n.path).sort();
      const drawnErrorNodes = await page.locator('[data-node][data-error="true"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-node')!).sort());
      assert.deepEqual(drawnErrorNodes, errorNodes);
      await screenshot(page, `example-${example.replace(/\.py$/, '')}`);
      assert.deepEqual(errors, []);
      await page.close();
    });
  }

  it('opens ResNet-152 readable at a glance: stages open, its 50 blocks collapsed and labelled', async () => {
    const graph = await analyze('examples/resnet.py', 'resnet152()');
    const { page } = await openPage(browser, await writePage('example-resnet152-default', graph, { collapseDepth: 1 }));
    assert.equal(await page.locator('[data-collapsed="true"]').count(), graph.groups.filter((g) => g.kind === 'residual').length);
    const block = graph.groups.find((g) => g.path === 'layer2.0')!;
    const label = await page.locator('[data-group="layer2.0"] .box-title').textContent();
    assert.equal(label, 'layer2.0');
    assert.equal(await page.locator('[data-group="layer2.0"] .box-op').textContent(), block.className);
    await screenshot(page, 'example-resnet152-default');
    await page.close();
  });

  it('marks every error diagnostic of a broken model on the graph and lists it', async () => {
    const graph = await analyze('test/fixtures/broken_missing_downsample.py');
    const errors = graph.diagnostics.filter((d) => d.severity === 'error');
    assert.ok(errors.length > 0);
    const { page } = await openPage(browser, await writePage('fixture-broken-missing-downsample', graph, { collapseDepth: 'all' }));
    for (const diagnostic of errors) {
      const node = graph.nodes.find((n) => n.id === diagnostic.nodeId);
      if (node) assert.equal(await page.locator(`[data-node="${node.path}"]`).getAttribute('data-error'), 'true', node.path);
    }
    assert.equal(await page.locator('.nl-problem[data-error="true"]').count(), errors.length);
    await screenshot(page, 'fixture-broken-missing-downsample');
    await page.close();
  });
});
