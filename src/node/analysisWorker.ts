// Analysis worker entry (a worker thread or a forked child process): keeps one warm analyzer (parser loaded once) and
// answers WorkerRequests from its parent.
import { parentPort } from 'node:worker_threads';
import { createAnalyzer, type AnalyzeOptions, type Analyzer } from '../core/analyze';
import { createFileModuleLoader } from './fileModuleLoader';
import type { WorkerAnalyzeOptions, WorkerRequest, WorkerResponse } from './analysisProtocol';

let analyzer: Promise<Analyzer> | undefined;

function engineOptions(options: WorkerAnalyzeOptions): AnalyzeOptions {
  const { loader, ...rest } = options;
  return loader ? { ...rest, loader: createFileModuleLoader(loader) } : rest;
}

async function answer(request: WorkerRequest): Promise<WorkerResponse> {
  try {
    analyzer ??= createAnalyzer();
    const engine = await analyzer;
    const options = engineOptions(request.options);
    if (request.kind === 'analyze') return { id: request.id, kind: 'analyze', graph: engine.analyze(request.source, request.file, options) };
    return { id: request.id, kind: 'listModels', candidates: engine.listModels(request.source, options) };
  } catch (error) {
    return { id: request.id, kind: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
}

const port = parentPort;
if (port) port.on('message', (request: WorkerRequest) => void answer(request).then((response) => port.postMessage(response)));
else if (process.send) {
  process.on('message', (request: WorkerRequest) => void answer(request).then((response) => process.send?.(response)));
  // The parent went away (the editor closed, the CLI ended): nothing is left to answer.
  process.on('disconnect', () => process.exit(0));
}
