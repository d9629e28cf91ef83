// Desktop VS Code integration tests: activation, the panel's handshake, diagnostics of a broken example, CodeLens and hover.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NetLensApi } from '../../../../src/extension';

const EXAMPLES = process.env.NETLENS_EXAMPLES ?? path.resolve(__dirname, '..', '..', 'examples');
const EXTENSION_ID = 'netlens.netlens';

async function poll<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function lineOf(file: string, text: string): number {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  const index = lines.findIndex((line) => line.includes(text) && /^\s/.test(line));
  assert.ok(index >= 0, `${file} has no indented line containing ${text}`);
  return index;
}

describe('NetLens in desktop VS Code', () => {
  const resnet = vscode.Uri.file(path.join(EXAMPLES, 'resnet.py'));
  const broken = vscode.Uri.file(path.join(EXAMPLES, 'broken_shortcut.py'));
  let api: NetLensApi;

  it('activates when a Python file opens and reports its activation time', async () => {
    const extension = vscode.extensions.getExtension<NetLensApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(resnet));
    api = await poll('activation', () => extension.isActive && extension.exports);
    assert.ok(api.activationMs > 0 && Number.isFinite(api.activationMs));
  });

  it('opens the architecture panel and completes the webview handshake', async () => {
    await vscode.commands.executeCommand('netlens.showArchitecture', resnet, 'resnet18()');
    const handshake = await poll('the webview ready message', () => api.handshakeMs(resnet));
    assert.ok(handshake > 0);
  });

  it('reports the shortcut error of the broken example at the `out += identity` line', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(broken));
    const expectedLine = lineOf(broken.fsPath, 'out += identity');
    const errors = await poll('NetLens diagnostics', () => {
      const found = vscode.languages.getDiagnostics(broken).filter((d) => d.source === 'NetLens' && d.severity === vscode.DiagnosticSeverity.Error);
      return found.length > 0 && found;
    });
    assert.ok(errors.some((d) => d.range.start.line === expectedLine),
      `errors at ${errors.map((d) => d.range.start.line + 1).join(', ')}, expected ${expectedLine + 1}`);
    assert.ok(errors.some((d) => (d.relatedInformation ?? []).length > 0), 'no related __init__ locations attached');
  });

  it('provides a CodeLens with parameter and MAC counts above the model functions', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', resnet, 100);
    const titles = lenses.map((lens) => lens.command?.title ?? '').filter((title) => title.startsWith('Show architecture'));
    assert.ok(titles.length >= 5, `expected a lens per model candidate, got: ${titles.join(' | ')}`);
    assert.ok(titles.some((title) => /params · .* MACs/.test(title)), titles.join(' | '));
  });

  it('shows output shape, params and MACs when hovering a layer call in forward', async () => {
    const line = lineOf(resnet.fsPath, 'out = self.conv1(x)');
    const column = fs.readFileSync(resnet.fsPath, 'utf8').split(/\r?\n/)[line]!.indexOf('conv1') + 1;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', resnet, new vscode.Position(line, column));
    const text = hovers.flatMap((hover) => hover.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /conv1/);
    assert.match(text, /output/);
    assert.match(text, /MACs/);
  });
});
