// `npm run bench` section: the forward pass's modelled memory peak (what the budget checks) against the peak
// resident memory `netlens run` really reaches, per backend, on models whose weights dominate and whose activations do.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const MIB = 1024 * 1024;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-bench-memory-'));
const linear = (n) => `import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(${n}, ${n})
        self.b = nn.Linear(${n}, ${n})
    def forward(self, x):
        return self.b(self.a(x))
`;
const conv = `import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 64, 7, 2, 3)
        self.b = nn.Conv2d(64, 64, 3, 1, 1)
        self.c = nn.Conv2d(64, 128, 3, 1, 1)
    def forward(self, x):
        return self.c(self.b(self.a(x)))
`;
const cases = [
  ['tiny: 2 x Linear(100, 100)', linear(100), '1,100'],
  ['weights: 2 x Linear(4000, 4000)', linear(4000), '1,4000'],
  ['weights: 2 x Linear(8000, 8000)', linear(8000), '1,8000'],
  ['activations: 3 convs at 512x512', conv, '1,3,512,512'],
];
// The probe runs the CLI in-process and reports its own peak resident memory when it exits.
const probe = path.join(dir, 'probe.cjs');
fs.writeFileSync(probe, `process.on('exit', () => process.stderr.write('maxRSS ' + process.resourceUsage().maxRSS + '\\n'));
process.argv = [process.argv[0], ${JSON.stringify(path.resolve('dist/cli.js'))}, ...process.argv.slice(2)];
require(${JSON.stringify(path.resolve('dist/cli.js'))});\n`);

const rows = [];
for (const [name, source, input] of cases) {
  const file = path.join(dir, `${rows.length}.py`);
  fs.writeFileSync(file, source);
  for (const backend of ['wasm', 'cpu']) {
    // The cpu backend takes minutes on large convolutions: one pass is enough to reach the peak.
    const result = spawnSync(process.execPath, [probe, 'run', file, '--input', input, '--backend', backend, '--runs', '1', '--json'],
      { encoding: 'utf8', maxBuffer: 64 * MIB });
    const rss = Number(/maxRSS (\d+)/.exec(result.stderr)?.[1] ?? NaN) * 1024;
    let estimate = NaN;
    try {
      estimate = JSON.parse(result.stdout).memoryBytes;
    } catch {
      // reported as n/a below
    }
    rows.push([name, backend, estimate, rss]);
  }
}
fs.rmSync(dir, { recursive: true, force: true });

const mib = (bytes) => (Number.isFinite(bytes) ? `${(bytes / MIB).toFixed(0)} MiB` : 'n/a');
console.log('model                              backend  estimated   measured peak RSS  estimate / measured');
for (const [name, backend, estimate, rss] of rows) {
  const ratio = Number.isFinite(estimate) && Number.isFinite(rss) ? (estimate / rss).toFixed(2) : 'n/a';
  console.log(`${name.padEnd(35)}${backend.padEnd(9)}${mib(estimate).padEnd(12)}${mib(rss).padEnd(19)}${ratio}`);
}
console.log('(measured includes the Node and TensorFlow.js runtime, about 65 MiB; the estimate counts the model only)');
