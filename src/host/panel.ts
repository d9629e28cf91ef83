// One architecture webview panel: CSP'd HTML, ready handshake with a message queue, and message handling. It shows one
// document at a time (the panel manager moves an unlocked panel to the active editor's document; a locked one stays).
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { LayerGraph, SourceRange } from '../core/graph/ir';
import { parseWebviewMessage, type HostToWebview, type ViewOptions, type WebviewToHost } from '../protocol';
import type { ModelSelection } from './analysisService';
import { toVsRange } from './diagnostics';
import { buildWebviewHtml, createNonce } from '../webviewPage';

export const PANEL_VIEW_TYPE = 'netlens.architecture';
/** A cursor move to the revealed line within this time is the editor following the panel, not the user. */
const REVEAL_ECHO_MS = 1000;

/** What a panel asks of the rest of the extension. */
export interface PanelCallbacks {
  /** The user picked another model or input in the webview: re-analyse and update this panel. */
  changeSelection(documentUri: vscode.Uri, selection: ModelSelection): Promise<void>;
  runFinished(backend: string, totalMs: number, mismatches: number): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export class ArchitecturePanel implements vscode.Disposable {
  private ready = false;
  private readonly queue: HostToWebview[] = [];
  private current: { graph: LayerGraph; options: ViewOptions } | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposedEmitter.event;
  private lastReveal: { line: number; at: number } | undefined;
  /** Milliseconds from creating the panel to the webview's ready message (undefined until then). */
  handshakeMs: number | undefined;

  /** A locked panel keeps its document and model; an unlocked one follows the active Python editor. */
  private isLocked = false;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    /** The document shown (changes when an unlocked panel follows the editor). */
    public documentUri: vscode.Uri,
    private readonly extensionUri: vscode.Uri,
    private readonly callbacks: PanelCallbacks,
    private selection: () => ModelSelection,
  ) {
    const created = performance.now();
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseWebviewMessage(raw);
        if (!message) {
          callbacks.log('warn', `ignored a malformed message from the webview: ${describe(raw)}`);
          return;
        }
        if (message.type === 'ready' && this.handshakeMs === undefined) {
          this.handshakeMs = performance.now() - created;
          callbacks.log('info', `webview ready ${this.handshakeMs.toFixed(0)} ms after the panel was created`);
        }
        void this.handle(message).catch((error: unknown) => callbacks.log('error', `handling '${message.type}' failed: ${String(error)}`));
      }),
      // Without retainContextWhenHidden the page is discarded while hidden and loads again (and says 'ready') when shown.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  get active(): boolean {
    return this.panel.active;
  }

  /** The model expression shown (undefined before the first graph). */
  get model(): string | undefined {
    return this.current?.graph.model ?? undefined;
  }

  get locked(): boolean {
    return this.isLocked;
  }

  set locked(locked: boolean) {
    this.isLocked = locked;
    this.updateTitle();
  }

  /** Shows another document from now on (an unlocked panel following the editor); its graph follows with showGraph. */
  retarget(documentUri: vscode.Uri): void {
    this.documentUri = documentUri;
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  /** Sends a new analysis; 'edit' keeps the webview's viewport and collapse state. */
  showGraph(graph: LayerGraph, options: ViewOptions, reason: 'open' | 'edit'): void {
    this.current = { graph, options };
    this.updateTitle();
    // A graph supersedes any graph still waiting for the handshake.
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]?.type === 'graph') this.queue.splice(i, 1);
    this.post({ type: 'graph', graph, options, reason });
  }

  private updateTitle(): void {
    const shown = this.current?.graph.model ?? basename(this.documentUri);
    this.panel.title = `NetLens · ${shown}${this.isLocked ? ' · locked' : ''}`;
  }

  /** Highlights the nodes at an editor line, except the echo of this panel's own reveal (which would move the
   *  graph from the clicked node to the first node sharing its source line, e.g. the same line in another block). */
  highlight(line: number): void {
    const echo = this.lastReveal && this.lastReveal.line === line && performance.now() - this.lastReveal.at < REVEAL_ECHO_MS;
    if (this.ready && !echo) this.post({ type: 'highlight', line });
  }

  command(command: 'expandAll' | 'collapseAll' | 'fit' | 'run'): void {
    this.post({ type: 'command', command });
  }

  dispose(): void {
    if (this.disposables.length === 0) return;
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.panel.dispose();
    this.disposedEmitter.fire();
    this.disposedEmitter.dispose();
  }

  private post(message: HostToWebview): void {
    if (!this.ready) {
      this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message).then(
      (delivered) => {
        if (!delivered) this.callbacks.log('warn', `message '${message.type}' was not delivered (panel hidden?)`);
      },
      (error: unknown) => this.callbacks.log('error', `postMessage failed: ${String(error)}`),
    );
  }

  private async handle(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        const pending = this.queue.splice(0);
        // A reloaded page (shown again after being hidden) needs the current graph even when nothing is queued.
        if (this.current && !pending.some((m) => m.type === 'graph')) {
          pending.unshift({ type: 'graph', graph: this.current.graph, options: this.current.options, reason: 'open' });
        }
        for (const queued of pending) this.post(queued);
        return;
      }
      case 'reveal':
        await this.revealInEditor(message.range);
        return;
      case 'selectModel':
        await this.callbacks.changeSelection(this.documentUri, { ...this.selection(), model: message.model });
        return;
      case 'setInput':
        await this.callbacks.changeSelection(this.documentUri, { ...this.selection(), input: message.input });
        return;
      case 'export':
        await this.saveExport(message.format, message.data);
        return;
      case 'runFinished':
        this.callbacks.runFinished(message.backend, message.totalMs, message.mismatches);
        return;
      case 'log':
        this.callbacks.log(message.level, `webview: ${message.message}`);
        return;
    }
  }

  /** Moves the cursor of the editor that shows this panel's document to the range (opening it if needed). */
  private async revealInEditor(range: SourceRange): Promise<void> {
    const target = toVsRange(range);
    // A node defined in an imported module opens that module, but only one the analysis itself imported: the
    // message comes from the webview and must not name any other file.
    if (range.file !== undefined) {
      if (!this.current?.graph.imports?.includes(range.file)) return;
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(range.file));
      await vscode.window.showTextDocument(document, { preserveFocus: true, selection: new vscode.Range(target.start, target.start) });
      return;
    }
    this.lastReveal = { line: range.line, at: performance.now() };
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.documentUri.toString());
    if (editor) {
      editor.selection = new vscode.Selection(target.start, target.start);
      editor.revealRange(target, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      return;
    }
    const document = await vscode.workspace.openTextDocument(this.documentUri);
    const column = this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
    await vscode.window.showTextDocument(document, { viewColumn: column, preserveFocus: true, selection: new vscode.Range(target.start, target.start) });
  }

  private async saveExport(format: 'svg' | 'png', data: string): Promise<void> {
    let bytes: Uint8Array;
    if (format === 'svg') {
      bytes = new TextEncoder().encode(data);
    } else {
      const match = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(data);
      if (!match?.[1]) {
        this.callbacks.log('warn', 'ignored a PNG export that is not a base64 PNG data URL');
        return;
      }
      bytes = Buffer.from(match[1], 'base64');
    }
    const model = (this.current?.graph.model ?? 'model').replace(/\(.*$/s, '').replace(/[^\w.-]+/g, '_') || 'model';
    const name = `${basename(this.documentUri).replace(/\.py$/, '')}-${model}.${format}`;
    const folder =
      this.documentUri.scheme === 'untitled'
        ? vscode.workspace.workspaceFolders?.[0]?.uri
        : this.documentUri.with({ path: this.documentUri.path.replace(/\/[^/]*$/, '') || '/' });
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
      title: `Export architecture as ${format.toUpperCase()}`,
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, bytes);
    this.callbacks.log('info', `exported ${format.toUpperCase()} (${bytes.length} bytes) to ${target.toString(true)}`);
  }

  private html(): string {
    const webview = this.panel.webview;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    return buildWebviewHtml({
      cspSource: webview.cspSource,
      nonce: createNonce((size) => randomBytes(size)),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview', 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview', 'main.css')).toString(),
      distUri: `${webview.asWebviewUri(dist).toString()}/`,
      title: `NetLens · ${basename(this.documentUri)}`,
    });
  }
}

function basename(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.path;
}

function describe(raw: unknown): string {
  try {
    return (JSON.stringify(raw) ?? String(raw)).slice(0, 200);
  } catch {
    return typeof raw;
  }
}
