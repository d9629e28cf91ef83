// Webview benchmark: ResNet-152 in Chromium, time to data-ready (collapsed by default, fully expanded) and elkjs vs dagre layout.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import ELK from 'elkjs/lib/elk.bundled.js';
import dagre from '@dagrejs/dagre';
import type { LayerGraph } from '../src/core/graph/ir';
import { buildWebview, launch, openPage, writePage } from '../test/browser/harness';
import { resnet152 } from '../test/browser/synthetic';
import { GraphIndex } from '../webview/graph-index';
import { buildVisibleGraph, countNodesPerGroup, initialExpanded, type VisibleGraph } from '../webview/visible';
import { ROOT_OPTIONS, toElkGraph } from '../webview/elk-graph';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const VIEW = { collapseDepth: 1 as number | 'all', showShapes: true, showParams: true, showMacs: false, runMemoryBudgetMiB: 1024 };

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (value: number): number => Math.round(value * 10) / 10;

/** ResNet-152 from the engine when it can analyse the example file, else the synthetic twin with the same structure. */
async function loadResNet152(): Promise<{ graph: LayerGraph; source: string }> {
  try {
    const { analyzeSource } = await import('../src/core/analyze');
    const file = path.join(__dirname, '..', 'examples', 'resnet.py');
    const graph = await analyzeSource(fs.readFileSync(file, 'utf8'), file, { model: 'resnet152()' });
    if (graph.nodes.length > 0) return { graph, source: 'examples/resnet.py resnet152() via analyzeSource' };
  } catch { /* fall through to the synthetic graph */ }
  return { graph: resnet152(), source: 'synthetic ResNet-152 (test/browser/synthetic.ts)' };
}

interface ReadyTiming { readyMs: number; layoutMs: number; boxes: number; scriptStartMs: number; paintMs: number; engine: string }

/** Fresh page per run: milliseconds from navigation start to the `netlens-ready` mark. */
async function timeToReady(file: string, hash = ''): Promise<ReadyTiming[]> {
  const browser = await launch();
  const timings: ReadyTiming[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const { page } = await openPage(browser, file, undefined, hash);
      timings.push(await page.evaluate(() => {
        // No nested functions here: the page cannot see the helpers a TypeScript transform would add for them.
        const mark = performance.getEntriesByName('netlens-ready').at(-1) as PerformanceMark;
        const start = performance.getEntriesByName('netlens-start').at(-1)!.startTime;
        const layoutEnd = performance.getEntriesByName('netlens-layout-end').at(-1)!.startTime;
        const detail = mark.detail as { layoutMs: number; boxes: number; engine: string };
        return { readyMs: mark.startTime, layoutMs: detail.layoutMs, boxes: detail.boxes, scriptStartMs: start, paintMs: mark.startTime - layoutEnd,
          engine: detail.engine };
      }));
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return timings;
}

/** The fully expanded graph without compound nodes: what a flat layered layout sees. */
function flatten(visible: VisibleGraph): VisibleGraph {
  return { ...visible, groups: [], boxes: visible.boxes.map((box) => ({ ...box, parent: null })),
    edges: visible.edges.map((edge) => ({ ...edge, lane: false })) };
}

async function elkMs(visible: VisibleGraph): Promise<number[]> {
  const elk = new ELK();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const graph = toElkGraph(visible);
    graph.layoutOptions = { ...ROOT_OPTIONS };
    const started = performance.now();
    await elk.layout(graph);
    times.push(performance.now() - started);
  }
  return times;
}

function dagreMs(visible: VisibleGraph): number[] {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const g = new dagre.graphlib.Graph({ multigraph: true });
    g.setGraph({ rankdir: 'TB', nodesep: 26, ranksep: 30 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const box of visible.boxes) g.setNode(box.id, { width: box.label.width, height: box.label.height });
    for (const edge of visible.edges) g.setEdge(edge.from, edge.to, {}, edge.id);
    const started = performance.now();
    dagre.layout(g);
    times.push(performance.now() - started);
  }
  return times;
}

