// Builds every bundle: CLI and extension host (node, cjs), webview (browser, iife) and copies the wasm files they load.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const nodeShim = { define: { 'import.meta.url': 'importMetaUrl' }, inject: ['scripts/import-meta-url.js'] };
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', target: 'es2022', legalComments: 'none' };

const builds = [
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', ...nodeShim,
    // TensorFlow.js loads only for `netlens run`: kept out of the bundle so `check` starts fast.
    external: ['@tensorflow/*'] },
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
