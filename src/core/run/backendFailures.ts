// Failures a TensorFlow.js backend only prints: XNNPACK inside tfjs-backend-wasm reports "XNN status ... is not
// successful" on the console (status 6 when a large fully-connected layer does not fit in the wasm heap) and still
// returns a tensor (the bias alone). Watching the console is the one way to know that result is wrong.

/** The console methods the wasm module prints through (it binds them when it starts, so watch before it starts). */
type PrintingConsole = Pick<Console, 'warn' | 'error' | 'log'>;

const XNN_FAILURE = /XNN status for (\w+) is not successful\. Got status (\d+)/;
/** xnn_status values (XNNPACK's xnnpack.h). */
const XNN_STATUS: Record<string, string> = {
  '1': 'XNNPACK not initialised', '2': 'invalid parameter', '3': 'invalid state', '4': 'unsupported parameter', '5': 'unsupported hardware',
  '6': 'out of memory',
};

/** Backend failures seen so far, by console watched (one list per console, so watching twice never wraps twice). */
const watched = new WeakMap<PrintingConsole, string[]>();

/** Starts recording backend failures printed on `target` (idempotent); returns the live list of failures. */
export function watchBackendFailures(target: PrintingConsole = console): string[] {
  const known = watched.get(target);
  if (known) return known;
  const failures: string[] = [];
  for (const method of ['warn', 'error', 'log'] as const) {
    const original = target[method];
    target[method] = (...args: unknown[]): void => {
      const text = args.map(String).join(' ');
      const m = XNN_FAILURE.exec(text);
      if (m) failures.push(`${m[1]}: status ${m[2]}${XNN_STATUS[m[2]!] ? ` (${XNN_STATUS[m[2]!]})` : ''}`);
      original.apply(target, args);
    };
  }
  watched.set(target, failures);
  return failures;
}

/** The backend printed a failure during the run: its result is wrong. */
export class BackendFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendFailedError';
  }
}

/** Throws a BackendFailedError when `failures` (those printed during the run) is not empty. */
export function throwOnBackendFailures(backend: string, failures: readonly string[]): void {
  const message = backendFailureMessage(backend, failures);
  if (message) throw new BackendFailedError(message);
}

/** Why a run whose backend printed `failures` cannot be trusted; null when there were none. */
export function backendFailureMessage(backend: string, failures: readonly string[]): string | null {
  if (failures.length === 0) return null;
  const distinct = [...new Set(failures)];
  return `the ${backend} backend failed inside XNNPACK (${distinct.join('; ')}${failures.length > distinct.length ? `, ${failures.length} times` : ''}) ` +
    'and returned a wrong result (a fully-connected layer gives its bias alone), so this run reports nothing: ' +
    'run with --backend cpu, or with a smaller model or input';
}
