// Second webview bundle (dist/webview/run.js): the Run panel and TensorFlow.js, evaluated only when a forward pass is first asked for.
import { mountRunPanel } from './panel';

declare global {
  interface Window {
    /** Set by run.js when it is evaluated; read by the main bundle (webview/run-loader.ts). */
    __netlensRunBundle?: { mountRunPanel: typeof mountRunPanel };
  }
}

window.__netlensRunBundle = { mountRunPanel };
