// Public entry point of the engine: source text → LayerGraph (parse, interpret the model code, trace forward).
import type { Diagnostic, InputDtype, InputSpec, LayerGraph, ModelCandidate, ModelInput, Shape } from './graph/ir';
import { bindInputs, defaultInputFor, inputForLayer, modelInput, observedInputFor, observeFileUsage, usageModelExpression } from './modelInputs';
import { execBlock } from './interpret/statements';
import { loadPythonParser, type PythonParser } from './python/parser';
import { toPlainTree } from './python/plainTree';
import { convertProgram } from './python/convert';
import type { Pos, Program, SourceFile } from './python/ast';
import type { ModuleLoader } from './interpret/moduleLoader';
import { bundledStubLoader } from './stubs';
import { Budget, DEFAULT_MAX_DEPTH, DEFAULT_STEP_BUDGET } from './interpret/budget';
import { createRuntime, type Runtime, type RuntimeImports } from './interpret/runtime';
import { BudgetExceeded, PyError } from './interpret/errors';
import { findCandidates } from './graph/candidates';
import { finalizeGraph } from './graph/finalize';
import { inexactCountWarnings } from './graph/exactCounts';
import { countParams, isModule, walkModules } from './interpret/modules';
import { incompleteCountWarning } from './interpret/moduleParams';
import { PyClass, PyDict, PyFunction, PyInstance, PyList, PyTensor, PyTuple, type Value } from './interpret/values';
import { mapPos, toRange, userSites } from './interpret/diagnostics';
import { setPreludeLoader } from './interpret/stdlib';
import { TORCH_NN_PRELUDE } from './interpret/transformerPrelude';
import { isKerasModelValue, isKerasModule, kerasDeclaredInput, kerasNonTrainableParams } from './interpret/keras/namespace';

export interface AnalyzeOptions {
  /** Python call expression evaluated in the file's scope: 'resnet50()', 'ResNet(Bottleneck, [3,4,6,3], num_classes=10)'. */
  model?: string;
  /** e.g. [1,3,224,224]; else a '# netlens: input=1,3,224,224' comment; else the file's own call of the model
   *  (`net(torch.randn(1, 3, 32, 32))` in a test function or main block); else a default from the first layer. */
  input?: number[];
  /** Every input by position or forward's parameter name, with dtypes and plain values (`--input` repeated). */
  inputs?: InputSpec[];
  /** Interpreter steps (default fits ResNet-152 many times over; a runaway loop ends well under a second). */
  stepBudget?: number;
  /** Call depth limit. */
  maxDepth?: number;
  /** Reads the modules the file imports (its project, installed libraries); without one only NetLens's native
   *  modules and bundled stubs are importable. */
  loader?: ModuleLoader;
}

/** Files larger than this are refused with a 'file-too-large' diagnostic. */
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

export interface Analyzer {
  analyze(source: string, file: string, options?: AnalyzeOptions): LayerGraph;
  /** Model candidates only (for pickers / CodeLens): cheap, no tracing. */
  listModels(source: string, options?: Pick<AnalyzeOptions, 'loader'>): ModelCandidate[];
}

const ORIGIN: Pos = { line: 1, col: 1, endLine: 1, endCol: 1 };

/** Parses and analyses; never throws for bad input (every failure is a diagnostic in the result). */
export async function analyzeSource(source: string, file: string, options?: AnalyzeOptions): Promise<LayerGraph> {
  const analyzer = await createAnalyzer();
  return analyzer.analyze(source, file, options);
}

/** Same, reusing a loaded parser, synchronously (for the editor's live re-analysis and the benchmark). */
export async function createAnalyzer(): Promise<Analyzer> {
  const parser = await loadPythonParser();
  ensurePrelude(parser);
  const imports = new ImportedPrograms(parser);
  return {
    analyze: (source, file, options) => analyzeWith(parser, imports, source, file, options ?? {}),
    listModels: (source, options) => listModelsWith(parser, imports, source, options ?? {}),
  };
}

