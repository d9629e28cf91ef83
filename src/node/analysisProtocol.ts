// The messages between an analysis client (extension host, CLI) and its worker thread: structured-clone-safe data only.
import type { AnalyzeOptions } from '../core/analyze';
import type { LayerGraph, ModelCandidate } from '../core/graph/ir';
import type { FileLoaderConfig } from './fileModuleLoader';

/**
 * AnalyzeOptions as plain data. Every field passes through unchanged except the module loader, which crosses the
 * thread boundary as its description (search roots, unsaved buffers) and is built inside the worker.
 */
export type WorkerAnalyzeOptions = Omit<AnalyzeOptions, 'loader'> & { loader?: FileLoaderConfig };

export type WorkerRequest =
  | { id: number; kind: 'analyze'; source: string; file: string; options: WorkerAnalyzeOptions }
  | { id: number; kind: 'listModels'; source: string; options: WorkerAnalyzeOptions };

export type WorkerResponse =
  | { id: number; kind: 'analyze'; graph: LayerGraph }
  | { id: number; kind: 'listModels'; candidates: ModelCandidate[] }
  /** The job threw outside the engine's own error handling (a bug): the client turns it into a diagnostic. */
  | { id: number; kind: 'failed'; message: string };

/** What a client lets one job use before it terminates the worker. */
export interface WorkerLimits {
  /** Wall-clock milliseconds from posting the job to its answer (worker start-up included). */
  maxTimeMs: number;
  /** The worker's V8 heap (old generation), MiB. */
  maxMemoryMb: number;
}
