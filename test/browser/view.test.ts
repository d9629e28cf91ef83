// Browser tests of the standalone view in headless Chromium: counts, collapse, search, reveal, errors, bad input.
/// <reference lib="dom" />
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { LayerGraph } from '../../src/core/graph/ir';
import { launch, openPage, screenshot, waitReady, writePage } from './harness';
import { brokenResnet18, emptyGraph, huge5000, resnet152, resnet18, syntheticResNet } from './synthetic';

const count = (page: Page, selector: string): Promise<number> => page.locator(selector).count();
const posted = (page: Page): Promise<{ type: string; range?: { line: number } }[]> => page.evaluate(() =>
  (window as unknown as { __netlensPosted: never[] }).__netlensPosted);
/** Groups drawn as boxes: every group except the model's root (path ''). */
const drawnGroups = (graph: LayerGraph): number => graph.groups.filter((g) => g.path !== '').length;

/** What the view shows, by the DOM contract's selectors, counted by the page (big graphs keep only the viewport's part in the DOM). */
interface ViewCounts { nodes: number; collapsed: number; groups: number; dataEdges: number; shortcutEdges: number; virtualised: boolean;
  drawn: { nodes: number; groups: number; shortcutEdges: number } }
const viewCounts = (page: Page): Promise<ViewCounts> =>
  page.evaluate(() => (window as unknown as { netlens: { counts(): never } }).netlens.counts());

/** Clicks an element of the drawing and waits for the re-layout it triggers. */
async function clickAndSettle(page: Page, selector: string): Promise<void> {
  await page.locator(selector).first().click();
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
}

