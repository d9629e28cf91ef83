// Browser tests of big graphs: 50,000 layers and a 96-layer GPT expanded to its ops are drawn whole (counted through the page's
// window.netlens.counts(), since only the viewport's part is in the DOM), with details that follow the zoom.
/// <reference lib="dom" />
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { LayerGraph } from '../../src/core/graph/ir';
import { analyzeSource } from '../../src/core/analyze';
import { ROOT, launch, openPage, screenshot, waitReady, writePage } from './harness';
import { syntheticResNet } from './synthetic';

interface Counts { nodes: number; collapsed: number; groups: number; dataEdges: number; shortcutEdges: number; virtualised: boolean;
  drawn: { nodes: number; collapsed: number; groups: number; dataEdges: number; shortcutEdges: number } }

const counts = (page: Page): Promise<Counts> => page.evaluate(() => (window as unknown as { netlens: { counts(): Counts } }).netlens.counts());
const count = (page: Page, selector: string): Promise<number> => page.locator(selector).count();
const drawnGroups = (graph: LayerGraph): number => graph.groups.filter((g) => g.path !== '').length;
const setZoom = (page: Page, k: number): Promise<void> => page.evaluate((k) => {
  const viewport = (window as unknown as { __netlensApp: { viewport: { transform: object; set(t: object): void } } }).__netlensApp.viewport;
  viewport.set({ ...viewport.transform, k });
}, k);

describe('big graphs (Chromium)', function () {
  this.timeout(180_000);
  let browser: Browser;
  const huge = syntheticResNet({ stages: [1786, 1786, 1786, 1786], block: 'basic', model: 'huge50k()' });

  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  it('opens 50,000 layers collapsed, expands them all and counts every node, group and shortcut', async () => {
    assert.ok(huge.nodes.length >= 50_000);
    const { page, errors } = await openPage(browser, await writePage('large-50k', huge, { collapseDepth: 1 }));
    const first = await counts(page);
    assert.equal(first.virtualised, false, 'the collapsed view is small enough for the DOM');
    assert.equal(first.collapsed, 4, 'stages collapsed: 7,144 blocks would be too many boxes for a first view');
    assert.equal(await count(page, '[data-collapsed="true"]'), 4);
    await page.getByText('Expand all').click();
    await page.waitForFunction((n) => document.body.dataset.ready === 'true' &&
      (window as unknown as { netlens: { counts(): Counts } }).netlens.counts().nodes === n, huge.nodes.length, { timeout: 120_000 });
    const all = await counts(page);
    assert.equal(all.shortcutEdges, huge.shortcuts.length);
    assert.equal(all.groups, drawnGroups(huge));
    assert.equal(all.dataEdges, huge.edges.filter((e) => e.kind === 'data').length);
    assert.ok(all.virtualised);
    assert.equal(all.drawn.nodes, await count(page, '[data-node]'));
    assert.ok(all.drawn.nodes > 0 && all.drawn.nodes < 300, `only the viewport's neighbourhood is in the DOM: ${all.drawn.nodes}`);
    await screenshot(page, 'large-50k-expanded');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('draws a big graph by level of detail: labels when close, shapes far out, small blocks as solid boxes, and pans through it', async () => {
    const { page } = await openPage(browser, await writePage('large-50k-expanded', huge, { collapseDepth: 'all' }));
    await setZoom(page, 1);
    assert.ok(await count(page, '[data-node] .box-detail') > 0, 'second lines close up');
    await setZoom(page, 0.3);
    assert.ok(await count(page, '[data-node] .box-title') > 0);
    assert.equal(await count(page, '[data-node] .box-detail'), 0, 'titles only when zoomed out');
    assert.equal(await count(page, '.edge-label'), 0);
    await setZoom(page, 0.1);
    assert.equal(await count(page, '[data-node] text'), 0, 'shapes only far out');
    assert.ok(await count(page, '[data-node]') > 50);
    await screenshot(page, 'large-50k-far');
    await setZoom(page, 0.01);
    assert.ok(await count(page, '.group.solid') > 20, 'blocks drawn as solid boxes');
    assert.equal(await count(page, '[data-node^="layer"]'), 0, 'their layers left out (the stem outside any block stays)');
    await screenshot(page, 'large-50k-overview');
    // Panning to the end brings the classifier into the DOM.
    await setZoom(page, 1);
    await page.evaluate((id) => (window as unknown as { __netlensApp: { focusNode(id: string): Promise<void> } }).__netlensApp.focusNode(id),
      huge.nodes.find((n) => n.path === 'fc')!.id);
    await page.waitForSelector('[data-node="fc"]');
    assert.equal(await count(page, '[data-node="fc"].selected'), 1);
    await page.close();
  });

  it('finds a node among 50,000 by search, expands the stage holding it and selects it', async () => {
    const { page } = await openPage(browser, await writePage('large-50k-search', huge, { collapseDepth: 1 }));
    const field = page.locator('vscode-textfield.nl-search input');
    await field.fill('layer3.1500.conv2');
    assert.equal(await count(page, '[data-group="layer3"].match'), 1, 'the collapsed stage holding the match is marked');
    await field.press('Enter');
    await page.waitForSelector('[data-node="layer3.1500.conv2"].selected.match');
    await field.fill('conv');
    assert.equal(await page.locator('.nl-search-count').textContent(), `${huge.nodes.filter((n) => `${n.path} ${n.op}`.toLowerCase().includes('conv')).length} matches`);
    await page.close();
  });

  it('lays a 96-layer GPT expanded to its ops out level by level and draws every op and residual shortcut', async () => {
    const file = path.join(ROOT, 'test', 'fixtures', 'nanogpt.py');
    const graph = await analyzeSource(fs.readFileSync(file, 'utf8'), file, { model: 'GPT(GPTConfig(n_layer=96, n_head=96, n_embd=12288))' });
    assert.ok(graph.nodes.length > 2500);
    const { page, errors } = await openPage(browser, await writePage('large-gpt96', graph, { collapseDepth: 'all' }));
    await waitReady(page);
    const all = await counts(page);
    assert.equal(all.nodes, graph.nodes.length);
    assert.equal(all.shortcutEdges, graph.shortcuts.length);
    assert.equal(all.groups, drawnGroups(graph));
    assert.equal(all.drawn.nodes, await count(page, '[data-node]'));
    // Every drawn box has a place, and no two boxes of one block overlap.
    const rects = await page.locator('[data-node^="transformer.h.0."] rect.box').evaluateAll((els) => els.map((el) => el.getBoundingClientRect())
      .map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height })));
    assert.ok(rects.length > 5);
    for (let i = 0; i < rects.length; i++) {
      for (let j = i + 1; j < rects.length; j++) {
        const [a, b] = [rects[i], rects[j]];
        assert.ok(a.x + a.w <= b.x + 0.5 || b.x + b.w <= a.x + 0.5 || a.y + a.h <= b.y + 0.5 || b.y + b.h <= a.y + 0.5, `overlap ${JSON.stringify([a, b])}`);
      }
    }
    await screenshot(page, 'large-gpt96-expanded');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
