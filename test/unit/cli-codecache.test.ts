// The CLI's V8 code cache: a bundle runs the same with or without it, a matching cache is used, a stale one ignored.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { codeCacheFile } from '../../src/cli/codeCache';

const CODE_CACHE_MODULE = path.resolve('src/cli/codeCache.ts');

/** A small CommonJS "bundle" that uses what a bundle relies on: require, module, __dirname, lazily compiled functions. */
const BUNDLE = `
const path = require('node:path');
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
module.exports.answer = fib(20);
process.stdout.write(JSON.stringify({ dir: path.basename(__dirname), file: path.basename(__filename), answer: module.exports.answer }) + '\\n');
`;

/** Runs `bundle` in a fresh process through runWithCodeCache; prints the bundle's line, then whether the cache was used. */
function runBundle(bundle: string, write: boolean): { lines: string[]; code: number | null; stderr: string } {
  const script = `
    const { runWithCodeCache } = require(${JSON.stringify(CODE_CACHE_MODULE)});
    const run = runWithCodeCache(${JSON.stringify(bundle)});
    console.log(JSON.stringify({ used: run.used }));
    if (${write}) console.log(JSON.stringify({ written: run.write() }));
  `;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  return { lines: result.stdout.trim().split('\n'), code: result.status, stderr: result.stderr };
}

describe('cli: V8 code cache', () => {
  let dir: string;
  let bundle: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-codecache-'));
    bundle = path.join(dir, 'bundle.js');
    fs.writeFileSync(bundle, BUNDLE);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs a bundle as a CommonJS module, without a cache, then with the cache it wrote', () => {
    const first = runBundle(bundle, true);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(first.lines.map((l) => JSON.parse(l)), [{ dir: path.basename(dir), file: 'bundle.js', answer: 6765 }, { used: false }, { written: true }]);
    assert.ok(fs.statSync(codeCacheFile(bundle)).size > 16);
    const second = runBundle(bundle, false);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(second.lines.map((l) => JSON.parse(l)), [{ dir: path.basename(dir), file: 'bundle.js', answer: 6765 }, { used: true }]);
  });

  it('ignores the cache of another build of the bundle', () => {
    assert.equal(runBundle(bundle, true).code, 0);
    // Same length, different code: V8 itself would not notice (it checks the length, not the text).
    fs.writeFileSync(bundle, BUNDLE.replace('fib(20)', 'fib(19)'));
    fs.utimesSync(bundle, new Date(), new Date(Date.now() + 5000));
    const run = runBundle(bundle, false);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.lines.map((l) => JSON.parse(l)), [{ dir: path.basename(dir), file: 'bundle.js', answer: 4181 }, { used: false }]);
  });

  it('runs normally when the cache is corrupt or truncated', () => {
    assert.equal(runBundle(bundle, true).code, 0);
    const cache = fs.readFileSync(codeCacheFile(bundle));
    for (const broken of [Buffer.concat([cache.subarray(0, 16), Buffer.alloc(cache.length - 16, 0x5a)]), cache.subarray(0, 40), cache.subarray(0, 8)]) {
      fs.writeFileSync(codeCacheFile(bundle), broken);
      const run = runBundle(bundle, false);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(run.lines.map((l) => JSON.parse(l)), [{ dir: path.basename(dir), file: 'bundle.js', answer: 6765 }, { used: false }]);
    }
  });
});

describe('cli: launcher', () => {
  it('the built CLI has a code cache that matches it and gives the same output as running the bundle directly', () => {
    const cli = path.resolve('dist/cli.js');
    if (!fs.existsSync(cli)) return; // the CLI tests build it; nothing to compare before a build
    const args = ['check', 'examples/resnet.py', '--model', 'resnet50()', '--json'];
    const viaLauncher = spawnSync(process.execPath, [path.resolve('bin/netlens.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
    const direct = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(viaLauncher.status, 0, viaLauncher.stderr);
    assert.equal(viaLauncher.stdout, direct.stdout);
    assert.equal(JSON.parse(viaLauncher.stdout).params, 25_557_032);
    for (const command of [args, ['view', 'examples/resnet.py', '-o', path.join(os.tmpdir(), `netlens-codecache-${process.pid}.html`)]]) {
      const reported = spawnSync(process.execPath, [path.resolve('bin/netlens.js'), ...command], { encoding: 'utf8', timeout: 60_000, env: { ...process.env,
        NETLENS_CODE_CACHE: 'report' } });
      assert.match(reported.stderr, /code cache used/, `${command[0]}: dist/cli.js.cache is written by the build and accepted by V8`);
    }
  });
});
