// The NetLens commands: show the architecture (choosing the model at the cursor or from a quick pick) and panel toolbar actions.
import * as vscode from 'vscode';
import type { ModelCandidate } from '../core/graph/ir';
import type { AnalysisService } from './analysisService';
import type { DocumentController } from './documentController';
import { candidateAtLine } from './modelAtCursor';
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
}

/** Decides which model to show: an explicit one, the one around the cursor, a remembered one, or the user's pick. */
async function chooseModel(
  document: vscode.TextDocument,
  editor: vscode.TextEditor | undefined,
  analysis: AnalysisService,
): Promise<{ model: string | undefined } | undefined> {
  const candidates = await analysis.candidates(document);
  if (editor) {
    const lines = document.getText().split(/\r?\n/);
    const atCursor = candidateAtLine(candidates, lines, editor.selection.active.line + 1);
    if (atCursor) return { model: atCursor.expr };
  }
  const remembered = analysis.selection(document.uri).model;
  if (remembered !== undefined) return { model: remembered };
  if (candidates.length <= 1) return { model: candidates[0]?.expr };
  return pickModel(document, candidates, analysis);
}

async function pickModel(document: vscode.TextDocument, candidates: ModelCandidate[],
  analysis: AnalysisService): Promise<{ model: string | undefined } | undefined> {
  const defaultGraph = (await analysis.analyze(document, { ...analysis.selection(document.uri), model: undefined })).graph;
  const defaultModel = defaultGraph.model ?? undefined;
  const items: CandidatePick[] = candidates.map((candidate) => ({
    label: candidate.expr,
    description: `${candidate.kind} · line ${candidate.line}${candidate.expr === defaultModel ? ' · default' : ''}`,
    model: candidate.expr,
  }));
  // The model NetLens would choose by itself comes first, so Enter takes it.
  items.sort((a, b) => Number(b.model === defaultModel) - Number(a.model === defaultModel));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'NetLens: which model?',
    placeHolder: 'Pick the model class or function to show (place the cursor inside one to skip this)',
    matchOnDescription: true,
  });
  return picked ? { model: picked.model } : undefined;
}

export function registerCommands(analysis: AnalysisService, controller: DocumentController, panels: PanelManager): vscode.Disposable[] {
  const disposables = [
    vscode.commands.registerCommand('netlens.showArchitecture', async (uriArgument?: unknown, modelArgument?: unknown) => {
      const editor = vscode.window.activeTextEditor;
      const uri = uriArgument instanceof vscode.Uri ? uriArgument : editor?.document.uri;
      if (!uri) {
        void vscode.window.showInformationMessage('NetLens: open a Python file that defines a PyTorch model first.');
        return;
      }
      const document = await vscode.workspace.openTextDocument(uri);
      if (document.languageId !== 'python') {
        void vscode.window.showInformationMessage('NetLens: the architecture view works on Python files.');
        return;
      }
      const explicit = typeof modelArgument === 'string' && modelArgument.length > 0 ? modelArgument : undefined;
      const sameEditor = editor?.document.uri.toString() === uri.toString() ? editor : undefined;
      const choice = explicit !== undefined ? { model: explicit } : await chooseModel(document, sameEditor, analysis);
      if (!choice) return;
      await controller.show(document, { ...analysis.selection(uri), model: choice.model });
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
