// `netlens run`: the forward pass in node on the wasm (default) or cpu backend, as a table or JSON, with --dump.
import * as fs from 'node:fs';
import { DumpFolderError, dumpFile, prepareDumpFolder } from './dumpFolder';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type { LayerGraph } from '../core/graph/ir';
import { formatCompact, formatGflops, formatMs, formatPercent, formatShape } from '../core/format';
import type { Tf } from '../core/ops/types';
import { stringifyJson } from '../core/json';
import { BackendFailedError, throwOnBackendFailures, watchBackendFailures } from '../core/run/backendFailures';
import {
  LayerFailedError,
  RunCancelledError,
  RunRefusedError,
  formatBytes,
  prepareRun,
  runForward,
  type ForwardReport,
  type PreparedRun,
} from '../core/run/index';
import { writeNpy } from './npy';

export type NodeBackend = 'cpu' | 'wasm';

export interface RunCommandOptions {
  backend: NodeBackend;
  seed: number;
  json?: boolean;
  /** Folder to write input.npy, every parameter/buffer by state-dict key, and output.npy into. */
  dump?: string;
  /** Timed runs per layer (median reported); default 3. */
  runs?: number;
  warmup?: number;
  memoryBudgetMiB?: number;
  /** File name shown in the header. */
  displayFile?: string;
  /** Where text goes (default process.stdout / process.stderr); tests capture it. */
  write?(text: string): void;
  writeError?(text: string): void;
}

/** The `--json` document. `layers`, `blocks` and `totalMs` are the documented contract; the rest is extra. */
export interface RunJson {
  backend: string;
  input: number[];
  output: number[];
  layers: { path: string; op: string; shape: number[]; ms: number }[];
  blocks: { path: string; ms: number }[];
  totalMs: number;
  plainMs: number;
  seed: number;
  runs: number;
  mismatches: { path: string; op: string; runtime: number[]; static: (number | null)[]; message: string }[];
  memoryBytes: number;
  notes: string[];
  outputStats: ForwardReport['outputStats'];
}

const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

/** Where the tfjs wasm binaries are: beside the bundle (dist/) first, then in node_modules. Never a CDN. */
export function findWasmDirectory(): string | undefined {
  const candidates: string[] = [];
  if (typeof __dirname === 'string') candidates.push(__dirname, path.join(__dirname, '..', '..', 'dist'));
  try {
    const require = createRequire(typeof __filename === 'string' ? __filename : path.join(process.cwd(), 'index.js'));
    candidates.push(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'));
  } catch {
    // Not installed beside us (packaged build): the bundle folder is the only place.
  }
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'tfjs-backend-wasm-simd.wasm')) && fs.existsSync(path.join(dir, 'tfjs-backend-wasm.wasm')));
}

/** Loads TensorFlow.js and activates the backend; returns the `tf` namespace. */
export async function loadNodeBackend(backend: NodeBackend): Promise<Tf> {
  const tf = await import('@tensorflow/tfjs-core');
  if (backend === 'wasm') {
    // Before the wasm module starts: it binds console.warn then, and XNNPACK's failures are only printed.
    watchBackendFailures();
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dir = findWasmDirectory();
    if (!dir) throw new Error('cannot find tfjs-backend-wasm.wasm beside the netlens bundle or in node_modules; try --backend cpu');
    const files: Record<string, string> = {};
    for (const name of WASM_FILES) files[name] = path.join(dir, fs.existsSync(path.join(dir, name)) ? name : 'tfjs-backend-wasm-simd.wasm');
    wasm.setWasmPaths(files);
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
  }
  // Production mode silences the "install tfjs-node" banner and debug-only checks.
  tf.enableProdMode();
  if (!(await tf.setBackend(backend))) throw new Error(`the TensorFlow.js ${backend} backend failed to start`);
  await tf.ready();
  return tf as unknown as Tf;
}

export function toRunJson(report: ForwardReport): RunJson {
  const round = (ms: number): number => Math.round(ms * 1000) / 1000;
  return {
    backend: report.backend,
    input: report.input,
    output: report.output,
    layers: report.layers.map((layer) => ({ path: layer.path, op: layer.op, shape: layer.shape, ms: round(layer.ms) })),
    blocks: report.blocks.map((block) => ({ path: block.path, ms: round(block.ms) })),
    totalMs: round(report.totalMs),
    plainMs: round(report.plainMs),
    seed: report.seed,
    runs: report.runs,
    mismatches: report.mismatches.map(({ path: p, op, runtime, static: declared, message }) => ({ path: p, op, runtime, static: declared, message })),
    memoryBytes: report.memory.totalBytes,
    notes: report.notes,
    outputStats: report.outputStats,
  };
}