/** Model candidates only (for pickers / CodeLens): cheap, no tracing. */
export async function listModels(source: string, options: Pick<AnalyzeOptions, 'loader'> = {}): Promise<ModelCandidate[]> {
  return (await createAnalyzer()).listModels(source, options);
}

function listModelsWith(parser: PythonParser, imports: ImportedPrograms, source: string, options: Pick<AnalyzeOptions, 'loader'>): ModelCandidate[] {
  if (source.length > MAX_SOURCE_BYTES) return [];
  userSites.length = 0;
  const program = parseProgram(parser, source);
  const rt = createRuntime(new Budget(DEFAULT_STEP_BUDGET, DEFAULT_MAX_DEPTH), imports.forLoader(options.loader));
  rt.it.importer.registerEntry(rt.it.globals);
  try {
    rt.it.runModule(program, () => undefined);
    return findCandidates(program, rt.it.globals, rt.tc.classes.Module, undefined, (v) => isKerasModelValue(rt.tc, v)).candidates;
  } catch (err) {
    if (err instanceof BudgetExceeded || err instanceof PyError || err instanceof RangeError) return [];
    throw err;
  }
}

/** Parsed imported files, kept across analyses by path and text (a warm re-analysis re-parses only what changed). */
class ImportedPrograms {
  private readonly cache = new Map<string, { text: string; program: Program }>();
  private readonly stubs = bundledStubLoader();
  constructor(private readonly parser: PythonParser) {}

  parse(text: string, file: SourceFile): Program {
    const hit = this.cache.get(file.path);
    if (hit && hit.text === text) return hit.program;
    const program = parseProgram(this.parser, text, null, file);
    if (this.cache.size > 2000) this.cache.clear();
    this.cache.set(file.path, { text, program });
    return program;
  }

  forLoader(loader: ModuleLoader | undefined): RuntimeImports {
    return { loader: loader ?? null, stubs: this.stubs, parse: (text, file) => this.parse(text, file) };
  }
}

function parseProgram(parser: PythonParser, source: string, fixedPos: Pos | null = null, file?: SourceFile): Program {
  const tree = parser.parse(source);
  try {
    const { root, comments } = toPlainTree(tree, parser.cursorExports);
    return convertProgram(root, comments, source, fixedPos, file);
  } finally {
    tree.delete();
  }
}

/** Parses the torch.nn prelude once per process, placing it on line 0 (see mapPos). */
function ensurePrelude(parser: PythonParser): void {
  if (preludeLoaded) return;
  preludeLoaded = true;
  setPreludeLoader(() => parseProgram(parser, TORCH_NN_PRELUDE, { line: 0, col: 0, endLine: 0, endCol: 0 }));
}
let preludeLoaded = false;

/** Milliseconds on a monotonic clock; unlike the `performance` global, process.hrtime loads no module on first use. */
function nowMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}

function emptyGraph(file: string): LayerGraph {
  return { file, model: null, models: [], input: [], inputSource: 'default', output: null, params: 0, macs: 0, nodes: [], edges: [], groups: [], shortcuts: [],
    diagnostics: [] };
}

function errorPos(err: unknown, rt: Runtime | null): Pos {
  let p: Pos = rt?.it.currentPos ?? ORIGIN;
  if (err instanceof PyError && err.pos) p = err.pos;
  else if (err instanceof BudgetExceeded && err.pos) p = err.pos;
  return mapPos(p);
}

/** Turns an exception escaping a phase into one diagnostic; returns false when analysis must stop. */
function report(rt: Runtime, err: unknown, what: string): void {
  const d = rt.it.diagnostics;
  const pos = errorPos(err, rt);
  if (err instanceof BudgetExceeded) {
    if (!d.list.some((x) => x.code === 'budget-exceeded')) d.add('error', 'budget-exceeded', `analysis budget exceeded: ${err.reason}`, pos);
  } else if (err instanceof PyError) {
    d.add('error', 'python-error', `${what}: ${err.pyType}: ${err.message}`, pos);
  } else if (err instanceof RangeError) {
    d.add('error', 'budget-exceeded', `analysis budget exceeded: nesting too deep (${err.message})`, pos);
  } else {
    d.add('error', 'internal-error', `internal error while ${what}: ${err instanceof Error ? err.message : String(err)}`, pos);
  }
}

