// The Run panel in headless Chromium: the forward pass runs on WebGL (SwiftShader) and agrees with the CPU backend.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { RESULTS, launch, openPage, screenshot, writePage } from './harness';
import { resnetGraph, smallResidualNet } from '../unit/run-graphs';

interface Snapshot {
  state: string;
  backend?: string;
  totalMs?: number;
  output?: number[];
  outputSample?: number[];
  mismatches?: number;
  error?: string;
}

const snapshot = (page: Page): Promise<Snapshot> => page.evaluate(() => (window as unknown as { __netlensRun: Snapshot }).__netlensRun);

async function runAndWait(page: Page, start: () => Promise<void>): Promise<Snapshot> {
  await start();
  await page.waitForSelector('[data-run-state="running"]', { timeout: 10_000 }).catch(() => undefined);
  await page.waitForSelector('[data-run-state="done"], [data-run-state="error"]', { timeout: 150_000 });
  return snapshot(page);
}

describe('run panel (standalone page in Chromium)', function () {
  this.timeout(240_000);
  let browser: Browser;

  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('runs on WebGL, agrees with the CPU backend, paints heat and fills the tables', async () => {
    const graph = smallResidualNet([2, 3, 16, 16], 10);
    const { page, errors } = await openPage(browser, await writePage('run-small', graph, { collapseDepth: 'all' }));
    const webgl = await runAndWait(page, () => page.locator('[data-action="run"]').first().click());
    assert.equal(webgl.state, 'done', webgl.error);
    assert.equal(webgl.backend, 'webgl');
    assert.match((await page.locator('[data-role="backend"]').textContent()) ?? '', /WebGL/);
    assert.deepEqual(webgl.output, [2, 10]);
    assert.equal(webgl.mismatches, 0);
    assert.ok((await page.locator('rect.heat').count()) > 0, 'nodes coloured by time');
    await page.locator('[data-tab="layers"]').click();
    assert.equal(await page.locator('[data-run-table="layers"] tbody tr').count(), graph.nodes.length - 1);
    await screenshot(page, 'run-small-webgl');

    await page.locator('[data-role="choice"]').selectOption('cpu');
    const cpu = await runAndWait(page, () => page.locator('[data-role="start"]').click());
    assert.equal(cpu.state, 'done', cpu.error);
    assert.equal(cpu.backend, 'cpu');
    const a = webgl.outputSample ?? [];
    const b = cpu.outputSample ?? [];
    assert.equal(a.length, 20);
    a.forEach((value, i) => assert.ok(Math.abs(value - (b[i] as number)) <= 1e-3 * Math.max(1, Math.abs(b[i] as number)),
      `output[${i}] webgl ${value} cpu ${b[i]}`));
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('sorts layers by time, focuses a node from a row, and refuses a run above the memory budget', async () => {
    const graph = resnetGraph(18, [1, 3, 64, 64], 10);
    const { page } = await openPage(browser, await writePage('run-resnet18', graph, { collapseDepth: 1 }), { width: 1280, height: 1000 });
    const result = await runAndWait(page, () => page.locator('[data-action="run"]').first().click());
    assert.equal(result.state, 'done', result.error);
    assert.equal(result.mismatches, 0);
    await page.locator('[data-run-table="blocks"] th[data-sort="ms"]').click();
    const times = await page.locator('[data-run-table="blocks"] tbody td.ms').allTextContents();
    const numbers = times.map(Number);
    assert.ok(numbers.length > 8);
    assert.deepEqual(numbers, [...numbers].sort((x, y) => y - x), 'slowest block first');
    await screenshot(page, 'run-resnet18-blocks');

    // A row click focuses its node in the graph (the drawing marks it selected or highlighted).
    await page.locator('[data-tab="layers"]').click();
    await page.locator('[data-run-table="layers"] tbody tr[data-path="layer3.0.conv1"]').click();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');

    // Cancel stops a run in flight and leaves the panel usable.
    await page.locator('[data-role="start"]').click();
    await page.waitForSelector('[data-run-state="running"]');
    await page.waitForFunction(() => (document.querySelector('[data-role="progress-text"]')?.textContent ?? '').includes('%'));
    await page.locator('[data-role="cancel"]').click();
    await page.waitForSelector('[data-run-state="cancelled"]', { timeout: 60_000 });
    assert.equal((await snapshot(page)).state, 'cancelled');
    await page.close();

    const big = resnetGraph(18, [64, 3, 224, 224], 10);
    const refused = await openPage(browser, await writePage('run-refused', big, { collapseDepth: 1, runMemoryBudgetMiB: 256 }));
    const state = await runAndWait(refused.page, () => refused.page.locator('[data-action="run"]').first().click());
    assert.equal(state.state, 'error');
    assert.match(state.error ?? '', /more than the budget of 256 MiB/);
    assert.match((await refused.page.locator('.nlr-message.error').textContent()) ?? '', /budget of 256 MiB/);
    assert.equal(await refused.page.locator('[data-role="memory"]').getAttribute('data-over'), 'true');
    assert.equal(await refused.page.locator('[data-role="backend"]').textContent(), 'not started', 'refused before loading TensorFlow.js');
    await screenshot(refused.page, 'run-refused');
    await refused.page.close();
  });

  it('runs on the WASM backend when the host serves the .wasm files (as VS Code does from dist/)', async () => {
    // Serve the tfjs .wasm files over http, as the VS Code webview serves dist/ through its resource origin.
    const wasmDir = path.dirname(createRequire(__filename).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    const server = http.createServer((request, response) => {
      const name = path.basename(request.url ?? '');
      const file = path.join(wasmDir, name);
      if (!name.endsWith('.wasm') || !fs.existsSync(file)) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'Content-Type': 'application/wasm', 'Access-Control-Allow-Origin': '*' }).end(fs.readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const graph = smallResidualNet([1, 3, 16, 16], 6);
      const plain = fs.readFileSync(await writePage('run-wasm-base', graph), 'utf8');
      const html = plain
        .replace('<body data-ready="false">', `<body data-ready="false" data-dist-uri="${origin}/">`)
        .replace("script-src 'nonce-", `connect-src ${origin}; script-src 'wasm-unsafe-eval' 'nonce-`);
      const file = path.join(RESULTS, 'html', 'run-wasm.html');
      fs.writeFileSync(file, html);
      const { page, errors } = await openPage(browser, file);
      await page.locator('[data-action="run"]').first().click();
      await page.waitForSelector('[data-run-state="done"], [data-run-state="error"]', { timeout: 150_000 });
      await page.locator('[data-role="choice"]').selectOption('wasm');
      const wasm = await runAndWait(page, () => page.locator('[data-role="start"]').click());
      assert.equal(wasm.state, 'done', wasm.error);
      assert.equal(wasm.backend, 'wasm');
      await page.locator('[data-role="choice"]').selectOption('cpu');
      const cpu = await runAndWait(page, () => page.locator('[data-role="start"]').click());
      assert.equal(cpu.backend, 'cpu');
      (wasm.outputSample ?? []).forEach((v, i) => assert.ok(Math.abs(v - (cpu.outputSample![i] as number)) < 1e-4,
        `output[${i}] wasm ${v} cpu ${cpu.outputSample![i]}`));
      assert.equal(wasm.outputSample?.length, 6);
      assert.deepEqual(errors, []);
      await page.close();
    } finally {
      server.close();
    }
  });

  it('reports a layer that fails at run time, naming it', async () => {
    const graph = smallResidualNet([1, 3, 16, 16], 4);
    const fc = graph.nodes.find((n) => n.path === 'fc')!;
    fc.attrs = { ...fc.attrs, in_features: 9 };
    const { page } = await openPage(browser, await writePage('run-failure', graph));
    const result = await runAndWait(page, () => page.locator('[data-action="run"]').first().click());
    assert.equal(result.state, 'error');
    assert.match(result.error ?? '', /Layer 'fc' \(Linear\) failed at run time on input 1×8/);
    assert.match((await page.locator('.nlr-message.error').textContent()) ?? '', /The forward pass failed: Layer 'fc'/);
    await screenshot(page, 'run-failure');
    await page.close();
  });
});
