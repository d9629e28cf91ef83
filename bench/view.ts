// Webview benchmark in Chromium: first paint (collapsed, expanded), expand-all, pan frames, click and search, from ResNet-152 to 50,000 layers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import type { Browser, Page } from 'playwright-core';
import type { LayerGraph } from '../src/core/graph/ir';
import { buildWebview, launch, writePage } from '../test/browser/harness';
import { resnet152, syntheticResNet } from '../test/browser/synthetic';
import { pathToFileURL } from 'node:url';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** `BENCH_ONLY=gpt,50k` runs only the cases whose name contains one of the words. */
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
const READY_TIMEOUT = 600_000;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];
const round = (value: number): number => Math.round(value * 10) / 10;

interface Case { name: string; source: string; graph: LayerGraph }

async function analyse(relative: string, model: string): Promise<LayerGraph | undefined> {
  try {
    const { analyzeSource } = await import('../src/core/analyze');
    const file = path.join(__dirname, '..', relative);
    const graph = await analyzeSource(fs.readFileSync(file, 'utf8'), file, { model });
    return graph.nodes.length > 0 ? graph : undefined;
  } catch {
    return undefined;
  }
}

async function cases(): Promise<Case[]> {
  const list: Case[] = [];
  const r152 = await analyse('examples/resnet.py', 'resnet152()');
  list.push(r152 ? { name: 'ResNet-152', source: 'examples/resnet.py resnet152()', graph: r152 }
    : { name: 'ResNet-152', source: 'synthetic (test/browser/synthetic.ts)', graph: resnet152() });
  list.push({ name: 'ResNet, 800 blocks', source: 'synthetic basic blocks [200, 200, 200, 200]',
    graph: syntheticResNet({ stages: [200, 200, 200, 200], block: 'basic', model: 'resnet800()' }) });
  const gpt = await analyse('test/fixtures/nanogpt.py', 'GPT(GPTConfig(n_layer=96, n_head=96, n_embd=12288))');
  if (gpt) list.push({ name: 'GPT, 96 layers (ops)', source: 'test/fixtures/nanogpt.py, n_layer=96, n_embd=12288', graph: gpt });
  list.push({ name: 'synthetic 50k', source: 'synthetic basic blocks [1786, 1786, 1786, 1786]',
    graph: syntheticResNet({ stages: [1786, 1786, 1786, 1786], block: 'basic', model: 'huge50k()' }) });
  return ONLY.length ? list.filter((c) => ONLY.some((word) => c.name.toLowerCase().includes(word.toLowerCase()))) : list;
}

/** Marks `bench-painted` once the frame after data-ready has been drawn (the ready mark itself precedes style, layout and paint). */
const PAINT_OBSERVER = `
new MutationObserver(() => {
  if (document.body && document.body.dataset.ready === 'true' && !window.__benchPainted) {
    window.__benchPainted = true;
    requestAnimationFrame(() => setTimeout(() => performance.mark('bench-painted'), 0));
  }
}).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });`;

async function open(browser: Browser, file: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.addInitScript({ content: PAINT_OBSERVER });
  await page.goto(pathToFileURL(file).href, { timeout: READY_TIMEOUT });
  await page.waitForFunction(() => performance.getEntriesByName('bench-painted').length > 0, undefined, { timeout: READY_TIMEOUT, polling: 50 });
  return page;
}

/** Milliseconds from navigation start to the first drawn frame of the graph. */
async function firstPaint(page: Page): Promise<{ paintedMs: number; readyMs: number; boxes: number; engine: string; dom: number }> {
  return page.evaluate(() => {
    const ready = performance.getEntriesByName('netlens-ready').at(-1) as PerformanceMark;
    const painted = performance.getEntriesByName('bench-painted').at(-1)!;
    const detail = ready.detail as { boxes: number; engine: string };
    return { paintedMs: painted.startTime, readyMs: ready.startTime, boxes: detail.boxes, engine: detail.engine,
      dom: document.querySelectorAll('[data-id]').length };
  });
}

