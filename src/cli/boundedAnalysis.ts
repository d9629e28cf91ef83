// The CLI's analysis runs in a worker process under --max-time / --max-memory, so a hostile file ends in a diagnostic
// ('analysis stopped: over the time/memory budget') and exit code 1 instead of a hang or a crashed process.
import type { LayerGraph } from '../core/graph/ir';
import type { WorkerAnalyzeOptions } from '../node/analysisProtocol';
import { AnalysisWorkerClient } from '../node/analysisWorkerClient';
import { DEFAULT_MAX_MEMORY_MB, DEFAULT_MAX_TIME_S, type CliRequest } from './args';

export async function analyzeBounded(source: string, displayFile: string, options: WorkerAnalyzeOptions, request: Pick<CliRequest,
  'maxTime' | 'maxMemory'>): Promise<LayerGraph> {
  const limits = { maxTimeMs: (request.maxTime ?? DEFAULT_MAX_TIME_S) * 1000, maxMemoryMb: request.maxMemory ?? DEFAULT_MAX_MEMORY_MB };
  // A child process, not a thread: V8 aborts the whole process when one allocation overshoots a thread's heap limit.
  // The worker stays on baseline wasm code (see launch.ts): optimizing tree-sitter would not pay off in one analysis.
  const client = new AnalysisWorkerClient(limits, undefined, undefined, 'process', ['--wasm-tiering-budget=1000000000']);
  try {
    return await client.analyze(source, displayFile, options);
  } finally {
    client.dispose();
  }
}
