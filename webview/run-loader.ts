// Fetches and evaluates the Run panel bundle (run.js) on first use and hands back its mount function.
import type { mountRunPanel } from './run/panel';
import type {} from './run/entry';
import { loadScript } from './lazy';

export type MountRunPanel = typeof mountRunPanel;

/** The Run panel's mount function, loading run.js (the panel and TensorFlow.js) the first time. */
export async function loadRunPanel(): Promise<MountRunPanel> {
  if (!window.__netlensRunBundle) await loadScript('run.js');
  const bundle = window.__netlensRunBundle;
  if (!bundle) throw new Error('run.js was loaded but did not start (see the console for its error)');
  return bundle.mountRunPanel;
}