/** Expand all from the toolbar's action, until the view is ready and one frame is drawn. */
async function expandAll(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const app = (window as unknown as { __netlensApp: { expandAll(): Promise<void> } }).__netlensApp;
    const started = performance.now();
    await app.expandAll();
    while (document.body.dataset.ready !== 'true') await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    return performance.now() - started;
  });
}

/** Pans with wheel events, one per frame, and returns the frame intervals (ms); `zoom` first sets the scale. */
async function panFrames(page: Page, zoom: number | undefined, frames = Number(process.env.BENCH_FRAMES ?? 90)): Promise<number[]> {
  // Plain script text: functions written here would carry helpers of the TypeScript transform that the page lacks.
  return page.evaluate(`(async () => {
    const zoom = ${zoom ?? 'undefined'};
    const frames = ${frames};
    const svg = document.querySelector('svg.nl-canvas');
    const viewport = window.__netlensApp.viewport;
    if (zoom !== undefined) {
      viewport.set({ x: viewport.transform.x, y: viewport.transform.y, k: zoom });
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    }
    const times = [];
    let last = 0;
    let i = 0;
    await new Promise((resolve) => {
      const step = (now) => {
        if (last) times.push(now - last);
        last = now;
        if (i++ >= frames) return resolve();
        // Down the graph and a little sideways: what a reader scrolling through a model does.
        svg.dispatchEvent(new WheelEvent('wheel', { deltaY: 40, deltaX: i % 20 < 10 ? 3 : -3, bubbles: true, cancelable: true, clientX: 600, clientY: 400 }));
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });
    return times;
  })()`);
}

/** A click on a drawn node: until its selection is drawn and the reveal message posted. */
async function clickNode(page: Page): Promise<number | undefined> {
  return page.evaluate(async () => {
    const nodes = Array.from(document.querySelectorAll<SVGGElement>('[data-node]'));
    const target = nodes[Math.floor(nodes.length / 2)];
    if (!target) return undefined;
    const started = performance.now();
    target.querySelector('rect.box')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    return performance.now() - started;
  });
}

/** Search over every node's name and op: until the matches are marked and a frame is drawn. */
async function search(page: Page, query: string): Promise<{ ms: number; status: string }> {
  return page.evaluate(async (query) => {
    const app = (window as unknown as { __netlensApp: { search: { setQuery(q: string): void } } }).__netlensApp;
    const started = performance.now();
    app.search.setQuery(query);
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    return { ms: performance.now() - started, status: document.querySelector('.nl-search-count')?.textContent ?? '' };
  }, query);
}

interface Result {
  name: string; source: string; nodes: number; edges: number; groups: number; messageBytes: number;
  collapsed: { paintedMs: number; readyMs: number; boxes: number; engine: string; dom: number };
  expanded: { paintedMs: number; readyMs: number; boxes: number; engine: string; dom: number };
  expandAllMs: number;
  pan: { medianMs: number; p95Ms: number; maxMs: number };
  panOverview: { medianMs: number; p95Ms: number; maxMs: number };
  clickMs?: number; searchMs: number; searchStatus: string;
}

const frameStats = (times: number[]): Result['pan'] =>
  ({ medianMs: round(median(times)), p95Ms: round(percentile(times, 0.95)), maxMs: round(Math.max(...times)) });

