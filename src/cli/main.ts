// The `netlens` command line: check | view | run over one Python file, thin over the core engine.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeBounded } from './boundedAnalysis';
import { readSourceFile } from './readSource';
import { escapeTerminal } from './terminalText';
import type { LayerGraph } from '../core/graph/ir';
import { formatShape } from '../core/format';
import { stringifyJson } from '../core/json';
import { CLI_DEFAULTS, defaultViewOptions, SETTING_DEFAULTS } from '../core/defaults';
import { informationRequest, parseArguments, USAGE, UsageError, type CliRequest } from './args';
import { buildCheckJson, checkExitCode } from './checkReport';
import { renderDiagnostics, renderLayerTable, renderSummary } from './checkTable';
// `view` and `run` (and what only they use, such as node:crypto) load on demand: `check` starts without them.
const loadView = (): Promise<typeof import('./view')> => import('./view');
const loadRun = (): Promise<typeof import('./run')> => import('./run');

/** The package's version (package.json beside dist/, in the repository and in the packaged extension). */
function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const INPUT_SOURCE_TEXT: Record<LayerGraph['inputSource'], string> = {
  argument: 'from --input',
  comment: "from the file's netlens comment",
  file: 'as the file itself calls the model',
  default: 'default derived from the first layer; set it with --input',
};

function header(graph: LayerGraph, displayFile: string): string {
  const model = graph.model ?? '(no model)';
  const source =
    graph.layout === 'NHWC' && graph.inputSource === 'default' ? 'declared by the Keras model, channels-last; set it with --input'
      : INPUT_SOURCE_TEXT[graph.inputSource];
  const others = (graph.inputs ?? []).slice(1).map((i) =>
    `${i.name}=${i.value !== undefined ? String(i.value) : formatShape(i.shape)}${i.dtype !== 'float32' ? `:${i.dtype}` : ''}`);
  return `NetLens · ${displayFile} · ${model} · input ${formatShape(graph.input)} (${source})` + (others.length ? ` · ${others.join(', ')}` : '');
}

function printCheck(graph: LayerGraph, request: CliRequest, displayFile: string): void {
  const out: string[] = [header(graph, displayFile)];
  if (graph.models.length > 1) out.push(`Models:    ${graph.models.map((m) => m.expr).join(', ')} (pick one with --model)`);
  out.push('');
  if (graph.nodes.length > 1) out.push(renderLayerTable(graph, request.depth), '');
  out.push(renderSummary(graph));
  const diagnostics = renderDiagnostics(graph, displayFile);
  if (diagnostics) out.push('', diagnostics);
  process.stdout.write(escapeTerminal(out.join('\n')) + '\n');
}

async function main(argv: string[]): Promise<number> {
  const information = informationRequest(argv, packageVersion());
  if (information !== null) {
    process.stdout.write(information + '\n');
    return 0;
  }
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(USAGE + '\n');
    return argv.length === 0 ? 2 : 0;
  }
  let request: CliRequest;
  try {
    request = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`netlens: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  const read = readSourceFile(request.file);
  if (!read.ok) {
    process.stderr.write(`netlens: ${read.message}\n`);
    return 2;
  }
  const source = read.text;
  const displayFile = path.relative(process.cwd(), request.file) || request.file;
  const loader = { entry: path.resolve(request.file), extraPaths: request.paths, pythonPath: request.pythonPath };
  const graph = await analyzeBounded(source, displayFile, { model: request.model, input: request.input,
    inputs: request.inputs.length ? request.inputs : undefined, loader }, request);

  switch (request.command) {
    case 'check':
      if (request.json) process.stdout.write(stringifyJson(buildCheckJson(graph)) + '\n');
      else printCheck(graph, request, displayFile);
      return checkExitCode(graph);
    case 'view': {
      const output = request.output!;
      const { viewOutputProblem, writeViewFile } = await loadView();
      const problem = viewOutputProblem(output, request.file);
      if (problem) {
        process.stderr.write(`netlens: ${problem}\n`);
        return 2;
      }
      // A standalone page has no settings: it shows every figure, MACs included.
      writeViewFile(graph, { ...defaultViewOptions(), collapseDepth: request.expand ?? SETTING_DEFAULTS.collapseDepth, showMacs: true }, output);
      const errors = graph.diagnostics.filter((d) => d.severity === 'error').length;
      process.stderr.write(`netlens: wrote ${output} (${graph.nodes.length} nodes, ${errors} error${errors === 1 ? '' : 's'})\n`);
      if (errors) process.stderr.write(escapeTerminal(renderDiagnostics(graph, displayFile)) + '\n');
      return checkExitCode(graph);
    }
    case 'run': {
      const { runCommand } = await loadRun();
      return runCommand(graph, {
        backend: request.backend ?? 'wasm',
        seed: request.seed ?? 0,
        json: request.json,
        dump: request.dump,
        runs: request.runs,
        memoryBudgetMiB: request.memoryBudget ?? CLI_DEFAULTS.runMemoryBudgetMiB,
        displayFile,
        // Model names reach the report: never raw escape sequences on the terminal (JSON escapes them itself).
        write: (text) => void process.stdout.write(request.json ? text : escapeTerminal(text)),
        writeError: (text) => void process.stderr.write(escapeTerminal(text)),
      });
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`netlens: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
