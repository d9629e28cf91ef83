// Builds every bundle: CLI and extension host (node, cjs), webview (browser, iife) and copies the wasm files they load.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';

const require = createRequire(import.meta.url);
// The library stubs are Python files; the engine reads them from a generated module (no I/O in the core).
if (spawnSync(process.execPath, ['scripts/bundle-stubs.mjs'], { stdio: 'inherit' }).status !== 0) process.exit(1);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const nodeShim = { define: { 'import.meta.url': 'importMetaUrl' }, inject: ['scripts/import-meta-url.js'] };
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', target: 'es2022', legalComments: 'none' };

const builds = [
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', ...nodeShim,
    // TensorFlow.js loads only for `netlens run`: kept out of the bundle so `check` starts fast.
    external: ['@tensorflow/*'],
    // import() becomes require(): the launcher runs this bundle through vm.Script with a code cache, and Node 20
    // drops the dynamic-import hook of a script compiled from cached data.
    supported: { 'dynamic-import': false },
    // web-tree-sitter's CommonJS build: its ES build imports Node's `module` with import().
    alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/web-tree-sitter.cjs' } },
  // The analysis worker thread of the extension host and the CLI (src/node/analysisWorkerClient.ts starts it).
  { ...common, entryPoints: ['src/node/analysisWorker.ts'], outfile: 'dist/analysisWorker.js', platform: 'node', format: 'cjs', ...nodeShim,
    alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/web-tree-sitter.cjs' } },
  // The forked worker process's entry: dist/analysisWorker.js through its code cache.
  { ...common, entryPoints: ['src/node/analysisWorkerLaunch.ts'], outfile: 'dist/analysisWorkerLaunch.js', platform: 'node', format: 'cjs' },
  // The `netlens` process entry (bin/netlens.js): V8 options, then dist/cli.js through its code cache.
  { ...common, entryPoints: ['src/cli/launch.ts'], outfile: 'dist/launch.js', platform: 'node', format: 'cjs' },
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', external: ['vscode'], ...nodeShim },
  { ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview/main.js', platform: 'browser', format: 'iife' },
  // The Run panel and TensorFlow.js: a second webview bundle, evaluated only when a forward pass is first asked for.
  { ...common, entryPoints: ['webview/run/entry.ts'], outfile: 'dist/webview/run.js', platform: 'browser', format: 'iife' },
].filter((options) => fs.existsSync(options.entryPoints[0]));

/** Files loaded at run time, copied beside the bundles so the packaged extension needs no node_modules. */
const runtimeFiles = [
  'web-tree-sitter/web-tree-sitter.wasm',
  'tree-sitter-python/tree-sitter-python.wasm',
  '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
  '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
];

fs.mkdirSync('dist', { recursive: true });
for (const file of runtimeFiles) {
  fs.copyFileSync(require.resolve(file), path.join('dist', path.basename(file)));
}
if (fs.existsSync('media/webview.css')) {
  fs.mkdirSync('dist/webview', { recursive: true });
  fs.copyFileSync('media/webview.css', 'dist/webview/main.css');
  // The layout worker's source, read by the webview on first need (not part of main.js).
  fs.copyFileSync(require.resolve('elkjs/lib/elk-worker.min.js'), 'dist/webview/elk-worker.js');
}

for (const options of builds) {
  if (watch) await (await esbuild.context(options)).watch();
  else await esbuild.build(options);
}

/**
 * Writes dist/cli.js.cache: the V8 bytecode a typical `netlens check` compiles (see src/cli/codeCache.ts). A cold
 * `check` then skips most of its compiling. A rebuilt bundle ignores the old cache (watch mode runs without one).
 */
function writeCliCodeCache() {
  const sample = 'examples/resnet.py';
  if (!fs.existsSync('dist/launch.js') || !fs.existsSync(sample)) return;
  const result = spawnSync(process.execPath, ['dist/launch.js', 'check', sample], {
    env: { ...process.env, NETLENS_CODE_CACHE: 'write' },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0 || !fs.existsSync('dist/cli.js.cache') || !fs.existsSync('dist/analysisWorker.js.cache')) {
    console.warn(`esbuild.mjs: no CLI code cache written (${result.error?.message ?? result.stderr.trim() ?? `exit ${result.status}`})`);
  }
}
if (!watch) writeCliCodeCache();
