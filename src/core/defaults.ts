// The one table of user-facing defaults and bounds: the extension's settings, the CLI, the webview and the forward pass read it.
// package.json's `contributes.configuration` repeats these values for VS Code; test/unit/defaults.test.ts keeps the two equal.
import type { ViewOptions } from '../protocol';

/** Defaults of the `netlens.*` settings, by setting name without the prefix. */
export const SETTING_DEFAULTS = {
  defaultInputShape: '',
  collapseDepth: 1,
  nodeDetails: { shapes: true, params: true, macs: false },
  runMemoryBudgetMiB: 2048,
  liveDiagnostics: true,
  extraPaths: [] as readonly string[],
  pythonPath: '',
} as const;

/**
 * Defaults of the command line where they differ from the editor's: `netlens run` is a process of its own (a failed
 * allocation cannot take an editor down), so its memory budget goes up to the 4 GiB a wasm heap can address.
 */
export const CLI_DEFAULTS = {
  runMemoryBudgetMiB: 4096,
} as const;

/** Accepted ranges of the numeric settings (values outside are clamped or replaced by the default). */
export const SETTING_BOUNDS = {
  collapseDepth: { minimum: 0, maximum: 64 },
  runMemoryBudgetMiB: { minimum: 16, maximum: 65536 },
} as const;

/** The view options a graph is shown with when nothing says otherwise. */
export function defaultViewOptions(): ViewOptions {
  const { collapseDepth, nodeDetails, runMemoryBudgetMiB } = SETTING_DEFAULTS;
  return { collapseDepth, showShapes: nodeDetails.shapes, showParams: nodeDetails.params, showMacs: nodeDetails.macs, runMemoryBudgetMiB };
}