/** Calls a factory function on the probes' own budget; true when it returns a module. Nothing is reported. */
function probeFactory(rt: Runtime, fn: PyFunction, probeBudget: Budget): boolean {
  const { it } = rt;
  const saved = it.budget;
  const savedDiagnostics = it.diagnostics.checkpoint();
  // One budget for all the probes of an analysis: a file of 10,000 factories cannot cost 10,000 probes.
  if (probeBudget.exhausted) return false;
  it.budget = probeBudget;
  try {
    return isModule(it.call(fn, [], null, fn.p));
  } catch (err) {
    // A factory that needs arguments or runs out of budget is not a model; anything else is a bug and is reported.
    if (err instanceof PyError || err instanceof BudgetExceeded || err instanceof RangeError) return false;
    throw err;
  } finally {
    it.budget = saved;
    it.diagnostics.rollback(savedDiagnostics);
  }
}
/** Steps all the probes of one analysis share. */
const PROBE_STEPS = 500_000;

/** A Keras model's declared input (batch None unless given); else a warned channels-last guess. */
function kerasDefaultInput(rt: Runtime, root: Value): Shape {
  const declared = isModule(root) ? kerasDeclaredInput(rt.tc, root) : null;
  if (declared) return declared;
  rt.it.diagnostics.add('warning', 'keras-input-unknown',
    "the Keras model declares no input shape (no keras.Input or input_shape=): assuming (None, 224, 224, 3); give one with '# netlens: input=1,H,W,C' or --input", ORIGIN);
  return [null, 224, 224, 3];
}

function collectTensors(v: Value, out: PyTensor[]): PyTensor[] {
  if (v instanceof PyTensor) out.push(v);
  else if (v instanceof PyTuple || v instanceof PyList) for (const x of v.items) collectTensors(x, out);
  else if (v instanceof PyDict) for (const x of v.values()) collectTensors(x, out);
  else if (v instanceof PyInstance && !v.mod) for (const x of v.dict.values()) collectTensors(x, out);
  return out;
}

