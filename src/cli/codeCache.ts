// Runs the CommonJS CLI bundle through vm.Script with a V8 code cache kept beside it, and writes that cache on request.
//
// A cold `netlens check` spends much of its time compiling JavaScript: the bundle itself, then every function the
// first analysis calls. The cache (written at build time by a typical run) holds their bytecode, so V8 skips that work.
// V8 rejects a cache from another V8 version or with other V8 flags by itself; it does not compare the source text, so
// the header records the bundle's size and modification time and a cache for any other build is ignored.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { createRequire } from 'node:module';

/** Header: bundle size and modification time (two float64), then V8's cached data. */
const HEADER_BYTES = 16;

export interface CodeCacheRun {
  /** Whether V8 used the cache (false when there was none, it was stale, or V8 rejected it). */
  readonly used: boolean;
  /** Writes the bytecode compiled so far (call it at the end of a run); false when it could not be written. */
  write(): boolean;
}

/** The cache file of a bundle. */
export function codeCacheFile(bundle: string): string {
  return `${bundle}.cache`;
}

function readCache(cacheFile: string, stat: fs.Stats): Buffer | undefined {
  let data: Buffer;
  try {
    data = fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  if (data.length <= HEADER_BYTES) return undefined;
  if (data.readDoubleLE(0) !== stat.size || data.readDoubleLE(8) !== stat.mtimeMs) return undefined;
  return data.subarray(HEADER_BYTES);
}

function writeCache(cacheFile: string, stat: fs.Stats, cached: Buffer): boolean {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeDoubleLE(stat.size, 0);
  header.writeDoubleLE(stat.mtimeMs, 8);
  // Written whole under a temporary name and renamed, so a reader never sees a partial file.
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, Buffer.concat([header, cached]));
    fs.renameSync(temporary, cacheFile);
    return true;
  } catch {
    fs.rmSync(temporary, { force: true });
    return false;
  }
}

type ModuleWrapper = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;

/** Evaluates `bundle` as a CommonJS module (as `require` would), compiled with its code cache when one matches. */
export function runWithCodeCache(bundle: string): CodeCacheRun {
  const file = path.resolve(bundle);
  const stat = fs.statSync(file);
  const source = fs.readFileSync(file, 'utf8');
  const cacheFile = codeCacheFile(file);
  const cachedData = readCache(cacheFile, stat);
  // The same wrapper Node's module loader puts around a CommonJS file (line numbers in stack traces are unchanged).
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  const used = cachedData !== undefined && !script.cachedDataRejected;
  const module = { exports: {} };
  const run = script.runInThisContext() as ModuleWrapper;
  run.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return { used, write: () => writeCache(cacheFile, stat, script.createCachedData()) };
}
