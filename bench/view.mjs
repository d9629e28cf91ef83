// `node bench/view.mjs`: runs the webview benchmark (bench/view.ts) under tsx, as `npm run bench` expects.
import { spawnSync } from 'node:child_process';

const result = spawnSync('npx', ['tsx', 'bench/view.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exitCode = result.status ?? 1;
