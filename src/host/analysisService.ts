// Runs the core analysis for open documents, caches results by document version, and remembers each document's model choice.
import * as vscode from 'vscode';
import { AnalysisWorkerClient } from '../node/analysisWorkerClient';
import type { LayerGraph, ModelCandidate } from '../core/graph/ir';
import { preferLastGood, hasSyntaxError, type ShownAnalysis } from './lastGood';
import { sourceDeclaresInput, type HostSettings } from './settings';
import { loaderConfigFor } from './projectLoader';

/** Which model of a file to build and with which input; undefined fields mean "let the analysis decide". */
export interface ModelSelection {
  model?: string;
  input?: number[];
}

export interface DocumentAnalysis extends ShownAnalysis {
  uri: string;
  version: number;
  selection: ModelSelection;
  /** Wall time of this analysis in milliseconds (0 when served from the cache). */
  analyzeMs: number;
}

const MAX_CACHED_RESULTS = 96;
/** Workspace-state key of the model and input chosen per file (kept across sessions). */
const SELECTIONS_KEY = 'netlens.selections';

function isSelection(value: unknown): value is ModelSelection {
  if (typeof value !== 'object' || value === null) return false;
  const { model, input } = value as Record<string, unknown>;
  return (model === undefined || (typeof model === 'string' && model.length <= 1000)) &&
    (input === undefined || (Array.isArray(input) && input.length <= 6 && input.every((d) => Number.isInteger(d) && d >= 1)));
}

function selectionKey(selection: ModelSelection): string {
  return `${selection.model ?? ''}|${selection.input?.join(',') ?? ''}`;
}

/** A graph that carries one diagnostic, for failures outside the analysis itself (a missing wasm file, say). */
function failureGraph(file: string, message: string): LayerGraph {
  return {
    file, model: null, models: [], input: [], inputSource: 'default', output: null, params: 0, macs: 0,
    nodes: [], edges: [], groups: [], shortcuts: [],
    diagnostics: [{ severity: 'error', code: 'internal-error', message, range: { line: 1, column: 1, endLine: 1, endColumn: 2 }, related: [] }],
  };
}

/** Budget of one analysis in the worker process: a file over it gets an 'analysis-stopped' diagnostic. */
const HOST_WORKER_LIMITS = { maxTimeMs: 15_000, maxMemoryMb: 2048 };

export class AnalysisService implements vscode.Disposable {
  /** Analysis runs in a child process: a hostile file can stall or exhaust only that process, never the host. */
  private readonly worker: AnalysisWorkerClient;
  private readonly results = new Map<string, DocumentAnalysis>();
  private readonly lastGood = new Map<string, LayerGraph>();
  private readonly selections = new Map<string, ModelSelection>();
  private readonly inflight = new Map<string, { version: number; result: Promise<DocumentAnalysis> }>();
  private readonly candidateCache = new Map<string, { version: number; candidates: Promise<ModelCandidate[]> }>();

  constructor(
    private readonly settings: () => HostSettings,
    private readonly log: (message: string) => void,
    /** Where each file's choice is remembered (the workspace state); none in tests. */
    private readonly state?: vscode.Memento,
  ) {
    this.worker = new AnalysisWorkerClient(HOST_WORKER_LIMITS, undefined, log, 'process');
  }

  dispose(): void {
    this.worker.dispose();
  }

  /** The user's model/input choice for a document (from the quick pick, the CodeLens or the panel). */
  selection(uri: vscode.Uri): ModelSelection {
    const key = uri.toString();
    const known = this.selections.get(key);
    if (known) return known;
    const saved = this.state?.get<Record<string, unknown>>(SELECTIONS_KEY)?.[key];
    return isSelection(saved) ? { model: saved.model, input: saved.input } : {};
  }

  setSelection(uri: vscode.Uri, selection: ModelSelection): void {
    this.selections.set(uri.toString(), selection);
    if (!this.state) return;
    const all = { ...(this.state.get<Record<string, unknown>>(SELECTIONS_KEY) ?? {}), [uri.toString()]: { model: selection.model, input: selection.input } };
    void this.state.update(SELECTIONS_KEY, all);
  }

  /** The most recent analysis of the document's current selection, if one was computed. */
  latest(uri: vscode.Uri): DocumentAnalysis | undefined {
    return this.results.get(`${uri.toString()}#${selectionKey(this.selection(uri))}`);
  }

