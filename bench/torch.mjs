// Launcher for the NetLens-vs-PyTorch bench (bench/torch.ts, TypeScript run through tsx): `node bench/torch.mjs [--runs N]`.
import { spawnSync } from 'node:child_process';

const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/torch.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exitCode = result.status ?? 1;
