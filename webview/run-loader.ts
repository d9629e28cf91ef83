// The Run panel's place in the view: loads its bundle (run.js: the panel and TensorFlow.js) on first use, then mounts it.
import type { LayerGraph } from '../src/core/graph/ir';
import type { mountRunPanel, RunPanelHooks } from './run/panel';
import type {} from './run/entry';
import { loadScript } from './lazy';

export type MountRunPanel = typeof mountRunPanel;
type RunPanel = ReturnType<MountRunPanel>;

/** The Run panel's mount function, loading run.js the first time. */
export async function loadRunPanel(): Promise<MountRunPanel> {
  if (!window.__netlensRunBundle) await loadScript('run.js');
  const bundle = window.__netlensRunBundle;
  if (!bundle) throw new Error('run.js was loaded but did not start (see the console for its error)');
  return bundle.mountRunPanel;
}

/** Holds the (lazily mounted) Run panel of the graph on show; a new graph drops the old panel. */
export class RunPanelSlot {
  private panel: RunPanel | undefined;
  private loading: Promise<MountRunPanel> | undefined;

  /** `current` names the graph and hooks to mount on, read when the bundle has loaded (the graph may have changed). */
  constructor(private readonly host: HTMLElement, private readonly current: () => { graph: LayerGraph; hooks: RunPanelHooks } | undefined) {}

  run(): void {
    this.host.hidden = false;
    if (this.panel) this.panel.run();
    else void this.mountAndRun();
  }

  dispose(): void {
    this.panel?.dispose();
    this.panel = undefined;
  }

  private async mountAndRun(): Promise<void> {
    const loading = (this.loading ??= loadRunPanel());
    if (!this.host.firstChild) {
      this.host.dataset.runState = 'loading';
      this.host.textContent = 'Loading the forward pass…';
    }
    let mount: MountRunPanel;
    try {
      mount = await loading;
    } catch (error) {
      this.loading = undefined;
      this.host.dataset.runState = 'error';
      this.host.textContent = `The forward pass could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
      return;
    }
    const current = this.current();
    if (this.panel || !current) return;
    delete this.host.dataset.runState;
    this.host.replaceChildren();
    this.panel = mount(this.host, current.graph, current.hooks);
    this.panel.run();
  }
}
