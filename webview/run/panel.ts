// The Run panel: runs a real forward pass in the webview (WebGL → WASM → CPU), profiles layers and blocks, paints heat.
import type { LayerGraph } from '../../src/core/graph/ir';
import { formatCompact, formatGflops, formatMs, formatShape } from '../../src/core/format';
import { SETTING_DEFAULTS } from '../../src/core/defaults';
import { estimateMemory, formatBytes, type MemoryEstimate } from '../../src/core/run/memory';
import { planProgram } from '../../src/core/run/plan';
import { floatWeightBytes } from '../../src/core/run/weights';
import { LayerFailedError, RunCancelledError, RunRefusedError } from '../../src/core/run/errors';
import type { ForwardReport } from '../../src/core/run/report';
import { prepareRun, runForward } from '../../src/core/run/forward';
import { loadBrowserBackend, type BackendChoice } from './backend';
import { SortableTable, type TimedRow } from './table';
import { injectRunPanelStyles } from './styles';

export interface RunPanelHooks {
  setNodeHeat(heat: Map<string, number> | null): void;
  focusNode(nodeId: string): void;
  /** Memory budget in MiB (ViewOptions.runMemoryBudgetMiB); SETTING_DEFAULTS.runMemoryBudgetMiB when absent. */
  memoryBudgetMiB?: number;
  /** Told when a run completes (the host shows it in the status bar). */
  onFinished?(summary: { backend: string; totalMs: number; mismatches: number }): void;
}

export type RunState = 'idle' | 'running' | 'done' | 'error' | 'cancelled';

/** What the page exposes for tests and tools after each run (window.__netlensRun). */
export interface RunSnapshot {
  state: RunState;
  backend?: string;
  totalMs?: number;
  plainMs?: number;
  output?: number[];
  /** The first 4096 output values, PyTorch order. */
  outputSample?: number[];
  mismatches?: number;
  error?: string;
}

declare global {
  interface Window {
    __netlensRun?: RunSnapshot;
  }
}


