// Launcher for the forward-pass bench (bench/forward.ts, TypeScript run through tsx): `node bench/forward.mjs [--runs N]`.
import { spawnSync } from 'node:child_process';

const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/forward.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exitCode = result.status ?? 1;