function summarise(times: ReadyTiming[]): ReadyTiming {
  const pick = (key: Exclude<keyof ReadyTiming, 'engine'>): number => round(median(times.map((t) => t[key])));
  return { boxes: times[0].boxes, engine: times[0].engine, readyMs: pick('readyMs'), scriptStartMs: pick('scriptStartMs'), layoutMs: pick('layoutMs'),
    paintMs: pick('paintMs') };
}

async function main(): Promise<void> {
  const { graph, source } = await loadResNet152();
  const collapsedTimes = await timeToReady(await writePage('bench-resnet152-collapsed', graph, { ...VIEW, collapseDepth: 1 }));
  const expandedPage = await writePage('bench-resnet152-expanded', graph, { ...VIEW, collapseDepth: 'all' });
  const expandedTimes = await timeToReady(expandedPage);
  const expandedElkTimes = await timeToReady(expandedPage, '#layout=elk');
  const index = new GraphIndex(graph);
  const flat = flatten(buildVisibleGraph(index, initialExpanded(index, 'all'), { ...VIEW, collapseDepth: 'all' }, countNodesPerGroup(index)));
  const elkFlat = await elkMs(flat);
  const dagreFlat = dagreMs(flat);
  const assets = await buildWebview();
  const bundles = { mainJsBytes: assets.script.length, lazyBytes: Object.fromEntries(Object.entries(assets.lazy ?? {}).map(([name, code]) => [name,
    code.length])) };
  const result = {
    date: new Date().toISOString(), graph: source, nodes: graph.nodes.length, runs: RUNS, bundles,
      machine: `${process.platform}, Chromium (headless), ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)} at start`,
    collapsed: { ...summarise(collapsedTimes), goalMs: 300 },
    expanded: { ...summarise(expandedTimes), goalMs: 1500 },
    expandedElkOnly: summarise(expandedElkTimes),
    flatLayout: { nodes: flat.boxes.length, edges: flat.edges.length, elkMedianMs: round(median(elkFlat)), elkFirstMs: round(elkFlat[0]),
      dagreMedianMs: round(median(dagreFlat)), dagreFirstMs: round(dagreFlat[0]), where: 'node' },
  };
  const row = (name: string, t: ReadyTiming, goal: string): string[] =>
    [name, String(t.boxes), `${t.readyMs} ms`, `${t.scriptStartMs} ms`, `${t.layoutMs} ms (${t.engine})`, `${t.paintMs} ms`, goal];
  const rows = [
    ['ResNet-152 view (Chromium)', 'boxes', 'data-ready', 'script start', 'layout', 'paint', 'goal'],
    row('collapsed (depth 1)', result.collapsed, '≤ 300 ms'),
    row('fully expanded', result.expanded, '≤ 1500 ms'),
    row('fully expanded, elkjs forced', result.expandedElkOnly, ''),
  ];
  const width = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(width[c])).join('  '));
  console.log(`\nFlat layout of the expanded graph (${flat.boxes.length} nodes, ${flat.edges.length} edges, node):`);
  console.log(`  elkjs layered  median ${result.flatLayout.elkMedianMs} ms (first ${result.flatLayout.elkFirstMs} ms)`);
  console.log(`  dagre          median ${result.flatLayout.dagreMedianMs} ms (first ${result.flatLayout.dagreFirstMs} ms)`);
  console.log(`\nmain.js ${(bundles.mainJsBytes / 1024).toFixed(0)} KiB parsed at first paint; loaded on demand: ${Object.entries(bundles.lazyBytes).map(([name,
    bytes]) => `${name} ${(bytes / 1024).toFixed(0)} KiB`).join(', ')}`);
  console.log(`\n(graph: ${source}; ${RUNS} runs each; medians; data-ready is measured from navigation start, page load and parse included)`);
  const out = path.join(__dirname, 'results', 'view.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

main().catch((error) => { console.error(error); process.exitCode = 1; });
