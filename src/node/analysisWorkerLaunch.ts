// Entry of the forked analysis worker process: runs dist/analysisWorker.js through its V8 code cache (as the CLI's
// launcher does for dist/cli.js), so a cold worker skips most of compiling the engine.
//
// NETLENS_CODE_CACHE=write (set by the build) writes that cache just before the first answer leaves the worker: the
// parent may kill the worker as soon as it has its answer.
import * as path from 'node:path';
import { runWithCodeCache } from '../cli/codeCache';

const run = runWithCodeCache(path.join(__dirname, 'analysisWorker.js'));
if (process.env.NETLENS_CODE_CACHE === 'write' && process.send) {
  const send = process.send.bind(process) as (message: unknown) => boolean;
  let written = false;
  process.send = ((message: unknown) => {
    if (!written) {
      written = true;
      if (!run.write()) process.stderr.write('netlens: could not write the analysis worker code cache\n');
    }
    return send(message);
  }) as typeof process.send;
}