  /** Analyses the document (current text) for a selection, reusing the cached result for the same version. */
  async analyze(document: vscode.TextDocument, selection: ModelSelection = this.selection(document.uri)): Promise<DocumentAnalysis> {
    const uri = document.uri.toString();
    const key = `${uri}#${selectionKey(selection)}`;
    const cached = this.results.get(key);
    if (cached && cached.version === document.version) return { ...cached, analyzeMs: 0 };
    // Opening a file fires several events at once (open, active editor, CodeLens): share one analysis.
    const running = this.inflight.get(key);
    if (running && running.version === document.version) return { ...(await running.result), analyzeMs: 0 };
    const result = this.compute(document, selection, key);
    this.inflight.set(key, { version: document.version, result });
    try {
      return await result;
    } finally {
      if (this.inflight.get(key)?.result === result) this.inflight.delete(key);
    }
  }

  private async compute(document: vscode.TextDocument, selection: ModelSelection, key: string): Promise<DocumentAnalysis> {
    const uri = document.uri.toString();

    const source = document.getText();
    const version = document.version;
    const input = selection.input ?? (sourceDeclaresInput(source) ? undefined : this.settings().defaultInput);
    const started = performance.now();
    let fresh: LayerGraph;
    try {
      const loader = await loaderConfigFor(document, this.settings());
      fresh = await this.worker.analyze(source, document.uri.path, { model: selection.model, input, loader });
    } catch (error) {
      const message = `NetLens could not analyse this file: ${error instanceof Error ? error.message : String(error)}`;
      this.log(message);
      fresh = failureGraph(document.uri.path, message);
    }
    const analyzeMs = performance.now() - started;
    if (document.version !== version) {
      // The text changed while the worker was analysing; the caller's next debounce will analyse the new text.
      this.log(`analysis of ${document.uri.path} v${version} superseded by v${document.version}`);
    }
    const shown = preferLastGood(fresh, this.lastGood.get(key));
    if (!hasSyntaxError(fresh) && fresh.nodes.length > 0) this.lastGood.set(key, fresh);
    const result: DocumentAnalysis = { ...shown, uri, version, selection, analyzeMs };
    this.remember(key, result);
    return result;
  }

  /** Model candidates of the document (cheap: no tracing), cached per version. */
  candidates(document: vscode.TextDocument): Promise<ModelCandidate[]> {
    const uri = document.uri.toString();
    const cached = this.candidateCache.get(uri);
    if (cached && cached.version === document.version) return cached.candidates;
    const candidates = loaderConfigFor(document, this.settings()).then((loader) => this.worker.listModels(document.getText(), { loader }))
    .catch((error: unknown) => {
      this.log(`listing models failed: ${error instanceof Error ? error.message : String(error)}`);
      return [] as ModelCandidate[];
    });
    this.candidateCache.set(uri, { version: document.version, candidates });
    return candidates;
  }

  /** Forgets computed results (settings such as the default input changed); choices and last good graphs stay. */
  clearResults(): void {
    this.results.clear();
  }

  /** Drops everything about a closed document. */
  forget(uri: vscode.Uri): void {
    const prefix = `${uri.toString()}#`;
    for (const key of [...this.results.keys()]) if (key.startsWith(prefix)) this.results.delete(key);
    for (const key of [...this.lastGood.keys()]) if (key.startsWith(prefix)) this.lastGood.delete(key);
    this.candidateCache.delete(uri.toString());
    this.selections.delete(uri.toString());
  }

  /**
   * Forgets the cached results of every analysed document that imports `fsPath` (directly or not) and returns their
   * URIs, so that an edit or a save of an imported module analyses them again.
   */
  invalidateImporters(fsPath: string): string[] {
    const uris = new Set<string>();
    for (const [key, result] of this.results) {
      if (!result.graph.imports?.includes(fsPath)) continue;
      uris.add(result.uri);
      this.results.delete(key);
    }
    for (const uri of uris) this.candidateCache.delete(uri);
    return [...uris];
  }

  private remember(key: string, result: DocumentAnalysis): void {
    this.results.delete(key);
    this.results.set(key, result);
    while (this.results.size > MAX_CACHED_RESULTS) {
      const oldest = this.results.keys().next().value;
      if (oldest === undefined) break;
      this.results.delete(oldest);
    }
  }
}
