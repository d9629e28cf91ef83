// Every tricky op builder gives the same numbers on WebGL (headless Chromium, SwiftShader) as on the tfjs CPU backend.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium, type Browser } from 'playwright-core';

interface CaseResult {
  name: string;
  maxDiff: number;
  n: number;
  error?: string;
}

function findChromium(): string | undefined {
  return [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && fs.existsSync(p));
}

describe('ops forward: WebGL agrees with CPU (headless Chromium)', function () {
  this.timeout(180_000);
  let browser: Browser | undefined;
  let dir: string | undefined;

  after(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs every case on both backends within 1e-4 and leaves no tensor behind', async function () {
    const executablePath = findChromium();
    if (!executablePath) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-ops-webgl-'));
    await esbuild.build({
      entryPoints: [path.join(__dirname, 'ops-webgl-page.ts')],
      outfile: path.join(dir, 'page.js'),
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      logLevel: 'warning',
    });
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html><body><script src="page.js"></script></body></html>');
    browser = await chromium.launch({
      executablePath,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader'],
    });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);
    await page.waitForFunction(() => (globalThis as unknown as { __opsWebgl?: unknown }).__opsWebgl, null, { timeout: 150_000 });
    const report = (await page.evaluate(() => (globalThis as unknown as { __opsWebgl: unknown }).__opsWebgl)) as { backend: string; results: CaseResult[] };
    assert.deepEqual(errors, []);
    assert.equal(report.backend, 'webgl');
    assert.ok(report.results.length >= 50, `only ${report.results.length} cases ran`);
    const bad = report.results.filter((r) => r.error || !(r.maxDiff <= 1e-4) || r.n === 0);
    assert.deepEqual(bad, []);
  });
});
