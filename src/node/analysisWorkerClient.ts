// Runs analyses in one long-lived worker (child process or thread) with a heap limit and a deadline per job; an
// overrun kills the worker (the next job starts a fresh one) and becomes an 'analysis-stopped' diagnostic, so the
// caller never blocks and never shares the worker's fate.
import * as path from 'node:path';
import type { LayerGraph, ModelCandidate } from '../core/graph/ir';
import type { WorkerAnalyzeOptions, WorkerLimits, WorkerRequest, WorkerResponse } from './analysisProtocol';
import { startWorker, type TransportKind, type WorkerTransport } from './workerTransport';

export type { WorkerLimits } from './analysisProtocol';

/** Generous for any real model file (ResNet-152 analyses in well under a second); a runaway file ends here. */
export const DEFAULT_WORKER_LIMITS: WorkerLimits = { maxTimeMs: 20_000, maxMemoryMb: 2048 };

/** Why a job produced no answer of its own. */
export type StopReason = 'time' | 'memory' | 'crash';

type Answer = Extract<WorkerResponse, { kind: 'analyze' | 'listModels' }> | { kind: 'stopped'; reason: StopReason; detail: string };

interface Job {
  request: WorkerRequest;
  resolve: (answer: Answer) => void;
}

/** The message shown for a stopped analysis (also the diagnostic's text). */
export function stoppedMessage(reason: StopReason, limits: WorkerLimits, detail = ''): string {
  if (reason === 'time') return `analysis stopped: over the time budget (${limits.maxTimeMs / 1000} s)`;
  if (reason === 'memory') return `analysis stopped: over the memory budget (${limits.maxMemoryMb} MiB)`;
  return `analysis stopped: the analysis worker failed${detail ? ` (${detail})` : ''}`;
}

/** A graph that carries only one error diagnostic at the top of the file. */
export function diagnosticGraph(file: string, code: string, message: string): LayerGraph {
  return {
    file, model: null, models: [], input: [], inputSource: 'default', output: null, params: 0, macs: 0,
    nodes: [], edges: [], groups: [], shortcuts: [],
    diagnostics: [{ severity: 'error', code, message, range: { line: 1, column: 1, endLine: 1, endColumn: 2 }, related: [] }],
  };
}

export class AnalysisWorkerClient {
  private worker: WorkerTransport | undefined;
  private readonly queue: Job[] = [];
  private current: { job: Job; timer: ReturnType<typeof setTimeout> } | undefined;
  private nextId = 1;
  private disposed = false;

  constructor(
    private readonly limits: WorkerLimits = DEFAULT_WORKER_LIMITS,
    /** The worker's entry; by default the one beside this bundle: dist/analysisWorkerLaunch.js for a process (it
     *  loads dist/analysisWorker.js through a code cache), dist/analysisWorker.js for a thread. */
    private readonly workerFile: string | undefined = undefined,
    private readonly log: (message: string) => void = () => undefined,
    private readonly transport: TransportKind = 'process',
    /** More V8/Node options for a worker process. */
    private readonly execArgv: string[] = [],
  ) {}

  /** The graph of `source`, or a graph whose one diagnostic says why the analysis was stopped. Never rejects. */
  async analyze(source: string, file: string, options: WorkerAnalyzeOptions = {}): Promise<LayerGraph> {
    const answer = await this.submit({ id: this.nextId++, kind: 'analyze', source, file, options });
    if (answer.kind === 'analyze') return answer.graph;
    if (answer.kind === 'stopped') return diagnosticGraph(file, 'analysis-stopped', stoppedMessage(answer.reason, this.limits, answer.detail));
    return diagnosticGraph(file, 'internal-error', 'unexpected answer from the analysis worker');
  }

  /** Model candidates (CodeLens, pickers); [] when the listing was stopped. */
  async listModels(source: string, options: WorkerAnalyzeOptions = {}): Promise<ModelCandidate[]> {
    const answer = await this.submit({ id: this.nextId++, kind: 'listModels', source, options });
    return answer.kind === 'listModels' ? answer.candidates : [];
  }

  /** Ends the worker; pending jobs are answered as stopped. */
  dispose(): void {
    this.disposed = true;
    const pending = [...this.queue.splice(0), ...(this.current ? [this.current.job] : [])];
    this.finishCurrent();
    this.worker?.kill();
    this.worker = undefined;
    for (const job of pending) job.resolve({ kind: 'stopped', reason: 'crash', detail: 'disposed' });
  }

  private submit(request: WorkerRequest): Promise<Answer> {
    if (this.disposed) return Promise.resolve({ kind: 'stopped', reason: 'crash', detail: 'disposed' });
    return new Promise((resolve) => {
      this.queue.push({ request, resolve });
      this.pump();
    });
  }

  private pump(): void {
    if (this.current || this.disposed) return;
    const job = this.queue.shift();
    if (!job) {
      // An idle worker does not keep a CLI process alive.
      this.worker?.unref();
      return;
    }
    let worker: WorkerTransport;
    try {
      worker = this.ensureWorker();
    } catch (error) {
      job.resolve({ kind: 'stopped', reason: 'crash', detail: error instanceof Error ? error.message : String(error) });
      this.pump();
      return;
    }
    worker.ref();
    const timer = setTimeout(() => this.stop('time', ''), this.limits.maxTimeMs);
    this.current = { job, timer };
    worker.post(job.request);
  }

  private ensureWorker(): WorkerTransport {
    if (this.worker) return this.worker;
    const file = this.workerFile ?? path.join(__dirname, this.transport === 'process' ? 'analysisWorkerLaunch.js' : 'analysisWorker.js');
    const worker: WorkerTransport = startWorker(this.transport, file, this.limits, this.execArgv, {
      message: (response) => this.answered(worker, response),
      ended: (end) => {
        if (this.worker === worker) this.stop(end.memory ? 'memory' : 'crash', end.detail);
      },
    });
    this.worker = worker;
    return worker;
  }

  private answered(worker: WorkerTransport, response: WorkerResponse): void {
    const current = this.current;
    if (this.worker !== worker || !current || current.job.request.id !== response.id) return;
    this.finishCurrent();
    if (response.kind === 'failed') {
      this.log(`analysis worker: ${response.message}`);
      current.job.resolve({ kind: 'stopped', reason: 'crash', detail: response.message });
    } else current.job.resolve(response);
    this.pump();
  }

  /** Terminates the worker for an overrun (or after it died) and answers the running job. */
  private stop(reason: StopReason, detail: string): void {
    const current = this.current;
    this.finishCurrent();
    const worker = this.worker;
    this.worker = undefined;
    worker?.kill();
    if (current) {
      this.log(`analysis worker stopped: ${stoppedMessage(reason, this.limits, detail)}`);
      current.job.resolve({ kind: 'stopped', reason, detail });
    }
    this.pump();
  }

  private finishCurrent(): void {
    if (this.current) clearTimeout(this.current.timer);
    this.current = undefined;
  }
}
