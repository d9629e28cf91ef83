// Reads the netlens.* settings into typed values; the parsing is pure so it can be tested without VS Code.
import type { ViewOptions } from '../protocol';
import { SETTING_BOUNDS, SETTING_DEFAULTS } from '../core/defaults';

/** The raw values as VS Code's configuration returns them (anything may be of the wrong type in settings.json). */
export interface RawSettings {
  defaultInputShape?: unknown;
  collapseDepth?: unknown;
  nodeDetails?: unknown;
  runMemoryBudgetMiB?: unknown;
  liveDiagnostics?: unknown;
  extraPaths?: unknown;
  pythonPath?: unknown;
}

export interface HostSettings {
  /** Input shape to analyse with when the file does not say; undefined = let the analysis decide. */
  defaultInput: number[] | undefined;
  /** A message when `defaultInputShape` could not be read (shown once in the output channel). */
  inputShapeProblem: string | undefined;
  view: ViewOptions;
  liveDiagnostics: boolean;
  /** More folders to resolve imports from (relative ones against the workspace folder). */
  extraPaths: string[];
  /** The Python environment whose installed packages are read; '' = the Python extension's interpreter, if any. */
  pythonPath: string;
}

const MAX_DIM = 1 << 20;

/** Parses "1,3,224,224" (also "1x3x224x224", "(1, 3, 224, 224)"); empty means automatic. */
export function parseInputShape(text: string): { shape?: number[]; problem?: string } {
  const trimmed = text.trim().replace(/^[([]|[)\]]$/g, '').trim();
  if (trimmed === '') return {};
  const parts = trimmed.split(/\s*[,x×]\s*|\s+/);
  const dims = parts.map((part) => (/^\d+$/.test(part) ? Number(part) : NaN));
  if (dims.length < 1 || dims.length > 6 || dims.some((d) => !Number.isInteger(d) || d < 1 || d > MAX_DIM)) {
    return { problem: `netlens.defaultInputShape "${text}" is not a list of 1 to 6 positive integers such as 1,3,224,224; using automatic input` };
  }
  return { shape: dims };
}

function booleanOr(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/** Turns raw configuration values into settings, falling back to defaults for anything malformed. */
export function readSettings(raw: RawSettings): HostSettings {
  const input = typeof raw.defaultInputShape === 'string' ? parseInputShape(raw.defaultInputShape) : {};
  const depth = raw.collapseDepth;
  const depthBounds = SETTING_BOUNDS.collapseDepth;
  const collapseDepth: number | 'all' =
    depth === 'all' ? 'all'
      : typeof depth === 'number' && Number.isFinite(depth) && depth >= depthBounds.minimum ? Math.min(Math.floor(depth), depthBounds.maximum)
      : SETTING_DEFAULTS.collapseDepth;
  const details = typeof raw.nodeDetails === 'object' && raw.nodeDetails !== null ? (raw.nodeDetails as Record<string, unknown>) : {};
  const budget = raw.runMemoryBudgetMiB;
  const budgetBounds = SETTING_BOUNDS.runMemoryBudgetMiB;
  const shown = SETTING_DEFAULTS.nodeDetails;
  return {
    defaultInput: input.shape,
    inputShapeProblem: input.problem,
    view: {
      collapseDepth,
      showShapes: booleanOr(details.shapes, shown.shapes),
      showParams: booleanOr(details.params, shown.params),
      showMacs: booleanOr(details.macs, shown.macs),
      runMemoryBudgetMiB: typeof budget === 'number' && Number.isFinite(budget) && budget >= budgetBounds.minimum
        ? Math.min(budget, budgetBounds.maximum)
        : SETTING_DEFAULTS.runMemoryBudgetMiB,
    },
    liveDiagnostics: booleanOr(raw.liveDiagnostics, SETTING_DEFAULTS.liveDiagnostics),
    extraPaths: Array.isArray(raw.extraPaths) ? raw.extraPaths.filter((p): p is string => typeof p === 'string' && p.trim() !== '')
      : [...SETTING_DEFAULTS.extraPaths],
    pythonPath: typeof raw.pythonPath === 'string' ? raw.pythonPath.trim() : SETTING_DEFAULTS.pythonPath,
  };
}

/** True when the source declares its own input (`# netlens: input=1,3,32,32`), which then wins over the setting. */
export function sourceDeclaresInput(source: string): boolean {
  return /#\s*netlens\s*:\s*input\s*=/.test(source);
}
