// Where `run --dump` may write: one folder the user chose (created without Node's recursive mkdir, which loops
// forever under /proc), and inside it only plain files whose names come from state-dict keys made safe.
import * as fs from 'node:fs';
import * as path from 'node:path';

export class DumpFolderError extends Error {}

/** Virtual file systems where a dump makes no sense (and where mkdir can misbehave). */
const REFUSED_ROOTS = ['/proc', '/sys', '/dev'];
/** Deepest folder path created (a guard against a runaway loop, not a real limit). */
const MAX_COMPONENTS = 128;

function isUnder(file: string, root: string): boolean {
  return file === root || file.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** Creates `dir` (and its missing parents) and returns its real path; throws DumpFolderError with a clear message. */
export function prepareDumpFolder(dir: string): string {
  if (dir.trim() === '') throw new DumpFolderError('--dump needs a folder name');
  const absolute = path.resolve(dir);
  const missing: string[] = [];
  let existing = absolute;
  while (!fs.existsSync(existing)) {
    missing.unshift(path.basename(existing));
    const parent = path.dirname(existing);
    if (parent === existing || missing.length > MAX_COMPONENTS) throw new DumpFolderError(`cannot create the dump folder ${dir}`);
    existing = parent;
  }
  let real: string;
  try {
    real = fs.realpathSync(existing);
  } catch (error) {
    throw new DumpFolderError(`cannot use the dump folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (REFUSED_ROOTS.some((root) => isUnder(real, root))) throw new DumpFolderError(`refusing to dump into ${dir}: ${real} is a system folder`);
  if (!fs.statSync(real).isDirectory()) throw new DumpFolderError(`cannot dump into ${dir}: ${real} is not a folder`);
  for (const name of missing) {
    real = path.join(real, name);
    try {
      fs.mkdirSync(real);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(real).isDirectory()) {
        throw new DumpFolderError(`cannot create the dump folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
    }
  }
  return real;
}

/**
 * The file for a state-dict key inside the dump folder: characters other than letters, digits, `_`, `-` and `.` are
 * percent-encoded (a module named `../x` or `a/b` stays one file name), and the result is checked to lie directly in
 * the folder and not to be a symbolic link.
 */
export function dumpFile(folder: string, key: string): string {
  const safe = key.replace(/[^A-Za-z0-9_.-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
  const name = /^\.|^$/.test(safe) ? `%2E${safe.slice(1)}` : safe;
  const file = path.join(folder, `${name}.npy`);
  if (path.dirname(path.resolve(file)) !== path.resolve(folder) || name.length > 240)
    throw new DumpFolderError(`refusing to write a dump file for the key '${key.slice(0, 80)}'`);
  let isLink = false;
  try {
    isLink = fs.lstatSync(file).isSymbolicLink();
  } catch {
    // Not there yet: fine.
  }
  if (isLink) throw new DumpFolderError(`refusing to write through the symbolic link ${file}`);
  return file;
}
