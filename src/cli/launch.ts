// Process entry of the `netlens` command: sets V8 options for the command, then runs the CLI bundle (dist/cli.js).
//
// NETLENS_CODE_CACHE=write makes the run write the bundle's V8 code cache when it ends (the build does this once);
// NETLENS_CODE_CACHE=report prints on stderr whether the run used it.
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runWithCodeCache } from './codeCache';

/**
 * `check` and `view` are short runs. By default V8 recompiles tree-sitter's hottest wasm functions with its optimizing
 * compiler in background threads, and a process waits for those compilations before it exits (tens of milliseconds
 * spent on code that never runs). With this budget the parser stays on V8's baseline wasm code for the whole run.
 * `run` keeps V8's default: TensorFlow.js's wasm backend needs the optimized code.
 */
const SHORT_RUN_WASM_TIERING_BUDGET = 1_000_000_000;

function main(): void {
  if (process.argv[2] !== 'run') setFlagsFromString(`--wasm-tiering-budget=${SHORT_RUN_WASM_TIERING_BUDGET}`);
  const run = runWithCodeCache(path.join(__dirname, 'cli.js'));
  const mode = process.env.NETLENS_CODE_CACHE;
  if (mode === 'write') {
    process.on('exit', () => {
      if (!run.write()) process.stderr.write('netlens: could not write the code cache\n');
    });
  } else if (mode === 'report') {
    process.on('exit', () => process.stderr.write(`netlens: code cache ${run.used ? 'used' : 'not used'}\n`));
  }
}

main();