function table(rows: string[][], rightAligned: ReadonlySet<number>): string {
  // A loop, not Math.max(...rows): spreading 125,000 rows into arguments overflows the stack.
  const widths = rows[0]!.map((_, column) => rows.reduce((most, row) => Math.max(most, (row[column] ?? '').length), 0));
  return rows
    .map((row) => row.map((cell, column) => (rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd())
    .join('\n');
}

/** `input 1×3×224×224`, or every tensor input with its name and a dtype other than float32 (`inputs idx 1×64 int64, pos 1×64 int64`). */
function inputsText(report: ForwardReport, graph: LayerGraph): string {
  const tensors = (graph.inputs ?? []).filter((input) => input.value === undefined && input.shape !== null);
  if (tensors.length <= 1 && (tensors[0]?.dtype ?? 'float32') === 'float32') return `input ${formatShape(report.input)}`;
  return `inputs ${tensors.map((input) => `${input.name} ${formatShape(input.shape as number[])}${input.dtype === 'float32' ? '' : ` ${input.dtype}`}`)
    .join(', ')}`;
}

/** The human-readable report: per-layer table, per-block totals, totals and shape check. */
export function renderRunReport(report: ForwardReport, graph: LayerGraph, displayFile: string): string {
  const out: string[] = [];
  out.push(
    `NetLens run · ${displayFile} · ${graph.model ?? '(model)'} · backend ${report.backend} · ${inputsText(report, graph)} · ` +
      `seed ${report.seed} · median of ${report.runs} timed run${report.runs === 1 ? '' : 's'} after ${report.warmup} warm-up`,
    '',
  );
  const layerRows = [['layer', 'op', 'shape', 'ms', 'share', 'GFLOP/s', 'static shape']];
  for (const layer of report.layers) {
    const check = layer.staticShape === null ? '? (unknown)' : layer.mismatch ? `MISMATCH: ${formatShape(layer.staticShape)}` : 'ok';
    layerRows.push([layer.path || '(model)', layer.op, formatShape(layer.shape), formatMs(layer.ms), formatPercent(layer.share),
      formatGflops(layer.gflops), check]);
  }
  out.push(table(layerRows, new Set([3, 4, 5])), '');
  if (report.blocks.length > 0) {
    const blockRows = [['block', 'class', 'ms', 'share', 'params', 'MACs', 'GFLOP/s']];
    for (const block of report.blocks) {
      blockRows.push(['  '.repeat(block.depth - 1) + block.path, block.className, formatMs(block.ms), formatPercent(block.share), formatCompact(block.params),
        formatCompact(block.macs), formatGflops(block.gflops)]);
    }
    out.push(table(blockRows, new Set([2, 3, 4, 5, 6])), '');
  }
  out.push(
    `Total ${formatMs(report.totalMs)} ms (sum of per-layer medians) · plain pass ${formatMs(report.plainMs)} ms · output ${formatShape(report.output)} · ` +
      `memory ≈ ${formatBytes(report.memory.totalBytes)}${report.memory.incomplete ? ' (incomplete: some shapes unknown)' : ''}`,
  );
  const stats = report.outputStats;
  out.push(`Output values: min ${stats.min.toPrecision(4)} · max ${stats.max.toPrecision(4)} · mean ${stats.mean.toPrecision(4)}${stats.nonFinite
    ? ` · ${stats.nonFinite} NaN/Inf` : ''}`);
  for (const note of report.notes) out.push(`Note: ${note}`);
  if (report.mismatches.length === 0) {
    const checked = report.layers.length - report.unchecked;
    out.push(`Shapes: all ${checked} runtime shapes match the static analysis${report.unchecked ? ` (${report.unchecked} unknown statically)` : ''}.`);
  } else {
    out.push(`Shapes: ${report.mismatches.length} mismatch${report.mismatches.length === 1 ? ''
      : 'es'} between the static analysis and the forward pass (a NetLens engine bug):`);
    for (const mismatch of report.mismatches) out.push(`  ${mismatch.message}`);
  }
  return out.join('\n');
}

/**
 * Writes input.npy (the first input; the others as input.<name>.npy; int64 ids and bools as int64), one file per
 * state-dict key (PyTorch layout) and output.npy (PyTorch order).
 */
export function writeDump(dir: string, prepared: PreparedRun, report: ForwardReport): string[] {
  const folder = prepareDumpFolder(dir);
  const written: string[] = [];
  const write = (name: string, data: Float32Array | BigInt64Array, shape: number[]): void => {
    const file = dumpFile(folder, name);
    writeNpy(file, data, shape);
    written.push(file);
  };
  prepared.plan.inputs.forEach((planned, index) => {
    const data = prepared.inputs[index] as Float32Array;
    const name = index === 0 ? 'input' : `input.${planned.name}`;
    if (planned.dtype === 'float32') write(name, data, planned.shape);
    else write(name, BigInt64Array.from(data, (value) => BigInt(value)), planned.shape);
  });
  for (const weight of prepared.weights.byKey.values()) {
    if (weight.integer) write(weight.key, BigInt64Array.from(weight.data, (value) => BigInt(Math.round(value))), weight.shape);
    else write(weight.key, weight.data, weight.shape);
  }
  write('output', report.outputData, report.output);
  return written;
}

function failureCode(error: unknown): { code: string; message: string; path?: string } {
  if (error instanceof RunRefusedError) return { code: error.code, message: error.message };
  if (error instanceof LayerFailedError) return { code: 'layer-failed', message: error.message, path: error.path };
  if (error instanceof RunCancelledError) return { code: 'cancelled', message: error.message };
  if (error instanceof DumpFolderError) return { code: 'dump-failed', message: error.message };
  if (error instanceof BackendFailedError) return { code: 'backend-failed', message: error.message };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** Runs the forward pass for `graph` and prints the result. Exit code: 0 ok, 1 refused/failed or shape mismatches. */
export async function runCommand(graph: LayerGraph, options: RunCommandOptions): Promise<number> {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const writeError = options.writeError ?? ((text: string) => void process.stderr.write(text));
  const displayFile = options.displayFile ?? graph.file;
  try {
    const errors = graph.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0 && !options.json) {
      writeError(`netlens: the static analysis reported ${errors.length} error${errors.length === 1 ? ''
        : 's'}; running anyway (the first failing layer is reported)\n`);
    }
    // A forward() that failed before its first layer leaves only the input: "running" it would report the random
    // input as the output.
    if (!graph.nodes.some((node) => node.op !== 'Input' && node.op !== 'Output')) {
      throw new RunRefusedError('nothing to run: tracing forward() failed, so the graph has no output (see the errors of the static analysis)', 'bad-graph');
    }
    // Refusals (unknown ops, memory) come before TensorFlow.js is even loaded.
    const prepared = prepareRun(graph, { seed: options.seed, memoryBudgetMiB: options.memoryBudgetMiB, memoryBackend: options.backend });
    // A folder that cannot be written fails before the forward pass, not after it.
    if (options.dump) prepareDumpFolder(options.dump);
    const tf = await loadNodeBackend(options.backend);
    const failures = watchBackendFailures();
    const failuresBefore = failures.length;
    const report = await runForward(tf, graph, { seed: options.seed, runs: options.runs, warmup: options.warmup, memoryBudgetMiB: options.memoryBudgetMiB,
      prepared });
    // Checked before --dump: a wrong output is neither reported nor written.
    throwOnBackendFailures(options.backend, failures.slice(failuresBefore));
    if (options.dump) {
      const files = writeDump(options.dump, prepared, report);
      if (!options.json) writeError(`netlens: wrote ${files.length} .npy files to ${options.dump}\n`);
    }
    write(options.json ? stringifyJson(toRunJson(report)) + '\n' : renderRunReport(report, graph, displayFile) + '\n');
    return report.mismatches.length > 0 ? 1 : 0;
  } catch (error) {
    const failure = failureCode(error);
    if (failure.code === 'internal' && !(error instanceof Error)) throw error;
    if (options.json) write(JSON.stringify({ error: failure }) + '\n');
    else writeError(`netlens: ${failure.message}\n`);
    return 1;
  }
}
