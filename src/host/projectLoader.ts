// What the analysis worker needs to read a document's imports: its project's folders, the Python environment, unsaved text.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FileLoaderConfig } from '../node/fileModuleLoader';
import type { HostSettings } from './settings';

/** How long NetLens waits for the Python extension to name the selected interpreter before going on without it. */
const PYTHON_EXTENSION_TIMEOUT_MS = 1500;

interface PythonExtensionApi {
  environments?: { getActiveEnvironmentPath?(resource?: vscode.Uri): { path?: string } | undefined };
  settings?: { getExecutionDetails?(resource?: vscode.Uri): { execCommand?: string[] } | undefined };
}

/** The interpreter the Python extension has selected for the document, if that extension is installed. */
async function selectedInterpreter(uri: vscode.Uri): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!extension) return undefined;
  try {
    const api = extension.isActive
      ? extension.exports
      : await Promise.race([extension.activate(), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), PYTHON_EXTENSION_TIMEOUT_MS))]);
    const fromEnvironments = api?.environments?.getActiveEnvironmentPath?.(uri)?.path;
    if (fromEnvironments) return fromEnvironments;
    return api?.settings?.getExecutionDetails?.(uri)?.execCommand?.[0];
  } catch {
    // The Python extension's API failed or changed: analyse without an environment rather than not at all.
    return undefined;
  }
}

/**
 * The loader description for a document on disk: its workspace folders and `netlens.extraPaths` as more import roots,
 * `netlens.pythonPath` (else the Python extension's interpreter) as the environment, and every unsaved Python buffer.
 * Documents that are not files (untitled, virtual) get none: only NetLens's native modules and stubs are importable.
 */
export async function loaderConfigFor(document: vscode.TextDocument, settings: HostSettings): Promise<FileLoaderConfig | undefined> {
  if (document.uri.scheme !== 'file') return undefined;
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const base = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? path.dirname(document.uri.fsPath);
  const extraPaths = [...settings.extraPaths.map((p) => path.resolve(base, p)), ...folders];
  const pythonPath = settings.pythonPath ? path.resolve(base, settings.pythonPath) : await selectedInterpreter(document.uri);
  const buffers: Record<string, string> = {};
  for (const open of vscode.workspace.textDocuments) {
    if (open.isDirty && open.uri.scheme === 'file' && open.languageId === 'python') buffers[open.uri.fsPath] = open.getText();
  }
  return { entry: document.uri.fsPath, extraPaths, ...(pythonPath ? { pythonPath } : {}), buffers };
}