function staticEstimate(graph: LayerGraph): MemoryEstimate | string {
  try {
    return estimateMemory(planProgram(graph), floatWeightBytes(graph));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function layerRows(report: ForwardReport): TimedRow[] {
  return report.layers.map((layer, order) => ({
    order,
    nodeId: layer.nodeId,
    name: layer.path || '(model)',
    indent: 0,
    type: layer.op,
    shape: formatShape(layer.shape),
    mismatch: layer.mismatch ? `Static analysis: ${formatShape(layer.staticShape)} · forward pass: ${formatShape(layer.shape)} (a NetLens engine bug)`
      : undefined,
    params: layer.params,
    macs: layer.macs,
    ms: layer.ms,
    share: layer.share,
    gflops: layer.gflops,
  }));
}

function blockRows(report: ForwardReport, graph: LayerGraph): TimedRow[] {
  return report.blocks.map((block, order) => {
    const first = graph.nodes.find((node) => node.path === block.path || node.path.startsWith(`${block.path}.`));
    const last = [...report.layers].reverse().find((layer) => layer.path.startsWith(`${block.path}.`) || layer.path === block.path);
    const mismatched = report.layers.some((layer) => layer.mismatch && (layer.path === block.path || layer.path.startsWith(`${block.path}.`)));
    return {
      order,
      nodeId: first?.id,
      name: block.path,
      indent: block.depth - 1,
      type: block.className,
      shape: last ? formatShape(last.shape) : '',
      mismatch: mismatched ? 'A layer inside has a runtime shape that differs from the static analysis' : undefined,
      params: block.params,
      macs: block.macs,
      ms: block.ms,
      share: block.share,
      gflops: block.gflops,
    };
  });
}

export function mountRunPanel(container: HTMLElement, graph: LayerGraph, hooks: RunPanelHooks): { run(): void; dispose(): void } {
  injectRunPanelStyles();
  const budget = hooks.memoryBudgetMiB ?? SETTING_DEFAULTS.runMemoryBudgetMiB;
  const root = document.createElement('div');
  root.className = 'nlr';
  root.dataset.runState = 'idle';
  root.innerHTML = `
    <div class="nlr-head">
      <span class="nlr-title">Forward pass</span>
      <span class="nlr-badge" data-role="backend" title="TensorFlow.js backend in use">not started</span>
      <span class="nlr-memory" data-role="memory"></span>
      <span class="nlr-spacer"></span>
      <label class="nlr-control" title="Backend: Auto tries WebGL, then WASM, then CPU">Backend
        <select data-role="choice"><option value="auto">Auto</option><option value="webgl">WebGL</option><option value="wasm">WASM</option><option
          value="cpu">CPU</option></select></label>
      <label class="nlr-control" title="Timed runs per layer after one warm-up; the median is reported">Runs
        <input data-role="runs" type="number" min="1" max="50" value="3"></label>
      <button data-role="start">Run</button>
      <button data-role="cancel" class="secondary" hidden>Cancel</button>
      <button data-role="close" class="secondary icon" title="Close the panel and clear the heat map">✕</button>
    </div>
    <div class="nlr-progress" data-role="progress" hidden><div class="nlr-track"><div class="nlr-fill"></div></div><span data-role="progress-text"></span></div>
    <div data-role="message" hidden></div>
    <div class="nlr-summary" data-role="summary" hidden></div>
    <div data-role="results" hidden>
      <div class="nlr-tabs" role="tablist"><button data-tab="blocks" aria-selected="true">Blocks</button><button data-tab="layers"
        aria-selected="false">Layers</button></div>
      <div class="nlr-table-wrap" data-role="table"></div>
    </div>`;
  container.replaceChildren(root);
  const get = <T extends HTMLElement>(role: string): T => root.querySelector(`[data-role="${role}"]`) as T;
  const backendBadge = get<HTMLElement>('backend');
  const memoryText = get<HTMLElement>('memory');
  const choice = get<HTMLSelectElement>('choice');
  const runsInput = get<HTMLInputElement>('runs');
  const startButton = get<HTMLButtonElement>('start');
  const cancelButton = get<HTMLButtonElement>('cancel');
  const progress = get<HTMLElement>('progress');
  const progressFill = progress.querySelector<HTMLElement>('.nlr-fill') as HTMLElement;
  const progressText = get<HTMLElement>('progress-text');
  const message = get<HTMLElement>('message');
  const summary = get<HTMLElement>('summary');
  const results = get<HTMLElement>('results');
  const tableHost = get<HTMLElement>('table');

  const pick = (row: TimedRow): void => {
    if (row.nodeId) hooks.focusNode(row.nodeId);
  };
  const tables = { blocks: new SortableTable(pick, 'blocks'), layers: new SortableTable(pick, 'layers') };
  let tab: 'blocks' | 'layers' = 'blocks';
  const showTab = (next: 'blocks' | 'layers'): void => {
    tab = next;
    root.querySelectorAll<HTMLElement>('[data-tab]').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.tab === next)));
    tableHost.replaceChildren(tables[next].element);
  };
  root.querySelector('.nlr-tabs')?.addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLElement>('[data-tab]');
    if (button) showTab(button.dataset.tab as 'blocks' | 'layers');
  });

  const estimate = staticEstimate(graph);
  const estimateOk = typeof estimate !== 'string';
  memoryText.textContent = estimateOk
    ? `≈ ${formatBytes(estimate.totalBytes)} of ${budget} MiB${estimate.incomplete ? ' (some shapes unknown)' : ''}`
    : '';
  memoryText.className = 'nlr-badge';
  if (estimateOk && estimate.totalBytes > budget * 1024 * 1024) memoryText.dataset.over = 'true';
  memoryText.title = estimateOk ? `Estimated memory: weights ${formatBytes(estimate.weightBytes)} + activations ${formatBytes(estimate.activationBytes)}` : '';

  let controller: AbortController | undefined;
  let disposed = false;

  const setState = (state: RunState, snapshot: Omit<RunSnapshot, 'state'> = {}): void => {
    root.dataset.runState = state;
    window.__netlensRun = { state, ...snapshot };
    const running = state === 'running';
    startButton.hidden = running;
    cancelButton.hidden = !running;
    choice.disabled = running;
    runsInput.disabled = running;
    progress.hidden = !running;
    startButton.textContent = state === 'idle' ? 'Run' : 'Run again';
  };
  const showMessage = (text: string | null, kind: 'error' | 'warning' | 'info' = 'info'): void => {
    message.hidden = !text;
    message.className = `nlr-message ${kind}`;
    message.textContent = text ?? '';
  };
  const stat = (value: string, label: string, className = '', title = ''): string =>
    `<div class="nlr-stat"${title ? ` title="${title}"` : ''}><b class="${className}">${value}</b><span>${label}</span></div>`;

  const showReport = (report: ForwardReport): void => {
    const gflops = report.totalMs > 0 ? (2 * graph.macs) / (report.totalMs * 1e6) : 0;
    const checked = report.layers.length - report.unchecked;
    const shapes = report.mismatches.length === 0
      ? stat(`✓ ${checked}/${report.layers.length}`, 'shapes confirmed', 'nlr-ok')
      : stat(`⚠ ${report.mismatches.length}`, 'shape mismatches', 'nlr-mismatch');
    summary.innerHTML =
      stat(`${formatMs(report.totalMs)} ms`, `sum of layer medians (${report.runs} runs)`, '',
        report.syncOverheadMs > 0 ? `Each layer's time excludes a ${formatMs(report.syncOverheadMs)} ms read-back round trip, measured when idle` : '') +
      stat(`${formatMs(report.plainMs)} ms`, 'plain pass') +
      stat(formatGflops(gflops) || '–', 'GFLOP/s') +
      stat(formatCompact(graph.macs), 'MACs') +
      stat(formatShape(report.output), 'output') +
      shapes;
    summary.hidden = false;
    if (report.mismatches.length > 0) {
      message.hidden = false;
      message.className = 'nlr-message error';
      message.innerHTML = '<b>Runtime shapes differ from the static analysis (a NetLens engine bug):</b><ul class="nlr-mismatches"></ul>';
      const list = message.querySelector('ul') as HTMLElement;
      for (const mismatch of report.mismatches) {
        const item = document.createElement('li');
        item.textContent = `${mismatch.path} (${mismatch.op}): static ${formatShape(mismatch.static)}, runtime ${formatShape(mismatch.runtime)}`;
        list.append(item);
      }
    } else if (report.outputStats.nonFinite > 0) {
      showMessage(`The output has ${report.outputStats.nonFinite} NaN/Inf values.`, 'warning');
    } else if (report.notes.length > 0) {
      showMessage(report.notes.length > 3 ? `${report.notes.slice(0, 3).join(' ')} (${report.notes.length - 3} more like these)`
        : report.notes.join(' '), 'info');
    }
    tables.blocks.setRows(blockRows(report, graph));
    tables.layers.setRows(layerRows(report));
    showTab(report.blocks.length > 0 ? tab : 'layers');
    results.hidden = false;
    const slowest = report.layers.reduce((most, layer) => Math.max(most, layer.ms), 1e-9);
    hooks.setNodeHeat(new Map(report.layers.map((layer) => [layer.nodeId, layer.ms / slowest])));
  };

  const start = async (): Promise<void> => {
    if (controller || disposed) return;
    controller = new AbortController();
    const signal = controller.signal;
    showMessage(null);
    setState('running');
    progressFill.style.width = '0%';
    progressText.textContent = 'Preparing weights…';
    try {
      // Let the progress line paint before the (synchronous) weight generation of a large model.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      // Refusals (unknown op, memory budget) come before TensorFlow.js is even loaded.
      // "Auto" is decided when TensorFlow.js loads: until then the estimate assumes the costliest backend.
      const chosen = choice.value as BackendChoice;
      const prepared = prepareRun(graph, { seed: 0, memoryBudgetMiB: budget, memoryBackend: chosen === 'auto' ? undefined : chosen });
      progressText.textContent = 'Loading TensorFlow.js…';
      const backend = await loadBrowserBackend(chosen);
      backendBadge.textContent = backend.label;
      backendBadge.dataset.backend = backend.name;
      backendBadge.title = backend.notes.length ? `Skipped: ${backend.notes.join('; ')}` : 'TensorFlow.js backend in use';
      const runs = Math.min(50, Math.max(1, Math.round(Number(runsInput.value)) || 3));
      const report = await runForward(backend.tf, graph, {
        runs,
        warmup: 1,
        plainRuns: runs,
        memoryBudgetMiB: budget,
        prepared,
        signal,
        yieldEveryMs: 40,
        onProgress: (p) => {
          progressFill.style.width = `${(p.fraction * 100).toFixed(1)}%`;
          progressText.textContent = `${p.message} · ${Math.round(p.fraction * 100)}%`;
        },
      });
      if (disposed) return;
      showReport(report);
      setState('done', {
        backend: report.backend,
        totalMs: report.totalMs,
        plainMs: report.plainMs,
        output: report.output,
        outputSample: Array.from(report.outputData.subarray(0, 4096)),
        mismatches: report.mismatches.length,
      });
      hooks.onFinished?.({ backend: report.backend, totalMs: report.totalMs, mismatches: report.mismatches.length });
    } catch (error) {
      if (disposed) return;
      if (error instanceof RunCancelledError) {
        showMessage('Cancelled.', 'warning');
        setState('cancelled');
      } else {
        const text = error instanceof Error ? error.message : String(error);
        showMessage(error instanceof RunRefusedError ? text : `The forward pass failed: ${text}`, 'error');
        const nodeId = error instanceof RunRefusedError || error instanceof LayerFailedError ? error.nodeId : undefined;
        if (nodeId) hooks.focusNode(nodeId);
        setState('error', { error: text });
      }
    } finally {
      controller = undefined;
    }
  };

  startButton.addEventListener('click', () => void start());
  cancelButton.addEventListener('click', () => controller?.abort());
  get<HTMLButtonElement>('close').addEventListener('click', () => {
    controller?.abort();
    hooks.setNodeHeat(null);
    container.hidden = true;
  });
  setState('idle');

  return {
    run(): void {
      container.hidden = false;
      void start();
    },
    dispose(): void {
      disposed = true;
      controller?.abort();
      hooks.setNodeHeat(null);
      container.replaceChildren();
    },
  };
}
