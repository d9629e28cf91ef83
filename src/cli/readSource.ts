// Reads the analysed file for the CLI with a size limit: never more than the limit is read, and only regular files
// (a FIFO, /dev/zero or a folder is refused before reading).
import * as fs from 'node:fs';

/** The engine's limit (MAX_SOURCE_BYTES in src/core/analyze.ts; a test keeps them equal). */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

export type ReadResult = { ok: true; text: string } | { ok: false; message: string };

export function readSourceFile(file: string, limit = MAX_FILE_BYTES): ReadResult {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer must not wait.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { ok: false, message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { ok: false, message: `cannot read ${file}: not a regular file` };
    if (stat.size > limit)
      return { ok: false, message: `${file} is ${(stat.size / 1048576).toFixed(1)} MiB; NetLens analyses files up to ${limit / 1048576} MiB` };
    // The size can change between fstat and read: read at most one byte past the limit and check again.
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > limit) return { ok: false, message: `${file} is larger than ${limit / 1048576} MiB, the most NetLens analyses` };
    }
    return { ok: true, text: buffer.toString('utf8', 0, length) };
  } catch (error) {
    return { ok: false, message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  } finally {
    fs.closeSync(fd);
  }
}