describe('webview (standalone page in Chromium)', function () {
  this.timeout(180_000);
  let browser: Browser;

  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  it('draws every node, group and shortcut of ResNet-18 when fully expanded', async () => {
    const graph = resnet18();
    const { page, errors } = await openPage(browser, await writePage('resnet18-expanded', graph, { collapseDepth: 'all' }));
    assert.equal(await count(page, '[data-node]'), graph.nodes.length);
    assert.equal(await count(page, '[data-edge-kind="shortcut"]'), graph.shortcuts.length);
    assert.equal(await count(page, '[data-group]'), drawnGroups(graph));
    const ops = await page.locator('[data-node]').evaluateAll((els) => els.map((el) => `${el.getAttribute('data-node')}:${el.getAttribute('data-op')}`).sort());
    assert.deepEqual(ops, graph.nodes.map((n) => `${n.path}:${n.op}`).sort());
    assert.equal(await count(page, '[data-error="true"]'), 0);
    await screenshot(page, 'resnet18-expanded');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('draws ResNet-152 collapsed by default (stages open, blocks closed) and fully expanded', async () => {
    const graph = resnet152();
    const { page } = await openPage(browser, await writePage('resnet152-default', graph, { collapseDepth: 1 }));
    const blocks = graph.groups.filter((g) => g.kind === 'residual').length;
    assert.equal(await count(page, '[data-collapsed="true"]'), blocks);
    assert.equal(await count(page, '[data-edge-kind="shortcut"]'), 0, 'shortcuts live inside collapsed blocks');
    await screenshot(page, 'resnet152-default');
    await page.getByText('Expand all').click();
    await page.waitForFunction(() => document.body.dataset.ready === 'true' && document.querySelectorAll('[data-collapsed]').length === 0);
    assert.equal(await count(page, '[data-node]'), graph.nodes.length);
    assert.equal(await count(page, '[data-edge-kind="shortcut"]'), graph.shortcuts.length);
    await screenshot(page, 'resnet152-expanded');
    await page.close();
  });

  it('expands a block on click and collapses it from its header (keyboard), showing its shortcut only while open', async () => {
    const graph = resnet18();
    const { page } = await openPage(browser, await writePage('resnet18-collapse', graph, { collapseDepth: 1 }));
    assert.equal(await count(page, '[data-node^="layer1.0."]'), 0);
    await clickAndSettle(page, '[data-group="layer1.0"][data-collapsed="true"]');
    const inside = graph.nodes.filter((n) => n.path.startsWith('layer1.0.')).length;
    assert.equal(await count(page, '[data-node^="layer1.0."]'), inside);
    assert.equal(await count(page, '[data-edge-kind="shortcut"]'), 1);
    await screenshot(page, 'resnet18-block-open');
    await page.locator('[data-group="layer1.0"] [data-toggle]').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.body.dataset.ready === 'true' && !!document.querySelector('[data-group="layer1.0"][data-collapsed]'));
    assert.equal(await count(page, '[data-node^="layer1.0."]'), 0);
    assert.equal(await count(page, '[data-group="layer1.0"][data-collapsed="true"]'), 1);
    await page.getByText('Collapse all').click();
    await page.waitForFunction(() => document.body.dataset.ready === 'true' && !!document.querySelector('[data-group="layer1"][data-collapsed]'));
    assert.equal(await count(page, '[data-node^="layer"]'), 0);
    await page.close();
  });

  it('search finds a node inside a collapsed block, expands it and cycles with Enter', async () => {
    const graph = resnet18();
    const { page } = await openPage(browser, await writePage('resnet18-search', graph, { collapseDepth: 1 }));
    const field = page.locator('vscode-textfield.nl-search input');
    await field.fill('layer3.1.conv2');
    assert.equal(await count(page, '[data-group="layer3.1"].match'), 1, 'the collapsed block holding the match is marked');
    await field.press('Enter');
    await page.waitForSelector('[data-node="layer3.1.conv2"].match');
    assert.equal(await count(page, '[data-node="layer3.1.conv2"].selected'), 1);
    await field.fill('BatchNorm2d');
    const status = await page.locator('.nl-search-count').textContent();
    assert.equal(status, `${graph.nodes.filter((n) => n.op === 'BatchNorm2d').length} matches`);
    await screenshot(page, 'resnet18-search');
    await page.close();
  });

  it('posts a reveal message with the layer\'s source line when a node is clicked', async () => {
    const graph = resnet18();
    const { page } = await openPage(browser, await writePage('resnet18-reveal', graph, { collapseDepth: 'all' }));
    const target = graph.nodes.find((n) => n.path === 'layer2.1.conv1')!;
    const search = page.locator('vscode-textfield.nl-search input');
    await search.fill('layer2.1.conv1');
    await search.press('Enter');
    await page.waitForSelector('[data-node="layer2.1.conv1"].selected');
    assert.equal((await posted(page)).filter((m) => m.type === 'reveal').length, 0, 'searching does not reveal');
    await page.locator('[data-node="layer2.1.conv1"] rect.box').click();
    const reveals = (await posted(page)).filter((m) => m.type === 'reveal');
    assert.equal(reveals.length, 1);
    assert.deepEqual(reveals[0].range, target.callRange);
    await page.close();
  });

  it('shows a broken shortcut in red on the block, node and edge, with the message on hover and in the problems list', async () => {
    const graph = brokenResnet18();
    const diagnostic = graph.diagnostics[0];
    const { page } = await openPage(browser, await writePage('resnet18-broken', graph, { collapseDepth: 1 }));
    assert.equal(await count(page, '[data-group="layer2.0"][data-error="true"]'), 1);
    await page.locator('.nl-problem').first().click();
    await page.waitForSelector('[data-node="layer2.0.add"][data-error="true"]');
    assert.ok(await count(page, '[data-edge-kind="shortcut"][data-error="true"]') >= 1);
    await page.locator('[data-node="layer2.0.add"] rect.box').hover();
    await page.waitForSelector('.nl-tooltip:not([hidden])');
    assert.match((await page.locator('.nl-tooltip').textContent()) ?? '', new RegExp(diagnostic.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.equal((await posted(page)).filter((m) => m.type === 'reveal').at(-1)?.range?.line, diagnostic.range.line);
    await screenshot(page, 'resnet18-broken');
    await page.close();
  });

  it('renders an empty graph as a message, not a blank page', async () => {
    const { page, errors } = await openPage(browser, await writePage('empty', emptyGraph()));
    assert.equal(await count(page, '[data-node]'), 0);
    assert.match((await page.locator('.nl-overlay').textContent()) ?? '', /No layers/);
    await screenshot(page, 'empty');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('renders a graph whose shapes are all unknown', async () => {
    const graph = syntheticResNet({ stages: [1, 1], block: 'basic', unknownShapes: true });
    const { page, errors } = await openPage(browser, await writePage('unknown-shapes', graph, { collapseDepth: 'all' }));
    assert.equal(await count(page, '[data-node]'), graph.nodes.length);
    assert.equal(await count(page, '.edge-label'), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('opens a 5,000-layer model collapsed and expands it all', async () => {
    const graph = huge5000();
    assert.ok(graph.nodes.length >= 5000);
    const { page } = await openPage(browser, await writePage('huge', graph, { collapseDepth: 1 }));
    assert.ok(await count(page, '[data-group]') < 40, 'first paint stays small');
    await screenshot(page, 'huge-default');
    await page.getByText('Expand all').click();
    await page.waitForFunction((n) => document.body.dataset.ready === 'true' &&
      (window as unknown as { netlens: { counts(): { nodes: number } } }).netlens.counts().nodes === n, graph.nodes.length);
    const counts = await viewCounts(page);
    assert.equal(counts.shortcutEdges, graph.shortcuts.length);
    assert.equal(counts.groups, drawnGroups(graph));
    assert.equal(counts.collapsed, 0);
    // Only the viewport's neighbourhood is in the DOM, and it holds what the page counts there.
    assert.ok(counts.virtualised && counts.drawn.nodes > 0 && counts.drawn.nodes < 400, JSON.stringify(counts.drawn));
    assert.equal(counts.drawn.nodes, await count(page, '[data-node]'));
    assert.equal(counts.drawn.shortcutEdges, await count(page, '[data-edge-kind="shortcut"]'));
    await screenshot(page, 'huge-expanded');
    await page.close();
  });

  it('shows progress and disables re-layout while elkjs lays out a large branching graph, and stays responsive', async () => {
    const graph = huge5000();
    // A long skip connection makes the graph more than a chain with side branches: the elkjs worker must lay it out.
    const from = graph.nodes.find((n) => n.path === 'maxpool')!;
    const to = graph.nodes.find((n) => n.path === 'avgpool')!;
    graph.edges.push({ id: 'long-skip', from: from.id, to: to.id, toInput: 1, shape: from.outputShape, kind: 'data' });
    // `#layout=elk` lays the whole graph out with elkjs at once (a big graph is otherwise laid out level by level, in moments).
    const { page } = await openPage(browser, await writePage('huge-branching', graph, { collapseDepth: 0 }), undefined, '#layout=elk');
    await page.evaluate(() => {
      const seen = { busy: false, message: '' };
      (window as unknown as { __seen: typeof seen }).__seen = seen;
      new MutationObserver(() => {
        if (document.body.classList.contains('nl-busy')) seen.busy = true;
        const overlay = document.querySelector('.nl-overlay');
        if (overlay && !(overlay as HTMLElement).hidden && overlay.textContent) seen.message = overlay.textContent;
      }).observe(document.body, { attributes: true, subtree: true, childList: true, characterData: true });
    });
    await page.getByText('Expand all').click();
    await page.waitForFunction(() => document.body.dataset.ready === 'false');
    assert.equal(await page.locator('vscode-button[data-action="expand"]').evaluate((el) => (el as HTMLElement & { disabled: boolean }).disabled), true);
    // Input is handled while the worker lays out: zooming changes the view before the layout is done.
    const transform = (): Promise<string | null> => page.locator('g.viewport').getAttribute('transform');
    const before = await transform();
    await page.locator('vscode-button[data-action="zoom-in"]').click();
    assert.notEqual(await transform(), before);
    assert.equal(await page.evaluate(() => document.body.dataset.ready), 'false', 'still laying out');
    await waitReady(page, 170_000);
    const seen = await page.evaluate(() => (window as unknown as { __seen: { busy: boolean; message: string } }).__seen);
    assert.ok(seen.busy);
    assert.match(seen.message, /Laying out [\d,]+ boxes/);
    assert.equal((await viewCounts(page)).nodes, graph.nodes.length);
    await page.close();
  });

  it('ignores messages of the wrong form and keeps the collapse state and viewport on an edit', async () => {
    const graph = resnet18();
    const { page } = await openPage(browser, await writePage('resnet18-edit', graph, { collapseDepth: 1 }));
    await page.evaluate(() => window.postMessage({ type: 'graph', graph: { nodes: 'not a list' } }, '*'));
    await page.evaluate(() => window.postMessage({ type: 'highlight', line: 'x' }, '*'));
    await page.waitForFunction(() =>
      (window as unknown as { __netlensPosted: { type: string }[] }).__netlensPosted.filter((m) => m.type === 'log').length >= 2);
    assert.equal(await count(page, '[data-group="layer1.0"][data-collapsed="true"]'), 1);
    await clickAndSettle(page, '[data-group="layer1.0"][data-collapsed="true"]');
    const before = await page.locator('[data-node="layer1.0.conv2"]').boundingBox();
    const edited = resnet18();
    edited.nodes.find((n) => n.path === 'layer4.1.conv2')!.summary = '3×3, 512→512 (edited)';
    const message = JSON.stringify({ type: 'graph', graph: edited, options: { collapseDepth: 1 }, reason: 'edit' });
    await page.evaluate((text: string) => {
      document.body.dataset.ready = 'pending';
      window.postMessage(JSON.parse(text), '*');
    }, message);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    assert.equal(await count(page, '[data-node^="layer1.0."]'), graph.nodes.filter((n) => n.path.startsWith('layer1.0.')).length, 'layer1.0 stays open');
    const after = await page.locator('[data-node="layer1.0.conv2"]').boundingBox();
    assert.ok(before && after && Math.abs(before.y - after.y) < 2 && Math.abs(before.x - after.x) < 2, `viewport steady: ${JSON.stringify([before, after])}`);
    await page.close();
  });

  it('answers the host\'s expand-all and collapse-all commands', async () => {
    const graph = resnet18();
    const { page } = await openPage(browser, await writePage('resnet18-commands', graph, { collapseDepth: 1 }));
    await page.evaluate(() => window.postMessage({ type: 'command', command: 'expandAll' }, '*'));
    await page.waitForFunction((n) => document.body.dataset.ready === 'true' && document.querySelectorAll('[data-node]').length === n, graph.nodes.length);
    await page.evaluate(() => window.postMessage({ type: 'command', command: 'collapseAll' }, '*'));
    await page.waitForFunction(() => document.body.dataset.ready === 'true' && document.querySelectorAll('[data-collapsed]').length === 4);
    assert.deepEqual(await page.locator('[data-collapsed]').evaluateAll((els) => els.map((el) => el.getAttribute('data-group'))), ['layer1', 'layer2', 'layer3',
      'layer4']);
    await page.close();
  });

  it('highlights the layers on the editor line and brings them into view', async () => {
    const graph = resnet18();
    const target = graph.nodes.find((n) => n.path === 'layer4.0.bn2')!;
    const { page } = await openPage(browser, await writePage('resnet18-highlight', graph, { collapseDepth: 1 }));
    await page.evaluate((line) => window.postMessage({ type: 'highlight', line }, '*'), target.defRange!.line);
    await page.waitForSelector('[data-node="layer4.0.bn2"].highlight');
    const box = await page.locator('[data-node="layer4.0.bn2"]').boundingBox();
    const size = page.viewportSize()!;
    assert.ok(box && box.y > 0 && box.y < size.height && box.x > 0 && box.x < size.width, 'highlighted node is on screen');
    await page.close();
  });

  it('exports SVG with inlined styles and PNG as downloads on the standalone page', async () => {
    const { page } = await openPage(browser, await writePage('resnet18-export', brokenResnet18(), { collapseDepth: 1 }));
    const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.locator('vscode-button[data-action="svg"]').click()]);
    const svg = fs.readFileSync((await svgDownload.path())!, 'utf8');
    assert.match(svg, /^<\?xml[\s\S]*<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /data-group="layer2.0"[^>]*style="[^"]*fill:/);
    const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.locator('vscode-button[data-action="png"]').click()]);
    const png = fs.readFileSync((await pngDownload.path())!);
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    assert.ok(png.length > 5000);
    await page.close();
  });
});
