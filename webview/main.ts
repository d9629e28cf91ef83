// Webview entry: starts the view in VS Code (message handshake) or standalone (graph embedded in the page).
import type { HostToWebview, WebviewToHost } from '../src/protocol';
import { App } from './app';
import { graphSizeProblem, parseHostMessage } from './validate';
import type { StateStore } from './persist';

interface VsCodeApi { postMessage(message: unknown): void; getState(): unknown; setState(state: unknown): void }
declare global {
  interface Window {
    __netlensPosted?: WebviewToHost[];
    __netlensApp?: App;
    /** The page's API for tests and tools: counts of what the view shows (see the README). */
    netlens?: { counts(): ReturnType<App['counts']> };
  }
  function acquireVsCodeApi(): VsCodeApi;
}

function createPoster(): { post: (message: WebviewToHost) => void; standalone: boolean; store?: StateStore } {
  if (typeof acquireVsCodeApi === 'function') {
    const api = acquireVsCodeApi();
    return { post: (message) => api.postMessage(message), standalone: false, store: { get: () => api.getState(), set: (state) => api.setState(state) } };
  }
  const posted: WebviewToHost[] = (window.__netlensPosted = []);
  document.body.classList.add('nl-standalone');
  return {
    standalone: true,
    post: (message) => {
      posted.push(message);
      console.log('netlens:post', JSON.stringify(message).slice(0, 2000));
    },
  };
}

function handle(app: App, message: HostToWebview): void {
  switch (message.type) {
    case 'graph':
      void app.setGraph(message.graph, message.options, message.reason);
      return;
    case 'highlight':
      void app.highlightLine(message.line);
      return;
    case 'command':
      switch (message.command) {
        case 'expandAll': void app.expandAll(); return;
        case 'collapseAll': void app.collapseAll(); return;
        case 'fit': app.fit(); return;
        case 'run': app.run(); return;
      }
  }
}

/** Why a graph message from the host was refused for its size (null for any other refusal). */
function tooLarge(data: unknown): string | null {
  const message = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  return message.type === 'graph' ? graphSizeProblem(message.graph) : null;
}

function start(): void {
  performance.mark('netlens-start');
  const root = document.getElementById('app') ?? document.body.appendChild(Object.assign(document.createElement('div'), { id: 'app' }));
  document.body.dataset.ready = 'false';
  const { post, standalone, store } = createPoster();
  const app = new App(root, post, standalone, store);
  window.__netlensApp = app;
  window.netlens = { counts: () => app.counts() };
  window.addEventListener('message', (event: MessageEvent) => {
    const message = parseHostMessage(event.data);
    if (message) handle(app, message);
    else if (tooLarge(event.data)) app.showFatal(tooLarge(event.data)!);
    else post({ type: 'log', level: 'warn', message: 'Ignored a message of the wrong form' });
  });
  const embedded = document.getElementById('netlens-data');
  if (embedded) {
    let data: unknown;
    try {
      data = JSON.parse(embedded.textContent ?? '');
    } catch {
      data = undefined;
    }
    const record = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
    const message = parseHostMessage({ type: 'graph', graph: record.graph, options: record.options, reason: 'open' });
    if (message) handle(app, message);
    else app.showFatal(graphSizeProblem(record.graph) ?? 'The embedded graph is not a valid NetLens LayerGraph.');
  }
  post({ type: 'ready' });
}

// The page puts #app (and the embedded graph) before this script and the lazily loaded files after it:
// start as soon as #app exists instead of waiting for the parser to pass those files.
if (document.readyState !== 'loading' || document.getElementById('app')) start();
else document.addEventListener('DOMContentLoaded', start, { once: true });
