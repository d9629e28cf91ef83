// `npm run bench`: builds, then runs every benchmark in turn (core engine, live Problems, webview, forward pass, its memory, the
// forward pass against real PyTorch) and prints their tables.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

const steps = [
  ['build', ['node', ['esbuild.mjs']]],
  ['core engine', ['npx', ['tsx', 'bench/core.ts']]],
  ['live Problems of a file with 5 models', ['npx', ['tsx', 'bench/liveProblems.ts']]],
  ['webview', ['node', ['bench/view.mjs']], 'bench/view.mjs'],
  ['forward pass', ['node', ['bench/forward.mjs']], 'bench/forward.mjs'],
  ['forward pass memory', ['node', ['bench/memory.mjs']], 'bench/memory.mjs'],
  ['forward pass vs PyTorch', ['node', ['bench/torch.mjs']], 'bench/torch.mjs'],
];
let failed = 0;
for (const [name, [command, args], requires] of steps) {
  if (requires && !fs.existsSync(requires)) continue;
  console.log(`\n=== ${name} ===`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.log(`(${name} benchmark failed with exit code ${result.status})`);
  }
}
process.exitCode = failed ? 1 : 0;