function analyzeWith(parser: PythonParser, imports: ImportedPrograms, source: string, file: string,
  options: AnalyzeOptions & { retriedInput?: boolean }): LayerGraph {
  const graph = emptyGraph(file);
  if (source.length > MAX_SOURCE_BYTES) {
    graph.diagnostics.push({ severity: 'error', code: 'file-too-large',
      message: `file is ${(source.length / 1048576).toFixed(1)} MiB; NetLens analyses files up to ${MAX_SOURCE_BYTES / 1048576} MiB`, range: toRange(ORIGIN),
        related: [] });
    return graph;
  }
  const t0 = nowMs();
  let program: Program;
  try {
    program = parseProgram(parser, source);
  } catch (err) {
    graph.diagnostics.push({ severity: 'error', code: 'internal-error', message: `could not parse: ${err instanceof Error ? err.message : String(err)}`,
      range: toRange(ORIGIN), related: [] });
    return graph;
  }
  const t1 = nowMs();
  userSites.length = 0;
  const rt = createRuntime(new Budget(options.stepBudget ?? DEFAULT_STEP_BUDGET, options.maxDepth ?? DEFAULT_MAX_DEPTH), imports.forLoader(options.loader));
  const { it, tc } = rt;
  it.importer.registerEntry(it.globals);
  const diags = it.diagnostics;
  for (const e of program.syntaxErrors) diags.add('error', 'syntax-error', `syntax error: ${e.message}`, e.p);
  if (program.inputCommentProblem) diags.add('error', 'bad-input-comment', program.inputCommentProblem.message, program.inputCommentProblem.p);
  if (program.tooDeep) diags.add('error', 'budget-exceeded', `analysis budget exceeded: ${program.tooDeep.message}`, program.tooDeep.p);
  let stopped = false;
  it.runModule(program, (err) => {
    if (stopped) return;
    if (err instanceof BudgetExceeded) {
      report(rt, err, 'running the module');
      stopped = true;
    } else if (err instanceof PyError) {
      diags.add('warning', 'module-level-error', `module-level statement failed: ${err.pyType}: ${err.message}`, errorPos(err, rt));
    } else report(rt, err, 'running the module');
  });
  let candidates: ModelCandidate[] = [];
  let defaultIndex = -1;
  const probeBudget = new Budget(PROBE_STEPS, it.budget.maxDepth);
  try {
    ({ candidates, defaultIndex } = findCandidates(program, it.globals, tc.classes.Module, (fn) => probeFactory(rt, fn, probeBudget),
      (v) => isKerasModelValue(tc, v)));
  } catch (err) {
    report(rt, err, 'listing models');
  }
  // What the file's own test function or main block does with its models (the input it feeds, the model it builds).
  const observed = !stopped && (!options.model || !(options.inputs?.length || options.input)) ? observeFileUsage(it, program, (body) => execBlock(it, body,
    { scope: it.globals, ret: null, ctx: null })) : [];
  const fromUsage = options.model ? null : usageModelExpression(observed, source, candidates.filter((c) => c.kind === 'class').map((c) => c.name));
  const defaultIsFactory = defaultIndex >= 0 && candidates[defaultIndex].kind === 'function';
  if (fromUsage && !defaultIsFactory && observed[0]) {
    candidates.push({ expr: fromUsage, kind: 'class', name: observed[0].cls.name, line: observed[0].cls.p?.line ?? 1 });
    defaultIndex = candidates.length - 1;
  }
  graph.models = candidates;
  const modelExpr = options.model ?? (defaultIndex >= 0 ? candidates[defaultIndex].expr : null);
  graph.model = modelExpr;
  let root: Value = null;
  if (!stopped && modelExpr) {
    try {
      const exprProgram = parseProgram(parser, modelExpr, ORIGIN);
      const stmt = exprProgram.body[0];
      if (exprProgram.syntaxErrors.length || !stmt || stmt.s !== 'expr') {
        diags.add('error', 'bad-model-expression', `--model '${modelExpr}' is not a Python expression`, ORIGIN);
      } else {
        const e = stmt.e;
        root = it.eval(e, it.globals);
        if (!isModule(root)) {
          diags.add('error', 'not-a-module', `'${modelExpr}' does not build an nn.Module (got ${it.str(root)})`, ORIGIN);
          root = null;
        }
      }
    } catch (err) {
      report(rt, err, `building ${modelExpr}`);
      stopped = err instanceof BudgetExceeded;
    }
  } else if (!modelExpr && !stopped) {
    const needing = classesNeedingArguments(program, it.globals.vars, tc.classes.Module);
    const hint = needing.length
      ? `; these need arguments: ${needing.slice(0, 4).join(', ')} — name one with --model, e.g. --model '${needing[0].replace(/\(.*$/, '')}(...)'`
        : ' (use --model)';
    diags.add('warning', 'no-model',
      `no model found: no nn.Module class constructible with its defaults and no factory function callable without arguments${hint}`, ORIGIN);
  }
  const t2 = nowMs();
  const keras = isKerasModule(tc, root);
  if (keras) graph.layout = 'NHWC';
  let observedRest: Shape[] = [];
  const given: InputSpec[] = options.retriedInput ? [] : options.inputs ?? (options.input ? [{ shape: options.input }] : []);
  const firstGiven =
    given.find((g) => g.name === undefined && g.shape) ?? given.find((g) => g.name !== undefined && g.shape && isFirstForwardParam(root, g.name));
  let firstDtype: InputDtype = firstGiven?.dtype ?? 'float32';
  let input: Shape;
  if (firstGiven?.shape) {
    input = firstGiven.shape;
    graph.inputSource = 'argument';
  } else if (program.inputComment) {
    input = program.inputComment.shape;
    graph.inputSource = 'comment';
  } else {
    const used = !keras && root instanceof PyInstance ? observedInputFor(observed, root) : null;
    if (used) {
      input = used[0];
      graph.inputSource = 'file';
      observedRest = used.slice(1);
    } else if (keras) {
      input = kerasDefaultInput(rt, root);
      graph.inputSource = 'default';
    } else {
      const guess = options.retriedInput && options.input ? { shape: options.input, dtype: 'float32' as InputDtype } : defaultInputFor(root);
      input = guess.shape;
      firstDtype = guess.dtype;
      graph.inputSource = 'default';
    }
  }
  graph.input = input;
  if (isModule(root) && !stopped) {
    const tracer = tc.tracer;
    try {
      for (const m of walkModules(root)) m.mod!.calls = 0;
      tracer.indexModules(root);
      tracer.ensureGroup(root.mod!);
      tracer.recording = true;
      const forward = root.cls.lookup('forward');
      const { bound, missing, unknownNames } = bindInputs(forward, given.length ? given : []);
      const firstName = forward instanceof PyFunction ? forward.params[1]?.name ?? 'input' : 'input';
      const inputs: Value[] = [];
      const kwargs = new Map<string, Value>();
      const records: ModelInput[] = [];
      const inputNode = tracer.addInput(input, 'input', firstDtype);
      inputs.push(new PyTensor(input, inputNode.id));
      records.push(modelInput(firstName, input, firstDtype, graph.inputSource === 'default' ? 'default' : graph.inputSource));
      const positionalRest = bound.filter((b) => b.name !== firstName);
      for (const b of positionalRest) {
        let v: Value;
        if (b.value !== undefined) v = b.value;
        else {
          const node = tracer.addInput(b.shape ?? null, b.name, b.dtype ?? 'float32');
          v = new PyTensor(b.shape ?? null, node.id);
        }
        records.push(modelInput(b.name, b.shape ?? null, b.dtype ?? 'float32', 'argument', b.value));
        kwargs.set(b.name, v);
      }
      // Inputs the file itself passed after the first (`net(x, t)` in its test code).
      observedRest.forEach((shape, i) => {
        const name = forward instanceof PyFunction ? forward.params[2 + i]?.name : undefined;
        if (!name || kwargs.has(name)) return;
        const node = tracer.addInput(shape, name);
        kwargs.set(name, new PyTensor(shape, node.id));
        records.push(modelInput(name, shape, 'float32', 'file'));
      });
      // forward(self, x, t, y) with required inputs nobody gave: each is an input of unknown shape.
      const unknown = missing.filter((n) => n !== firstName && !kwargs.has(n));
      for (const name of unknown) {
        const node = tracer.addInput(null, name);
        kwargs.set(name, new PyTensor(null, node.id));
        records.push(modelInput(name, null, 'float32', 'unknown'));
      }
      if (unknown.length && forward instanceof PyFunction) {
        diags.add('warning', 'extra-inputs',
          `forward() takes ${unknown.length + 1} inputs; the shapes of ${unknown.map((n) =>
            `'${n}'`).join(', ')} are unknown: give them with --input NAME=SHAPE[:DTYPE] (e.g. --input ${unknown[0]}=1:int64)`, forward.p);
      }
      for (const name of unknownNames) diags.add('error', 'bad-input', `--input ${name}=…: forward() has no parameter '${name}'`,
        forward instanceof PyFunction ? forward.p : ORIGIN);
      graph.inputs = records;
      const out = it.call(root, inputs, kwargs.size ? kwargs : null, root.mod!.defPos ?? ORIGIN);
      const outs = collectTensors(out, []);
      const traced = outs.filter((t) => t.node !== null);
      graph.output = outs.length ? outs[0].shape : null;
      if (traced.length) {
        tracer.addNode({ op: 'Output', attrs: {}, summary: '', inputs: traced.map((t) => t.node), inputShapes: traced.map((t) => t.shape),
          outputShape: traced[0].shape, params: 0, macs: 0, module: null, suffix: 'output' }).group = null;
      }
    } catch (err) {
      report(rt, err, 'tracing forward');
    }
    tracer.recording = false;
    try {
      graph.params = countParams(root);
      if (!keras) incompleteCountWarning(root, diags, root.mod!.defPos ?? ORIGIN);
      if (keras) {
        graph.nonTrainableParams = kerasNonTrainableParams(root);
        graph.trainableParams = graph.params - graph.nonTrainableParams;
      }
    } catch (err) {
      report(rt, err, 'counting parameters');
    }
    finalizeGraph(graph, tracer);
    diags.list.push(...inexactCountWarnings(graph, root.mod?.defPos ? toRange(root.mod.defPos) : undefined));
  }
  const t3 = nowMs();
  // A default input guessed from the first registered layer, rejected by the first layer actually applied:
  // analyse again with the input that layer declares (its module was registered later than it runs).
  if (graph.inputSource === 'default' && !options.retriedInput) {
    const first = graph.edges.find((e) => e.from === graph.nodes[0]?.id);
    const consumer = first ? graph.nodes.find((n) => n.id === first.to) : undefined;
    const better = consumer?.error ? inputForLayer(consumer.op, consumer.attrs) : null;
    if (better && better.join() !== graph.input.join()) {
      const again = analyzeWith(parser, imports, source, file, { ...options, input: better as number[], retriedInput: true });
      return again;
    }
  }
  if (graph.inputSource === 'default' && !keras) noteAssumedInput(graph, diags.list);
  graph.diagnostics = sortDiagnostics(diags.list);
  if (it.importer.importedFiles.length) graph.imports = [...it.importer.importedFiles];
  if (process.env.NETLENS_DEBUG_STEPS) console.error(`steps: ${it.budget.steps}`);
  graph.timings = { parseMs: t1 - t0, interpretMs: t2 - t1, traceMs: t3 - t2 };
  return graph;
}

