// XNNPACK failures that tfjs-backend-wasm only prints (and then returns the bias alone) fail the run.
import { strict as assert } from 'node:assert';
import { BackendFailedError, throwOnBackendFailures, watchBackendFailures } from '../../src/core/run/backendFailures';

function fakeConsole(): { console: Pick<Console, 'warn' | 'error' | 'log'>; printed: string[] } {
  const printed: string[] = [];
  const print = (...args: unknown[]): void => void printed.push(args.join(' '));
  return { console: { warn: print, error: print, log: print }, printed };
}

describe('run: backend failures the backend only prints', () => {
  const XNN_LINE = 'XNN status for xnn_create_fully_connected_nc_f32 is not successful. Got status 6. Use -c dbg to see XNN logs.';

  it('records XNNPACK failures printed through a bound console method, and still prints them', () => {
    const fake = fakeConsole();
    const failures = watchBackendFailures(fake.console);
    // The wasm module binds console.warn when it starts: a bound copy taken after the watch must be seen.
    const boundWarn = fake.console.warn.bind(fake.console);
    boundWarn(XNN_LINE);
    fake.console.log('an ordinary line');
    assert.deepEqual(failures, ['xnn_create_fully_connected_nc_f32: status 6 (out of memory)']);
    assert.deepEqual(fake.printed, [XNN_LINE, 'an ordinary line']);
    assert.equal(watchBackendFailures(fake.console), failures, 'watching twice wraps once');
  });

  it('fails a run that printed a failure with a message naming the way out, and passes a clean one', () => {
    assert.doesNotThrow(() => throwOnBackendFailures('wasm', []));
    assert.throws(() => throwOnBackendFailures('wasm', ['xnn_create_fully_connected_nc_f32: status 6 (out of memory)']), (err: unknown) =>
      err instanceof BackendFailedError && /wasm backend failed inside XNNPACK .*status 6 \(out of memory\).*--backend cpu/.test(err.message));
  });
});
