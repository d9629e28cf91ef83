// Reacts to the editor: analyses Python documents on open and (debounced) on edit, and fans results out to the UI.
import * as vscode from 'vscode';
import type { LayerGraph } from '../core/graph/ir';
import type { AnalysisService, DocumentAnalysis, ModelSelection } from './analysisService';
import type { ModelCodeLensProvider } from './codeLens';
import type { DiagnosticPublisher } from './diagnostics';
import { fileProblems, type ModelProblems } from './fileProblems';
import type { ModelStatusBar } from './statusBar';
import type { PanelManager } from './panelManager';
import type { HostSettings } from './settings';

export const EDIT_DEBOUNCE_MS = 300;
const HIGHLIGHT_THROTTLE_MS = 60;
/** Read-only copies of files (diff views, history) that must not get diagnostics of their own. */
const IGNORED_SCHEMES = new Set(['git', 'gitfs', 'output', 'vscode-scm', 'review', 'pr']);

/** Cheap test that a Python file may define a network at all, so unrelated scripts are never analysed. */
export function mayDefineModel(document: vscode.TextDocument): boolean {
  if (document.languageId !== 'python' || IGNORED_SCHEMES.has(document.uri.scheme)) return false;
  return /\btorch\b|\bnn\.Module\b/.test(document.getText());
}