/** The file's module classes whose constructor needs arguments, with their signatures (`UNet(n_channels, n_classes, bilinear=False)`). */
function classesNeedingArguments(program: Program, globals: Map<string, Value>, moduleClass: PyClass): string[] {
  const out: string[] = [];
  for (const s of program.body) {
    if (s.s !== 'class' || s.name.startsWith('_')) continue;
    const cls = globals.get(s.name);
    const init = cls instanceof PyClass && cls.isSubclassOf(moduleClass) ? cls.lookup('__init__') : undefined;
    if (!(init instanceof PyFunction)) continue;
    const params = init.params.slice(1).map((p) =>
      (p.kind === 'varargs' ? `*${p.name}` : p.kind === 'kwargs' ? `**${p.name}` : init.defaults.has(p.name) ? `${p.name}=…` : p.name));
    out.push(`${s.name}(${params.join(', ')})`);
  }
  return out.reverse();
}

/** The first parameter of the model's forward after self. */
function isFirstForwardParam(root: Value, name: string): boolean {
  const forward = root instanceof PyInstance ? root.cls.lookup('forward') : undefined;
  return forward instanceof PyFunction && forward.params[1]?.name === name;
}

/** Shape errors found with an assumed input say so, and how to give the real one. */
function noteAssumedInput(graph: LayerGraph, list: Diagnostic[]): void {
  const shape = graph.input.map((d) => d ?? '?').join('×');
  for (const d of list) {
    if (d.severity !== 'error' || !d.nodeId) continue;
    d.message += ` (with the assumed input ${shape}; give the real one with --input or a '# netlens: input=…' comment)`;
  }
}

function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return list.map((d, i) => [d, i] as const).sort((a, b) => a[0].range.line - b[0].range.line || a[1] - b[1]).map(([d]) => d);
}
