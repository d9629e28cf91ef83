// Structural validation of untrusted messages the webview receives: malformed ones are refused, never half-used.
import type { HostToWebview, ViewOptions } from '../src/protocol';
import type { LayerGraph } from '../src/core/graph/ir';
import { defaultViewOptions } from '../src/core/defaults';

const DEFAULT_OPTIONS: ViewOptions = defaultViewOptions();

/**
 * Most items of one kind the view accepts: far above what an analysis produces within its step budget (the view draws 50,000
 * layers as fast as 500), it only bounds the memory a malformed message can make the page take.
 */
export const MAX_ITEMS = 2_000_000;

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isShape = (v: unknown): boolean => Array.isArray(v) && v.length <= 16 && v.every((d) => d === null || isNum(d));
const isShapeOrNull = (v: unknown): boolean => v === null || v === undefined || isShape(v);
const isRange = (v: unknown): boolean =>
  isRec(v) && isNum(v.line) && isNum(v.column) && isNum(v.endLine) && isNum(v.endColumn) && (v.file === undefined || isStr(v.file));
const isOptRange = (v: unknown): boolean => v === undefined || isRange(v);
const arrayOf = (v: unknown, item: (x: unknown) => boolean): boolean => Array.isArray(v) && v.length <= MAX_ITEMS && v.every(item);

const isNode = (v: unknown): boolean =>
  isRec(v) && isStr(v.id) && isStr(v.op) && isStr(v.category) && isStr(v.path) && (v.group === null || isStr(v.group)) && isNum(v.params) && isNum(v.macs) &&
  isShapeOrNull(v.outputShape) && (v.summary === undefined || isStr(v.summary)) && isOptRange(v.defRange) && isOptRange(v.callRange) &&
  (v.inputShapes === undefined || arrayOf(v.inputShapes, isShapeOrNull));
const isEdge = (v: unknown): boolean =>
  isRec(v) && isStr(v.id) && isStr(v.from) && isStr(v.to) && (v.kind === 'data' || v.kind === 'shortcut') && isShapeOrNull(v.shape);
const isGroup = (v: unknown): boolean =>
  isRec(v) && isStr(v.id) && isStr(v.path) && isStr(v.className) && (v.parent === null || isStr(v.parent)) && isNum(v.params) && isNum(v.macs) &&
  isOptRange(v.defRange) && isOptRange(v.classRange);
const isShortcut = (v: unknown): boolean =>
  isRec(v) && isStr(v.id) && isStr(v.path) && (v.kind === 'identity' || v.kind === 'projection') && isStr(v.nodeId) && isStr(v.fromNodeId) &&
  isStr(v.edgeId) && arrayOf(v.shortcutNodeIds, isStr) && arrayOf(v.shapes, isShapeOrNull);
const isDiagnostic = (v: unknown): boolean =>
  isRec(v) && (v.severity === 'error' || v.severity === 'warning' || v.severity === 'info') && isStr(v.message) && isStr(v.code) && isRange(v.range);
const isModel = (v: unknown): boolean => isRec(v) && isStr(v.expr) && isStr(v.name);

/** True when `value` has the LayerGraph structure the webview reads. */
export function isLayerGraph(value: unknown): value is LayerGraph {
  if (!isRec(value)) return false;
  return isStr(value.file) && (value.model === null || isStr(value.model)) && arrayOf(value.models, isModel) && isShape(value.input) &&
    isShapeOrNull(value.output) && isNum(value.params) && isNum(value.macs) && arrayOf(value.nodes, isNode) && arrayOf(value.edges, isEdge) &&
    arrayOf(value.groups, isGroup) && arrayOf(value.shortcuts, isShortcut) && arrayOf(value.diagnostics, isDiagnostic);
}

/** The graph's item lists past the size the view accepts, said in words (null when none is): a reason, not "invalid". */
export function graphSizeProblem(value: unknown): string | null {
  if (!isRec(value)) return null;
  const over = (['nodes', 'edges', 'groups', 'shortcuts', 'diagnostics'] as const)
    .filter((key) => Array.isArray(value[key]) && (value[key] as unknown[]).length > MAX_ITEMS)
    .map((key) => `${(value[key] as unknown[]).length.toLocaleString('en-US')} ${key}`);
  if (over.length === 0) return null;
  return `This graph is too large to show: ${over.join(', ')} (the view shows at most ${MAX_ITEMS.toLocaleString('en-US')} of each). ` +
    'Use "netlens check" for its table, or analyse a smaller model.';
}

/** Fills missing or malformed options with defaults. */
export function readOptions(value: unknown): ViewOptions {
  const o = isRec(value) ? value : {};
  const depth =
    o.collapseDepth === 'all' ? 'all' : isNum(o.collapseDepth) && o.collapseDepth >= 0 ? Math.floor(o.collapseDepth) : DEFAULT_OPTIONS.collapseDepth;
  return {
    collapseDepth: depth,
    showShapes: typeof o.showShapes === 'boolean' ? o.showShapes : DEFAULT_OPTIONS.showShapes,
    showParams: typeof o.showParams === 'boolean' ? o.showParams : DEFAULT_OPTIONS.showParams,
    showMacs: typeof o.showMacs === 'boolean' ? o.showMacs : DEFAULT_OPTIONS.showMacs,
    runMemoryBudgetMiB: isNum(o.runMemoryBudgetMiB) && o.runMemoryBudgetMiB > 0 ? o.runMemoryBudgetMiB : DEFAULT_OPTIONS.runMemoryBudgetMiB,
  };
}

/** Validates a message from the host; undefined for anything of the wrong form. */
export function parseHostMessage(message: unknown): HostToWebview | undefined {
  if (!isRec(message)) return undefined;
  switch (message.type) {
    case 'graph':
      if (!isLayerGraph(message.graph)) return undefined;
      return { type: 'graph', graph: message.graph, options: readOptions(message.options), reason: message.reason === 'edit' ? 'edit' : 'open' };
    case 'highlight':
      return isNum(message.line) && message.line >= 1 ? { type: 'highlight', line: Math.floor(message.line) } : undefined;
    case 'command':
      return message.command === 'expandAll' || message.command === 'collapseAll' || message.command === 'fit' || message.command === 'run'
        ? { type: 'command', command: message.command }
        : undefined;
    default:
      return undefined;
  }
}
