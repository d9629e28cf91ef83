// Live-update latency of the editor's Problems for a file with 5 models (examples/resnet.py): after an edit, the work the
// document controller does once its debounce fires — the chosen model, then every other model, in the extension's
// analysis worker process — until the whole file's problems are ready; printed with and without the debounce.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisWorkerClient } from '../src/node/analysisWorkerClient';
import { fileProblems } from '../src/host/fileProblems';

const FILE = path.resolve('examples/resnet.py');
const CHOSEN = 'resnet50()';
const RUNS = 7;
/** The document controller's debounce (src/host/documentController.ts imports vscode, so it cannot be imported here). */
const EDIT_DEBOUNCE_MS = 300;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const source = fs.readFileSync(FILE, 'utf8');
  const worker = new AnalysisWorkerClient(undefined, path.resolve('dist/analysisWorkerLaunch.js'), undefined, 'process');
  const models = (await worker.listModels(source)).map((candidate) => candidate.expr);
  for (const model of models) await worker.analyze(source, FILE, { model });
  const chosenMs: number[] = [];
  const allMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    // A one-character edit inside BasicBlock, which only resnet18/34 use.
    const edited = source.replace('self.conv2 = conv3x3(planes, planes)', `self.conv2 = conv3x3(planes, planes${run % 2 ? '+1' : ''})`);
    const started = performance.now();
    const chosen = await worker.analyze(edited, FILE, { model: CHOSEN });
    chosenMs.push(performance.now() - started);
    const others = [];
    for (const model of models.filter((m) => m !== CHOSEN)) others.push({ model, graph: await worker.analyze(edited, FILE, { model }) });
    fileProblems({ model: CHOSEN, graph: chosen }, others);
    allMs.push(performance.now() - started);
  }
  worker.dispose();
  const f = (ms: number): string => ms.toFixed(0).padStart(6);
  console.log(`live Problems of ${path.basename(FILE)} (${models.length} models, ${CHOSEN} chosen), median of ${RUNS} edits:`);
  console.log(`  chosen model's problems  ${f(median(chosenMs))} ms after the debounce, ${f(median(chosenMs) + EDIT_DEBOUNCE_MS)} ms after the keystroke`);
  console.log(`  whole file's problems    ${f(median(allMs))} ms after the debounce, ${f(median(allMs) + EDIT_DEBOUNCE_MS)} ms after the keystroke`);
  fs.mkdirSync('bench/results', { recursive: true });
  fs.writeFileSync('bench/results/live-problems.json', JSON.stringify({ file: path.basename(FILE), models, chosen: CHOSEN, debounceMs: EDIT_DEBOUNCE_MS,
    chosenMs: median(chosenMs), wholeFileMs: median(allMs) }, null, 2));
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
