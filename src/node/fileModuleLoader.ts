// The module loader over the file system (CLI, extension worker): project roots, extra paths, site-packages, buffers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModuleLoader, ModuleSource } from '../core/interpret/moduleLoader';
import { MAX_SOURCE_BYTES } from '../core/analyze';

/** Plain data, so the extension can send it to its analysis worker. */
export interface FileLoaderConfig {
  /** The analysed file (absolute path). */
  entry: string;
  /** More folders searched for absolute imports, before the Python environment (`--path`, `netlens.extraPaths`, the
   *  workspace folders). */
  extraPaths?: string[];
  /** The Python environment whose installed packages are read: a site-packages folder, a virtual environment, or
   *  its interpreter (`.venv/bin/python`). Without one, a `.venv` or `venv` in the project is used when present. */
  pythonPath?: string;
  /** Unsaved editor text by absolute path: read instead of the file on disk. */
  buffers?: Record<string, string>;
}

/** Files that mark the top of a project (absolute imports resolve from there). */
const PROJECT_MARKERS = ['.git', 'pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt'];
/** How far up from the entry file a project marker is looked for. */
const MAX_MARKER_DEPTH = 6;

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The folders Python would search for this entry file, plus the project's top (see FileLoaderConfig). */
export function projectRoots(entry: string, extraPaths: string[] = []): string[] {
  const dir = path.dirname(path.resolve(entry));
  const roots = [dir];
  // The folder above the outermost package that contains the entry file.
  let top = dir;
  while (isFile(path.join(top, '__init__.py')) && path.dirname(top) !== top) top = path.dirname(top);
  roots.push(top);
  // The entry's own folder as a package of its parent, so that `from .unet_parts import *` in a folder without
  // __init__.py resolves (as `python -m folder.file` would with a namespace package).
  roots.push(path.dirname(dir));
  let probe = top;
  for (let i = 0; i < MAX_MARKER_DEPTH; i++) {
    if (PROJECT_MARKERS.some((m) => fs.existsSync(path.join(probe, m)))) {
      roots.push(probe);
      if (isDir(path.join(probe, 'src'))) roots.push(path.join(probe, 'src'));
      break;
    }
    const up = path.dirname(probe);
    if (up === probe) break;
    probe = up;
  }
  for (const p of extraPaths) roots.push(path.resolve(p));
  return [...new Set(roots)];
}

/** The site-packages folders of a Python environment given as a folder, a venv or an interpreter path. */
export function sitePackagesOf(pythonPath: string): string[] {
  const p = path.resolve(pythonPath);
  if (path.basename(p) === 'site-packages' || path.basename(p) === 'dist-packages') return isDir(p) ? [p] : [];
  const env = isFile(p) ? path.dirname(path.dirname(p)) : p;
  const out: string[] = [];
  for (const lib of ['lib', 'Lib', 'lib64']) {
    const libDir = path.join(env, lib);
    if (!isDir(libDir)) continue;
    if (isDir(path.join(libDir, 'site-packages'))) out.push(path.join(libDir, 'site-packages'));
    for (const name of fs.readdirSync(libDir).filter((n) => /^python3(\.\d+)?$/.test(n)).sort()) {
      const sp = path.join(libDir, name, 'site-packages');
      if (isDir(sp)) out.push(sp);
    }
  }
  return out;
}

/** A project's own virtual environment (`.venv`, `venv`, `env`), looked for beside the project roots. */
function discoverEnvironment(roots: string[]): string[] {
  for (const root of roots) {
    for (const name of ['.venv', 'venv', 'env']) {
      const candidate = path.join(root, name);
      if (isFile(path.join(candidate, 'pyvenv.cfg'))) return sitePackagesOf(candidate);
    }
  }
  return [];
}

/** Reads a file of at most `limit` bytes, refusing anything but regular files. */
function readLimited(file: string, limit: number): string | null {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > limit) return null;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export function createFileModuleLoader(config: FileLoaderConfig): ModuleLoader & { roots: string[]; sitePackages: string[] } {
  const entry = path.resolve(config.entry);
  const roots = projectRoots(entry, config.extraPaths);
  const sitePackages = config.pythonPath ? sitePackagesOf(config.pythonPath) : discoverEnvironment(roots);
  const buffers = new Map(Object.entries(config.buffers ?? {}).map(([k, v]) => [path.resolve(k), v]));
  const read = (file: string): string | null => buffers.get(file) ?? readLimited(file, MAX_SOURCE_BYTES);
  const exists = (file: string): boolean => buffers.has(file) || isFile(file);

  function findIn(root: string, name: string, library: boolean): ModuleSource | null {
    const parts = name.split('.');
    if (parts.some((part) => !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(part))) return null;
    const base = path.join(root, ...parts);
    const init = path.join(base, '__init__.py');
    if (exists(init)) {
      const text = read(init);
      return text === null ? null : { path: init, text, isPackage: true, library };
    }
    if (exists(base + '.py')) {
      const text = read(base + '.py');
      return text === null ? null : { path: base + '.py', text, isPackage: false, library };
    }
    if (isDir(base)) return { path: base, text: '', isPackage: true, library };
    return null;
  }

  return {
    roots,
    sitePackages,
    find(name) {
      // A regular package or module anywhere wins over a namespace package (a bare folder) earlier on the path.
      let namespace: ModuleSource | null = null;
      for (const [list, library] of [[roots, false], [sitePackages, true]] as const) {
        for (const root of list) {
          const found = findIn(root, name, library);
          if (found && (found.text || !found.isPackage || !isDir(found.path))) return found;
          namespace ??= found;
        }
      }
      return namespace;
    },
    entryModule() {
      // The entry's dotted name below the nearest root that holds it as a package member, else as its folder's module.
      const dir = path.dirname(entry);
      const stem = path.basename(entry, '.py');
      const isPackage = path.basename(entry) === '__init__.py';
      let top = dir;
      while (isFile(path.join(top, '__init__.py')) && path.dirname(top) !== top) top = path.dirname(top);
      const rel = path.relative(top, dir).split(path.sep).filter(Boolean);
      if (rel.length === 0) rel.push(path.basename(dir));
      return { name: isPackage ? rel.join('.') : [...rel, stem].join('.'), isPackage };
    },
    readData(file) {
      const p = path.resolve(path.dirname(entry), file);
      return read(p);
    },
  };
}
