// Extension entry point: registers NetLens's commands, providers and listeners, and logs how long activation took.
import * as vscode from 'vscode';
import { AnalysisService } from './host/analysisService';
import { registerCommands } from './host/commands';
import { ModelCodeLensProvider } from './host/codeLens';
import { DiagnosticPublisher } from './host/diagnostics';
import { DocumentController } from './host/documentController';
import { LayerHoverProvider } from './host/hover';
import { PanelManager, restoredTarget } from './host/panelManager';
import { PANEL_VIEW_TYPE } from './host/panel';
import { readSettings, type HostSettings } from './host/settings';
import { ModelStatusBar } from './host/statusBar';
import { ExpressionMemory } from './host/modelExpression';

/** What activate returns: used by the integration tests (and available to other extensions). */
export interface NetLensApi {
  /** Milliseconds spent in activate(). */
  activationMs: number;
  /** Milliseconds from creating the panel of this document to the webview's ready message, once it arrived. */
  handshakeMs(uri: vscode.Uri): number | undefined;
}

export function activate(context: vscode.ExtensionContext): NetLensApi {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('NetLens', { log: true });
  const log = (message: string): void => output.info(message);

  let settings: HostSettings = currentSettings(output);
  const analysis = new AnalysisService(() => settings, log, context.workspaceState);
  const diagnostics = new DiagnosticPublisher();
  const statusBar = new ModelStatusBar();
  // eslint-disable-next-line prefer-const -- the panel callbacks above its assignment read it (undefined until then)
  let controller: DocumentController | undefined;
  const panels = new PanelManager(
    context.extensionUri,
    {
      changeSelection: (uri, selection) => controller?.changeSelection(uri, selection) ?? Promise.resolve(),
      runFinished: (backend, totalMs, mismatches) => {
        statusBar.showRun(backend, totalMs, mismatches);
        log(`forward pass on ${backend}: ${totalMs.toFixed(1)} ms, ${mismatches} shape mismatches`);
      },
      log: (level, message) => (level === 'error' ? output.error(message) : level === 'warn' ? output.warn(message) : output.info(message)),
    },
    (uri) => analysis.selection(uri),
  );
  const lenses = new ModelCodeLensProvider(analysis);
  controller = new DocumentController(analysis, diagnostics, statusBar, panels, lenses, () => settings, log);

  context.subscriptions.push(
    output,
    analysis,
    diagnostics,
    statusBar,
    panels,
    controller,
    ...controller.register(),
    ...registerCommands(analysis, controller, panels, new ExpressionMemory(context.workspaceState)),
    lenses,
    vscode.languages.registerCodeLensProvider({ language: 'python' }, lenses),
    // Panels open before a reload come back with their file and model; the webview's own state restores the view.
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const target = restoredTarget(state);
        if (!target || !controller) {
          webviewPanel.dispose();
          return;
        }
        try {
          const document = await vscode.workspace.openTextDocument(vscode.Uri.file(target.file));
          panels.adopt(webviewPanel, document.uri);
          await controller.show(document, { ...analysis.selection(document.uri), model: target.model });
          log(`restored the panel of ${target.model ?? 'the default model'} in ${target.file}`);
        } catch (error) {
          log(`could not restore a panel of ${target.file}: ${String(error)}`);
          webviewPanel.dispose();
        }
      },
    }),
    vscode.languages.registerHoverProvider({ language: 'python' }, new LayerHoverProvider(analysis)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('netlens')) return;
      settings = currentSettings(output);
      analysis.clearResults();
      controller?.refreshAll();
    }),
  );
  // Analyse what is already open after activation returns, so activation itself stays short.
  setTimeout(() => controller?.refreshAll(), 0);

  const activationMs = performance.now() - started;
  log(`NetLens activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs, handshakeMs: (uri) => panels.get(uri)?.handshakeMs };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

function currentSettings(output: vscode.LogOutputChannel): HostSettings {
  const configuration = vscode.workspace.getConfiguration('netlens');
  const settings = readSettings({
    defaultInputShape: configuration.get('defaultInputShape'),
    collapseDepth: configuration.get('collapseDepth'),
    nodeDetails: configuration.get('nodeDetails'),
    runMemoryBudgetMiB: configuration.get('runMemoryBudgetMiB'),
    liveDiagnostics: configuration.get('liveDiagnostics'),
    extraPaths: configuration.get('extraPaths'),
    pythonPath: configuration.get('pythonPath'),
  });
  if (settings.inputShapeProblem) output.warn(settings.inputShapeProblem);
  return settings;
}