async function measure(browser: Browser, c: Case): Promise<Result> {
  const slug = c.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const collapsedFile = await writePage(`bench-${slug}-collapsed`, c.graph, { collapseDepth: 1 });
  const expandedFile = await writePage(`bench-${slug}-expanded`, c.graph, { collapseDepth: 'all' });
  const collapsed: Awaited<ReturnType<typeof firstPaint>>[] = [];
  const expanded: Awaited<ReturnType<typeof firstPaint>>[] = [];
  const expandAllTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await open(browser, collapsedFile);
    collapsed.push(await firstPaint(page));
    expandAllTimes.push(await expandAll(page));
    await page.close();
  }
  let pan: number[] = [];
  let panOverview: number[] = [];
  let clickMs: number | undefined;
  let searchResult = { ms: 0, status: '' };
  for (let i = 0; i < RUNS; i++) {
    const page = await open(browser, expandedFile);
    expanded.push(await firstPaint(page));
    if (i === RUNS - 1) {
      pan = await panFrames(page, undefined);
      panOverview = await panFrames(page, 0.1);
      // The view rests first: once it has not moved for 200 ms the drawing is painted again at full resolution.
      await page.waitForTimeout(400);
      clickMs = await clickNode(page);
      await search(page, 'zzz-no-match');
      searchResult = await search(page, 'conv');
    }
    await page.close();
  }
  const pick = (list: typeof collapsed): typeof collapsed[number] => ({ ...list[0], paintedMs: round(median(list.map((t) => t.paintedMs))),
    readyMs: round(median(list.map((t) => t.readyMs))) });
  return {
    name: c.name, source: c.source, nodes: c.graph.nodes.length, edges: c.graph.edges.length, groups: c.graph.groups.length,
    messageBytes: JSON.stringify(c.graph).length,
    collapsed: pick(collapsed), expanded: pick(expanded), expandAllMs: round(median(expandAllTimes)),
    pan: frameStats(pan), panOverview: frameStats(panOverview), clickMs: clickMs === undefined ? undefined : round(clickMs),
    searchMs: round(searchResult.ms), searchStatus: searchResult.status,
  };
}

async function main(): Promise<void> {
  const list = await cases();
  const load = os.loadavg()[0].toFixed(1);
  const browser = await launch();
  const results: Result[] = [];
  try {
    for (const c of list) {
      process.stdout.write(`measuring ${c.name} (${c.graph.nodes.length.toLocaleString('en-US')} nodes)…\n`);
      const result = await measure(browser, c);
      process.stdout.write(`${JSON.stringify(result)}\n`);
      results.push(result);
    }
  } finally {
    await browser.close();
  }
  const assets = await buildWebview();
  const rows = [['Chromium view', 'nodes', 'msg', 'collapsed paint', 'expanded paint', 'expand all', 'pan frame (p95)', 'pan at 0.1× (p95)', 'click',
    'search']];
  for (const r of results) {
    rows.push([r.name, r.nodes.toLocaleString('en-US'), `${(r.messageBytes / 1024 / 1024).toFixed(1)} MB`,
      `${r.collapsed.paintedMs} ms (${r.collapsed.boxes} boxes)`, `${r.expanded.paintedMs} ms (${r.expanded.engine})`, `${r.expandAllMs} ms`,
      `${r.pan.medianMs} (${r.pan.p95Ms}) ms`, `${r.panOverview.medianMs} (${r.panOverview.p95Ms}) ms`, r.clickMs === undefined ? '—' : `${r.clickMs} ms`,
      `${r.searchMs} ms`]);
  }
  const width = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(width[c])).join('  '));
  console.log('\nGoals (50,000 nodes): collapsed ≤ 1000 ms, expanded ≤ 2000 ms, pan frame ≤ 16 ms; click < 50 ms; search < 50 ms.');
  console.log(`Paint = navigation start to the first drawn frame (page load and JSON parse included); ${RUNS} runs, medians; pan = intervals between`);
  console.log('frames while a wheel event scrolls the view each frame (at the first view, then at 0.1× zoom); click and search include one frame.');
  console.log(`main.js ${(assets.script.length / 1024).toFixed(0)} KiB; ${os.cpus().length} CPUs, load average ${load} at start (shared machine: compare runs made together)`);
  const out = path.join(__dirname, 'results', 'view.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), runs: RUNS, cpus: os.cpus().length, loadAverage: Number(load), results }, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

main().catch((error) => { console.error(error); process.exitCode = 1; });
