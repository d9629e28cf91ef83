// Browser tests of what the view loads lazily (Run panel + TensorFlow.js, layout worker) and of the view kept across page reloads.
/// <reference lib="dom" />
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildWebview, launch, openPage, waitReady, writePage } from './harness';
import { resnet152, resnet18, syntheticResNet } from './synthetic';
import { smallResidualNet } from '../unit/run-graphs';

const count = (page: Page, selector: string): Promise<number> => page.locator(selector).count();

/** Opens a page as VS Code would host it: acquireVsCodeApi with getState/setState over a state seeded by the test. */
async function openHosted(browser: Browser, file: string, state: unknown): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  // Plain script text: functions passed from here would carry helpers of the TypeScript transform the page lacks.
  await page.addInitScript({
    content: `window.__state = ${JSON.stringify(state ?? null)};
window.acquireVsCodeApi = () => ({
  postMessage() {},
  getState() { return window.__state; },
  setState(next) { window.__state = JSON.parse(JSON.stringify(next)); },
});`,
  });
  await page.goto(pathToFileURL(file).href);
  await waitReady(page);
  return page;
}

const savedState = (page: Page): Promise<{ expanded: string[]; transform: { x: number; y: number; k: number } }> =>
  page.evaluate(() => (window as unknown as { __state: never }).__state);

describe('webview lazy loading and kept view (Chromium)', function () {
  this.timeout(180_000);
  let browser: Browser;

  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  it('keeps TensorFlow.js and the layout worker out of the main bundle and evaluates run.js only when Run is pressed', async () => {
    const assets = await buildWebview();
    assert.ok(assets.script.length < 600_000, `main.js is ${assets.script.length} bytes`);
    assert.ok(!assets.script.includes('webgl_'), 'no TensorFlow.js kernels in main.js');
    assert.ok((assets.lazy?.['run.js'] ?? '').includes('webgl'), 'run.js holds the WebGL backend');
    assert.ok((assets.lazy?.['elk-worker.js'] ?? '').length > 500_000, 'elk-worker.js is the layout worker');
    const file = await writePage('lazy-small-residual', smallResidualNet(), { collapseDepth: 1 });
    const html = fs.readFileSync(file, 'utf8');
    assert.equal((html.match(/<script type="text\/plain" data-netlens-asset="/g) ?? []).length, 2);
    const { page, errors } = await openPage(browser, file);
    assert.equal(await page.evaluate(() => '__netlensRunBundle' in window), false, 'run.js not evaluated at first paint');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForSelector('[data-run-state="done"], [data-run-state="error"]', { timeout: 150_000 });
    assert.equal(await page.evaluate(() => typeof (window as unknown as { __netlensRunBundle?: { mountRunPanel: unknown } }).__netlensRunBundle?.mountRunPanel),
      'function');
    assert.equal(await count(page, '[data-run-state="done"]'), 1, await page.locator('.nl-run').innerText());
    assert.equal(await page.evaluate(() => document.querySelectorAll('script[data-netlens-loaded="run.js"]').length), 1);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('opens a broken model with its first error on screen even when it lies far below the top', async () => {
    const graph = syntheticResNet({ stages: [3, 8, 36, 3], block: 'bottleneck', model: 'resnet152()', breakShortcutAt: 'layer3.0' });
    const { page } = await openPage(browser, await writePage('broken-deep', graph, { collapseDepth: 1 }));
    const box = await page.locator('[data-group="layer3.0"][data-error="true"]').boundingBox();
    const stage = await page.locator('svg.nl-canvas').boundingBox();
    assert.ok(box && stage, 'the broken block is drawn');
    assert.ok(box.y >= stage.y && box.y + box.height <= stage.y + stage.height, `on screen: ${JSON.stringify({ box, stage })}`);
    await page.close();
    const healthy = await openPage(browser, await writePage('healthy-deep', resnet152(), { collapseDepth: 1 }));
    const input = await healthy.page.locator('[data-op="Input"]').first().boundingBox();
    assert.ok(input && input.y < 200, 'a model without errors still opens at its input');
    await healthy.page.close();
  });

  it('reopens a re-created page with the modules the user expanded and the same pan and zoom', async () => {
    const graph = resnet18();
    const file = await writePage('kept-view-resnet18', graph, { collapseDepth: 1 });
    const first = await openHosted(browser, file, null);
    await first.locator('[data-group="layer2.0"][data-collapsed="true"]').first().click();
    await first.waitForFunction(() => document.body.dataset.ready === 'true' && !document.querySelector('[data-group="layer2.0"][data-collapsed]'));
    await first.mouse.move(640, 400);
    await first.mouse.wheel(0, 300);
    await first.waitForFunction(() => {
      const state = (window as unknown as { __state?: { transform?: { y: number } } }).__state;
      const viewport = document.querySelector('g.viewport')?.getAttribute('transform') ?? '';
      return !!state?.transform && viewport.includes(`,${state.transform.y.toFixed(2)})`);
    });
    const state = await savedState(first);
    assert.ok(state.expanded.includes('layer2.0'), JSON.stringify(state.expanded));
    const transform = await first.locator('g.viewport').getAttribute('transform');
    const openNodes = await count(first, '[data-node^="layer2.0."]');
    assert.ok(openNodes > 0);
    await first.close();

    const second = await openHosted(browser, file, state);
    assert.equal(await count(second, '[data-node^="layer2.0."]'), openNodes, 'layer2.0 open again');
    assert.equal(await count(second, '[data-group="layer1.0"][data-collapsed="true"]'), 1, 'other blocks stay closed');
    assert.equal(await second.locator('g.viewport').getAttribute('transform'), transform);
    await second.close();

    const other = await openHosted(browser, file, { ...state, graphKey: 'another file\u0000model()' });
    assert.equal(await count(other, '[data-group="layer2.0"][data-collapsed="true"]'), 1, 'a saved view of another graph is ignored');
    await other.close();
  });
});