export class DocumentController implements vscode.Disposable {
  private readonly editTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** When the last keystroke of each document happened (for the keystroke → Problems latency in the log). */
  private readonly typedAt = new Map<string, number>();
  private highlightTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly analysis: AnalysisService,
    private readonly diagnostics: DiagnosticPublisher,
    private readonly statusBar: ModelStatusBar,
    private readonly panels: PanelManager,
    private readonly lenses: ModelCodeLensProvider,
    private readonly settings: () => HostSettings,
    private readonly log: (message: string) => void,
  ) {}

  register(): vscode.Disposable[] {
    return [
      vscode.workspace.onDidOpenTextDocument((document) => void this.refresh(document, 'open')),
      vscode.workspace.onDidChangeTextDocument((event) => this.scheduleEdit(event.document)),
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (!this.settings().liveDiagnostics) void this.refresh(document, 'save');
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.close(document)),
      ...this.watchImportedFiles(),
      vscode.window.onDidChangeActiveTextEditor((editor) => void this.activeEditorChanged(editor)),
      vscode.window.onDidChangeTextEditorSelection((event) => this.cursorMoved(event)),
      { dispose: () => this.editTimers.forEach((timer) => clearTimeout(timer)) },
    ];
  }

  /** Analyses the documents already open when the extension activates. */
  refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) void this.refresh(document, 'open');
  }

  /** Analyses with the document's current selection and updates diagnostics, the status bar and its panel. */
  async refresh(document: vscode.TextDocument, trigger: 'open' | 'edit' | 'save' | 'selection' | 'input'): Promise<DocumentAnalysis | undefined> {
    if (!mayDefineModel(document)) {
      this.diagnostics.clear(document.uri);
      return undefined;
    }
    const result = await this.analysis.analyze(document);
    if (result.version !== document.version || document.isClosed) return result;
    const settings = this.settings();
    const publish = settings.liveDiagnostics || trigger !== 'edit';
    // The chosen model's problems go out at once; the other models' follow when they are analysed.
    if (publish) this.publishProblems(document.uri, result, [], result.graph.models.length > 1);
    const panels = this.panels.of(document.uri);
    const activeEditor = vscode.window.activeTextEditor;
    if (activeEditor?.document === document || (!activeEditor && panels.some((p) => p.active))) this.statusBar.show(result.graph, result.stale);
    for (const panel of panels) {
      // A locked panel keeps its own model.
      const own = panel.locked && panel.model !== undefined && panel.model !== result.graph.model
        ? await this.analysis.analyze(document, { ...this.analysis.selection(document.uri), model: panel.model }) : result;
      if (own.version === document.version) panel.showGraph(own.graph, settings.view, trigger === 'selection' ? 'open' : 'edit');
    }
    if (result.analyzeMs > 0) {
      this.log(`analysed ${shortName(document)} (${result.graph.model ?? 'default model'}) v${result.version} in ${result.analyzeMs.toFixed(1)} ms: ` +
        `${result.graph.nodes.length} layers, ${result.graph.diagnostics.length} diagnostics${result.stale ? ', showing the last good graph' : ''}`);
    }
    void this.analyseModels(document, result, publish);
    return result;
  }

  private publishProblems(uri: vscode.Uri, chosen: DocumentAnalysis, others: ModelProblems[], severalModels: boolean): void {
    const problems = fileProblems({ model: chosen.graph.model ?? '', graph: chosen.graph }, others, severalModels);
    this.diagnostics.publish(uri, { ...chosen.graph, diagnostics: problems });
  }

  /**
   * Analyses every model the file offers after the chosen one, for this version only: their errors join the file's
   * Problems (a block only another model uses is broken too) and their figures the CodeLens titles.
   */
  private async analyseModels(document: vscode.TextDocument, chosen: DocumentAnalysis, publish: boolean): Promise<void> {
    const version = document.version;
    const graphs = new Map<string, LayerGraph | undefined>();
    if (chosen.graph.model) graphs.set(chosen.graph.model, chosen.graph);
    const listed = await this.analysis.candidates(document);
    const exprs = new Set([...listed, ...chosen.graph.models].map((candidate) => candidate.expr));
    for (const expr of exprs) {
      if (graphs.has(expr)) continue;
      // A newer version is on its way: its own refresh analyses the models again.
      if (document.isClosed || document.version !== version) return;
      const result = await this.analysis.analyze(document, { ...this.analysis.selection(document.uri), model: expr });
      if (result.version !== document.version) return;
      graphs.set(expr, result.graph);
    }
    this.lenses.update(document.uri, graphs);
    // Another selection or version was analysed meanwhile: its own pass publishes.
    const latest = this.analysis.latest(document.uri);
    if (!publish || !latest || latest.version !== chosen.version || latest.graph.model !== chosen.graph.model) return;
    const others = [...graphs].filter(([expr, graph]) => expr !== chosen.graph.model && graph).map(([model, graph]) => ({ model, graph: graph! }));
    this.publishProblems(document.uri, chosen, others, graphs.size > 1);
    const typed = this.typedAt.get(document.uri.toString());
    if (typed !== undefined) {
      this.typedAt.delete(document.uri.toString());
      this.log(`problems of ${graphs.size} models of ${shortName(document)} v${version} published ${(performance.now() - typed).toFixed(0)} ms after the last keystroke`);
    }
  }

  /** Shows the document's model in the panel that follows the editor (or in a new panel when asked). */
  async show(document: vscode.TextDocument, selection: ModelSelection, newPanel = false): Promise<void> {
    this.analysis.setSelection(document.uri, selection);
    const result = await this.analysis.analyze(document, selection);
    this.publishProblems(document.uri, result, [], result.graph.models.length > 1);
    this.panels.show(document.uri, result.graph, this.settings().view, newPanel);
    if (vscode.window.activeTextEditor?.document === document) this.statusBar.show(result.graph, result.stale);
    void this.analyseModels(document, result, true);
  }

  /** The webview asked for another model or input. */
  async changeSelection(uri: vscode.Uri, selection: ModelSelection): Promise<void> {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? (await vscode.workspace.openTextDocument(uri));
    const modelChanged = this.analysis.selection(uri).model !== selection.model;
    this.analysis.setSelection(uri, selection);
    // Another model is a new drawing; another input keeps the viewport and the collapse state.
    await this.refresh(document, modelChanged ? 'selection' : 'input');
  }

  private scheduleEdit(document: vscode.TextDocument): void {
    if (document.languageId !== 'python') return;
    const key = document.uri.toString();
    this.typedAt.set(key, performance.now());
    clearTimeout(this.editTimers.get(key));
    this.editTimers.set(
      key,
      setTimeout(() => {
        this.editTimers.delete(key);
        void this.refresh(document, 'edit');
        // An edit in a module that other open models import (unsaved text counts) changes those models too.
        if (document.uri.scheme === 'file') this.refreshImporters(document.uri.fsPath, 'edit');
      }, EDIT_DEBOUNCE_MS),
    );
  }

  /** Analyses again the open documents that import `fsPath`. */
  private refreshImporters(fsPath: string, trigger: 'edit' | 'save'): void {
    for (const uri of this.analysis.invalidateImporters(fsPath)) {
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
      if (document && !document.isClosed) void this.refresh(document, trigger);
    }
  }

  /** Imported modules changed on disk (a save elsewhere, a checkout, a generated file): their importers are re-analysed. */
  private watchImportedFiles(): vscode.Disposable[] {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{py,yaml,yml,json}');
    const changed = (uri: vscode.Uri): void => {
      if (uri.scheme === 'file') this.refreshImporters(uri.fsPath, 'save');
    };
    return [watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed)];
  }

  private async activeEditorChanged(editor: vscode.TextEditor | undefined): Promise<void> {
    // No text editor (a NetLens panel, the output or a terminal has focus): keep showing the last model.
    if (!editor) return;
    if (!mayDefineModel(editor.document)) {
      this.statusBar.hide();
      return;
    }
    // The unlocked panel follows the active Python editor, as the Markdown preview does.
    if (this.panels.follow(editor.document.uri)) {
      await this.refresh(editor.document, 'selection');
      return;
    }
    const latest = this.analysis.latest(editor.document.uri);
    if (latest && latest.version === editor.document.version) this.statusBar.show(latest.graph, latest.stale);
    else await this.refresh(editor.document, 'open');
  }

  private cursorMoved(event: vscode.TextEditorSelectionChangeEvent): void {
    const panels = this.panels.of(event.textEditor.document.uri).filter((panel) => panel.visible);
    if (panels.length === 0) return;
    clearTimeout(this.highlightTimer);
    const line = event.selections[0]?.active.line;
    if (line === undefined) return;
    this.highlightTimer = setTimeout(() => panels.forEach((panel) => panel.highlight(line + 1)), HIGHLIGHT_THROTTLE_MS);
  }

  private close(document: vscode.TextDocument): void {
    clearTimeout(this.editTimers.get(document.uri.toString()));
    this.lenses.forget(document.uri);
    this.typedAt.delete(document.uri.toString());
    this.diagnostics.clear(document.uri);
    if (!this.panels.get(document.uri)) this.analysis.forget(document.uri);
  }

  dispose(): void {
    clearTimeout(this.highlightTimer);
  }
}

function shortName(document: vscode.TextDocument): string {
  return document.uri.path.split('/').pop() ?? document.uri.path;
}
