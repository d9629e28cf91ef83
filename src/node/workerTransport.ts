// How an analysis worker is started and spoken to: a forked child process (a fatal out-of-memory there cannot take
// the parent down: the extension host) or a worker thread (cheaper to start: the CLI, which is its own process).
import { fork, type ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import type { WorkerLimits, WorkerRequest, WorkerResponse } from './analysisProtocol';

export type TransportKind = 'process' | 'thread';

/** How a worker ended without being asked to. */
export interface WorkerEnd {
  memory: boolean;
  detail: string;
}

export interface WorkerTransport {
  post(request: WorkerRequest): void;
  /** Whether a pending job keeps the parent process alive. */
  ref(): void;
  unref(): void;
  /** Ends the worker now (SIGKILL / Worker.terminate). */
  kill(): void;
}

export interface TransportEvents {
  message(response: WorkerResponse): void;
  ended(end: WorkerEnd): void;
}

/** What V8 prints when it gives up on a heap (the child then aborts). */
const OUT_OF_MEMORY = /heap out of memory|Reached heap limit|Allocation failed/i;
/** Kept from the child's stderr to tell an out-of-memory abort from another crash. */
const STDERR_TAIL = 4096;

export function startWorker(kind: TransportKind, file: string, limits: WorkerLimits, execArgv: string[], events: TransportEvents): WorkerTransport {
  return kind === 'process' ? startProcess(file, limits, execArgv, events) : startThread(file, limits, events);
}

function startProcess(file: string, limits: WorkerLimits, execArgv: string[], events: TransportEvents): WorkerTransport {
  const child: ChildProcess = fork(file, [], {
    execArgv: [`--max-old-space-size=${limits.maxMemoryMb}`, ...execArgv],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
  });
  child.on('message', (message) => events.message(message as WorkerResponse));
  let ended = false;
  const end = (detail: string): void => {
    if (ended) return;
    ended = true;
    events.ended({ memory: OUT_OF_MEMORY.test(stderr), detail });
  };
  child.on('error', (error) => end(error.message));
  child.on('exit', (code, signal) => end(signal ? `signal ${signal}` : `exit code ${code}`));
  return {
    post: (request) => child.send(request),
    ref: () => {
      child.ref();
      (child as unknown as { channel?: { ref(): void } }).channel?.ref();
    },
    unref: () => {
      child.unref();
      (child as unknown as { channel?: { unref(): void } }).channel?.unref();
      (child.stderr as unknown as { unref?(): void } | null)?.unref?.();
    },
    kill: () => {
      ended = true;
      child.kill('SIGKILL');
    },
  };
}

function startThread(file: string, limits: WorkerLimits, events: TransportEvents): WorkerTransport {
  const worker = new Worker(file, {
    resourceLimits: { maxOldGenerationSizeMb: limits.maxMemoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(4, limits.maxMemoryMb >> 4)) },
  });
  let ended = false;
  const end = (memory: boolean, detail: string): void => {
    if (ended) return;
    ended = true;
    events.ended({ memory, detail });
  };
  worker.on('message', (response: WorkerResponse) => events.message(response));
  worker.on('error', (error: Error & { code?: string }) => end(error.code === 'ERR_WORKER_OUT_OF_MEMORY', error.message));
  worker.on('exit', (code) => end(false, `exit code ${code}`));
  return {
    post: (request) => worker.postMessage(request),
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    kill: () => {
      ended = true;
      void worker.terminate();
    },
  };
}
