// Benchmarks the core engine on ResNet-152 and on a multi-file project (an entry file, the project modules it imports
// and an installed library): parse, interpret and trace times, warm re-analysis after an edit, and the cold
// whole-process `netlens check` against a bare `node -e 0` measured in the same run.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createAnalyzer, type Analyzer } from '../src/core/analyze';
import { createFileModuleLoader } from '../src/node/fileModuleLoader';
import { AnalysisWorkerClient } from '../src/node/analysisWorkerClient';

const FILE = 'examples/resnet.py';
const MODEL = 'resnet152()';
const ROUNDS = Number(process.env.NETLENS_BENCH_ROUNDS ?? 15);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timeProcess(args: string[]): number {
  const start = process.hrtime.bigint();
  try {
    execFileSync(process.execPath, args, { stdio: 'ignore' });
  } catch {
    // `check` exits 1 when the model has errors; the time still counts.
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const PROJECT = 'test/fixtures/projects/segproj';
const PROJECT_ENTRY = `${PROJECT}/segproj/models/unet.py`;
const PROJECT_SITE = `${PROJECT}/site/site-packages`;

/** The multi-file project: warm analysis (imports included, parsed files cached), an edit in the entry, cold CLI. */
function benchProject(analyzer: Analyzer, node: number[]): Record<string, number> {
  const source = fs.readFileSync(PROJECT_ENTRY, 'utf8');
  const loader = () => createFileModuleLoader({ entry: path.resolve(PROJECT_ENTRY), pythonPath: PROJECT_SITE });
  const first = analyzer.analyze(source, PROJECT_ENTRY, { loader: loader() });
  const warm: number[] = [];
  const edits: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    let start = performance.now();
    analyzer.analyze(source, PROJECT_ENTRY, { loader: loader() });
    warm.push(performance.now() - start);
    const edited = source.replace('b = cfg.base', `b = cfg.base + ${i % 3}`);
    start = performance.now();
    analyzer.analyze(edited, PROJECT_ENTRY, { loader: loader() });
    edits.push(performance.now() - start);
  }
  const cli = path.resolve('bin/netlens.js');
  const check: number[] = [];
  for (let i = 0; i < 7; i++) check.push(timeProcess([cli, 'check', PROJECT_ENTRY, '--python-path', PROJECT_SITE, '--json']));
  return { files: 1 + (first.imports?.length ?? 0), nodes: first.nodes.length, params: first.params, analyzeMs: median(warm), editReanalysisMs: median(edits),
    checkMs: median(check), ratio: median(check) / median(node) };
}

async function main(): Promise<void> {
  const source = fs.readFileSync(FILE, 'utf8');
  const analyzer = await createAnalyzer();
  const parse: number[] = [];
  const interpret: number[] = [];
  const trace: number[] = [];
  const total: number[] = [];
  let graph = analyzer.analyze(source, FILE, { model: MODEL });
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    graph = analyzer.analyze(source, FILE, { model: MODEL });
    total.push(performance.now() - start);
    parse.push(graph.timings?.parseMs ?? NaN);
    interpret.push(graph.timings?.interpretMs ?? NaN);
    trace.push(graph.timings?.traceMs ?? NaN);
  }
  // A warm re-analysis after a one-character edit (a changed channel count in a comment-free spot).
  const edits: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const edited = source.replace('num_classes=1000', `num_classes=${1000 + (i % 7) + 1}`);
    const start = performance.now();
    analyzer.analyze(edited, FILE, { model: MODEL });
    edits.push(performance.now() - start);
  }
  // The same edit analysed the way the extension host does it: in its worker process (warm parser, graph sent back).
  const worker = new AnalysisWorkerClient(undefined, path.resolve('dist/analysisWorkerLaunch.js'), undefined, 'process');
  await worker.analyze(source, FILE, { model: MODEL });
  const workerEdits: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const edited = source.replace('num_classes=1000', `num_classes=${1000 + (i % 7) + 1}`);
    const start = performance.now();
    await worker.analyze(edited, FILE, { model: MODEL });
    workerEdits.push(performance.now() - start);
  }
  worker.dispose();
  const cli = path.resolve('bin/netlens.js');
  const node: number[] = [];
  const check: number[] = [];
  for (let i = 0; i < 7; i++) {
    node.push(timeProcess(['-e', '0']));
    check.push(timeProcess([cli, 'check', FILE, '--model', MODEL, '--json']));
  }
  const project = benchProject(analyzer, node);
  const result = {
    project,
    model: `${FILE} ${MODEL}`,
    nodes: graph.nodes.length,
    params: graph.params,
    warm: { parseMs: median(parse), interpretMs: median(interpret), traceMs: median(trace), analyzeMs: median(total) },
    editReanalysisMs: median(edits),
    workerEditReanalysisMs: median(workerEdits),
    cold: { nodeMs: median(node), checkMs: median(check), ratio: median(check) / median(node) },
  };
  fs.mkdirSync('bench/results', { recursive: true });
  fs.writeFileSync('bench/results/core.json', JSON.stringify(result, null, 2));
  const f = (v: number) => v.toFixed(1).padStart(7);
  console.log(`Core engine — ${result.model} (${result.nodes} nodes, ${result.params.toLocaleString('en-US')} params), median of ${ROUNDS}`);
  console.log(`  parse            ${f(result.warm.parseMs)} ms`);
  console.log(`  interpret        ${f(result.warm.interpretMs)} ms`);
  console.log(`  trace            ${f(result.warm.traceMs)} ms`);
  console.log(`  whole analysis   ${f(result.warm.analyzeMs)} ms (warm)`);
  console.log(`  re-analysis after an edit ${f(result.editReanalysisMs)} ms   (goal < 30 ms)`);
  console.log(`  the same through the extension's worker process ${f(result.workerEditReanalysisMs)} ms`);
  console.log(
    `  cold \`netlens check\` ${f(result.cold.checkMs)} ms vs \`node -e 0\` ${f(result.cold.nodeMs)} ms: ` +
      `${result.cold.ratio.toFixed(2)}×   (goal ≤ 2.5×)`,
  );
  console.log(`Multi-file project — ${PROJECT_ENTRY} (${project.files - 1} imported project files + 1 installed library, ${project.nodes} nodes)`);
  console.log(`  whole analysis   ${f(project.analyzeMs)} ms (warm, imports included)`);
  console.log(`  re-analysis after an edit in the entry ${f(project.editReanalysisMs)} ms   (goal < 30 ms)`);
  console.log(`  cold \`netlens check\` ${f(project.checkMs)} ms: ${project.ratio.toFixed(2)}× \`node -e 0\``);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
