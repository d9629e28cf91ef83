// The NetLens commands: show the architecture (choosing the model at the cursor or from a quick pick) and panel toolbar actions.
import * as vscode from 'vscode';
import type { ModelCandidate } from '../core/graph/ir';
import type { AnalysisService } from './analysisService';
import type { DocumentController } from './documentController';
import { candidateAtLine } from './modelAtCursor';
import { modelClasses } from './modelClasses';
import { askModelExpression, type ExpressionMemory } from './modelExpression';
import type { PanelManager } from './panelManager';

type PanelCommand = 'expandAll' | 'collapseAll' | 'fit' | 'run';

const PANEL_COMMANDS: Record<string, PanelCommand> = {
  'netlens.expandAll': 'expandAll',
  'netlens.collapseAll': 'collapseAll',
  'netlens.fitToView': 'fit',
  'netlens.runForwardPass': 'run',
};

interface CandidatePick extends vscode.QuickPickItem {
  model: string | undefined;
  /** The "Enter a model expression…" entry. */
  enter?: boolean;
}

/** The expression entry for a document: its recent expressions, its models and the constructors of its classes. */
async function enterExpression(document: vscode.TextDocument, analysis: AnalysisService, memory: ExpressionMemory,
  prefill?: string): Promise<{ model: string } | undefined> {
  const expr = await askModelExpression({
    recent: memory.recent(document.uri),
    candidates: await analysis.candidates(document),
    classes: modelClasses(document.getText()),
    prefill,
  });
  return expr === undefined ? undefined : { model: expr };
}

/** Decides which model to show: an explicit one, the one around the cursor, a remembered one, or the user's pick. */
async function chooseModel(
  document: vscode.TextDocument,
  editor: vscode.TextEditor | undefined,
  analysis: AnalysisService,
  memory: ExpressionMemory,
): Promise<{ model: string | undefined } | undefined> {
  const candidates = await analysis.candidates(document);
  if (editor) {
    const lines = document.getText().split(/\r?\n/);
    const atCursor = candidateAtLine(candidates, lines, editor.selection.active.line + 1);
    if (atCursor) return { model: atCursor.expr };
  }
  const remembered = analysis.selection(document.uri).model;
  if (remembered !== undefined) return { model: remembered };
  if (candidates.length === 1) return { model: candidates[0].expr };
  // Nothing NetLens can build by itself (every class needs arguments): ask for the expression.
  if (candidates.length === 0) return enterExpression(document, analysis, memory);
  return pickModel(document, candidates, analysis, memory);
}

async function pickModel(document: vscode.TextDocument, candidates: ModelCandidate[],
  analysis: AnalysisService, memory: ExpressionMemory): Promise<{ model: string | undefined } | undefined> {
  const defaultGraph = (await analysis.analyze(document, { ...analysis.selection(document.uri), model: undefined })).graph;
  const defaultModel = defaultGraph.model ?? undefined;
  const items: CandidatePick[] = candidates.map((candidate) => ({
    label: candidate.expr,
    description: `${candidate.kind} · line ${candidate.line}${candidate.expr === defaultModel ? ' · default' : ''}`,
    model: candidate.expr,
  }));
  // The model NetLens would choose by itself comes first, so Enter takes it.
  items.sort((a, b) => Number(b.model === defaultModel) - Number(a.model === defaultModel));
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator, model: undefined },
    { label: '$(edit) Enter a model expression…', description: 'any call that builds a model, e.g. ResNet(Bottleneck, [3, 4, 6, 3])', model: undefined,
      enter: true, alwaysShow: true });
  const picked = await vscode.window.showQuickPick(items, {
    title: 'NetLens: which model?',
    placeHolder: 'Pick the model class or function to show (place the cursor inside one to skip this)',
    matchOnDescription: true,
  });
  if (picked?.enter) return enterExpression(document, analysis, memory);
  return picked ? { model: picked.model } : undefined;
}

/** The Python document a command targets: the URI it was given, else the active editor's; undefined (and a message) if none. */
async function targetDocument(uriArgument: unknown): Promise<vscode.TextDocument | undefined> {
  const uri = uriArgument instanceof vscode.Uri ? uriArgument : vscode.window.activeTextEditor?.document.uri;
  if (!uri) {
    void vscode.window.showInformationMessage('NetLens: open a Python file that defines a PyTorch model first.');
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument(uri);
  if (document.languageId !== 'python') {
    void vscode.window.showInformationMessage('NetLens: the architecture view works on Python files.');
    return undefined;
  }
  return document;
}

export function registerCommands(analysis: AnalysisService, controller: DocumentController, panels: PanelManager,
  memory: ExpressionMemory): vscode.Disposable[] {
  const disposables = [
    vscode.commands.registerCommand('netlens.enterModelExpression', async (uriArgument?: unknown, prefillArgument?: unknown) => {
      const document = await targetDocument(uriArgument);
      if (!document) return;
      const choice = await enterExpression(document, analysis, memory, typeof prefillArgument === 'string' ? prefillArgument : undefined);
      if (!choice) return;
      await memory.remember(document.uri, choice.model);
      await controller.show(document, { ...analysis.selection(document.uri), model: choice.model });
    }),
    vscode.commands.registerCommand('netlens.showArchitecture', async (uriArgument?: unknown, modelArgument?: unknown) => {
      const editor = vscode.window.activeTextEditor;
      const document = await targetDocument(uriArgument);
      if (!document) return;
      const uri = document.uri;
      const explicit = typeof modelArgument === 'string' && modelArgument.length > 0 ? modelArgument : undefined;
      const sameEditor = editor?.document.uri.toString() === uri.toString() ? editor : undefined;
      const choice = explicit !== undefined ? { model: explicit } : await chooseModel(document, sameEditor, analysis, memory);
      if (!choice) return;
      const known = (await analysis.candidates(document)).some((candidate) => candidate.expr === choice.model);
      if (choice.model !== undefined && !known) await memory.remember(uri, choice.model);
      await controller.show(document, { ...analysis.selection(uri), model: choice.model });
    }),
    // A second panel, pinned to the model it opens with (the first keeps following the editor).
    vscode.commands.registerCommand('netlens.showArchitectureToSide', async (uriArgument?: unknown) => {
      const document = await targetDocument(uriArgument);
      if (!document) return;
      await controller.show(document, analysis.selection(document.uri), true);
      const panel = panels.target();
      if (panel) panel.locked = true;
    }),
    vscode.commands.registerCommand('netlens.togglePanelLock', () => {
      const panel = panels.target();
      if (!panel) return;
      panel.locked = !panel.locked;
      void vscode.window.setStatusBarMessage(panel.locked ? 'NetLens: panel locked to this model' : 'NetLens: panel follows the active editor', 4000);
    }),
  ];
  for (const [id, command] of Object.entries(PANEL_COMMANDS)) {
    disposables.push(
      vscode.commands.registerCommand(id, () => {
        const panel = panels.target();
        if (!panel) {
          void vscode.window.showInformationMessage('NetLens: show an architecture first (NetLens: Show Architecture).');
          return;
        }
        panel.reveal();
        panel.command(command);
      }),
    );
  }
  return disposables;
}
