// Browser test harness: builds the webview bundle, writes standalone pages and drives Debian's Chromium with playwright-core.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { LayerGraph } from '../../src/core/graph/ir';
import type { ViewOptions } from '../../src/protocol';
import { defaultViewOptions } from '../../src/core/defaults';
import { loadWebviewAssets, renderStandaloneHtml, type WebviewAssets } from '../../src/cli/view';

export const ROOT = path.resolve(__dirname, '..', '..');
export const RESULTS = path.join(ROOT, 'test-results');
export const SCREENSHOTS = path.join(RESULTS, 'screenshots');

export const DEFAULT_VIEW: ViewOptions = defaultViewOptions();

let assets: WebviewAssets | undefined;

/** Bundles webview/main.ts and webview/run/entry.ts exactly as the build does (only the webview, so a broken host build cannot block these tests). */
export async function buildWebview(): Promise<WebviewAssets> {
  if (assets) return assets;
  const outDir = path.join(ROOT, 'dist', 'webview');
  const bundles = [['main.ts', 'main.js'], [path.join('run', 'entry.ts'), 'run.js']];
  await Promise.all(bundles.map(([entry, out]) => esbuild.build({
    entryPoints: [path.join(ROOT, 'webview', entry)], outfile: path.join(outDir, out), bundle: true, platform: 'browser',
    format: 'iife', target: 'es2022', legalComments: 'none', minify: true, logLevel: 'warning',
  })));
  fs.copyFileSync(path.join(ROOT, 'media', 'webview.css'), path.join(outDir, 'main.css'));
  fs.copyFileSync(require.resolve('elkjs/lib/elk-worker.min.js'), path.join(outDir, 'elk-worker.js'));
  assets = loadWebviewAssets(outDir);
  return assets;
}

/** Writes the standalone page of a graph under test-results/html and returns its file path. */
export async function writePage(name: string, graph: LayerGraph, options: Partial<ViewOptions> = {}): Promise<string> {
  const html = renderStandaloneHtml(graph, { ...DEFAULT_VIEW, ...options }, await buildWebview());
  const file = path.join(RESULTS, 'html', `${name}.html`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, html);
  return file;
}

export function chromiumPath(): string {
  for (const candidate of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  throw new Error('Chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)');
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader'],
  });
}

/** Opens a page file and waits until the view reports data-ready; collects page errors. */
export async function openPage(browser: Browser, file: string, viewport = { width: 1280, height: 860 }, hash = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  await page.goto(pathToFileURL(file).href + hash);
  await waitReady(page);
  return { page, errors };
}

export async function waitReady(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForSelector('body[data-ready="true"]', { timeout });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
