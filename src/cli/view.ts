// `netlens view`: renders a LayerGraph as one self-contained HTML file running the built webview bundle (no network).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { LayerGraph } from '../core/graph/ir';
import type { ViewOptions } from '../protocol';
import { escapeHtml } from '../core/format';
import { stringifyJson } from '../core/json';
import { contentSecurityPolicy, createNonce, renderPage } from '../webviewPage';

export type { ViewOptions };

export interface WebviewAssets {
  script: string;
  style: string;
  /** Files the view loads only on demand (run.js: Run panel + TensorFlow.js; elk-worker.js: layout worker), by name. */
  lazy?: Record<string, string>;
}

/** Loaded by the view on first need (webview/lazy.ts); embedded in the standalone page as non-executing text. */
const LAZY_FILES = ['run.js', 'elk-worker.js'];

/** Folders where the built webview bundle may live, relative to this module (bundled CLI in dist/, or sources). */
function candidateDirs(): string[] {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  return [path.join(here, 'webview'), path.join(here, '..', 'webview'), path.join(here, '..', '..', 'dist', 'webview'), path.join(process.cwd(), 'dist',
    'webview')];
}

/** Reads dist/webview/main.js, main.css and the lazily loaded files; throws a clear error when the bundle has not been built. */
export function loadWebviewAssets(dir?: string): WebviewAssets {
  const dirs = dir ? [dir] : candidateDirs();
  for (const candidate of dirs) {
    const script = path.join(candidate, 'main.js');
    if (fs.existsSync(script)) {
      const css = path.join(candidate, 'main.css');
      const lazy: Record<string, string> = {};
      for (const name of LAZY_FILES) {
        const file = path.join(candidate, name);
        if (fs.existsSync(file)) lazy[name] = fs.readFileSync(file, 'utf8');
      }
      return { script: fs.readFileSync(script, 'utf8'), style: fs.existsSync(css) ? fs.readFileSync(css, 'utf8') : '', lazy };
    }
  }
  throw new Error(`The webview bundle was not found (looked in ${dirs.join(', ')}); run \`npm run build\` first.`);
}

/** JSON safe to embed in a <script> element: no `</script>`, `<!--` or line separators can end it early. */
export function embedJson(value: unknown): string {
  return stringifyJson(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Keeps inlined code from closing its own element. */
function inlineSafe(code: string, tag: 'script' | 'style'): string {
  return code.replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`);
}

/** A source-map comment would point at a file that does not travel with the page. */
function stripSourceMap(code: string): string {
  return code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
}

/** Lazily loaded files as non-executing text after the main script, so first paint neither waits for nor parses them as code. */
function lazyElements(files: Record<string, string>): string {
  return Object.entries(files)
    .map(([name, code]) => `<script type="text/plain" data-netlens-asset="${escapeHtml(name)}">${inlineSafe(stripSourceMap(code), 'script')}</script>\n`)
    .join('');
}

/** One self-contained HTML page showing the graph: bundle, styles and data inline; a CSP that allows nothing external. */
export function renderStandaloneHtml(graph: LayerGraph, options: ViewOptions, assets: WebviewAssets = loadWebviewAssets()): string {
  const nonce = createNonce((size) => randomBytes(size));
  return renderPage({
    title: `NetLens · ${graph.model ?? path.basename(graph.file)}`,
    csp: contentSecurityPolicy(null, nonce),
    head: `<style>${inlineSafe(assets.style, 'style')}</style>`,
    body:
      `<script type="application/json" id="netlens-data">${embedJson({ graph, options })}</script>\n` +
      `<script nonce="${nonce}">${inlineSafe(stripSourceMap(assets.script), 'script')}</script>\n` +
      lazyElements(assets.lazy ?? {}),
  });
}

/** Writes the standalone HTML view; returns the file's size in bytes. */
/** Why `-o outFile` cannot be written for `sourceFile` (the source itself, a folder), or null when it can. */
export function viewOutputProblem(outFile: string, sourceFile: string): string | null {
  const sameFile = (a: fs.Stats, b: fs.Stats): boolean => a.dev === b.dev && a.ino === b.ino;
  let out: fs.Stats | undefined;
  try {
    out = fs.statSync(outFile);
  } catch {
    // Not there yet: only its spelling can match the source.
  }
  if (out?.isDirectory()) return `-o ${outFile} is a folder; give an HTML file name`;
  if (out && !out.isFile()) return `-o ${outFile} is not a regular file`;
  if (path.resolve(outFile) === path.resolve(sourceFile)) return `-o ${outFile} is the analysed file itself; refusing to overwrite it`;
  try {
    if (out && sameFile(out, fs.statSync(sourceFile))) return `-o ${outFile} is the analysed file itself; refusing to overwrite it`;
  } catch {
    // An unreadable source was reported already.
  }
  return null;
}

export function writeViewFile(graph: LayerGraph, options: ViewOptions, outFile: string, assets?: WebviewAssets): number {
  const html = renderStandaloneHtml(graph, options, assets ?? loadWebviewAssets());
  fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
  fs.writeFileSync(outFile, html, 'utf8');
  return Buffer.byteLength(html);
}
