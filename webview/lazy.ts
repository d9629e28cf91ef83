// Loads the parts of the view that first paint does not need (run panel + TensorFlow.js, layout worker source) on demand.

/** The nonce of the script that started the view: scripts added later must carry it to pass the page's CSP. */
const scriptNonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';

/**
 * Lazily loaded files live beside main.js: in the standalone page they are embedded as non-executing
 * `<script type="text/plain" data-netlens-asset="NAME">` elements; in VS Code they are served from dist/webview/.
 */
function embedded(name: string): HTMLScriptElement | null {
  return document.querySelector<HTMLScriptElement>(`script[type="text/plain"][data-netlens-asset="${CSS.escape(name)}"]`);
}

/** The view starts before the parser has reached the embedded files (they follow the main script): wait for it. */
function parsed(): Promise<void> {
  if (document.readyState !== 'loading') return Promise.resolve();
  return new Promise((resolve) => document.addEventListener('DOMContentLoaded', () => resolve(), { once: true }));
}

function assetUrl(name: string): string | undefined {
  const dist = document.body.dataset.distUri;
  if (!dist) return undefined;
  return `${dist.endsWith('/') ? dist : `${dist}/`}webview/${name}`;
}

function missing(name: string): Error {
  return new Error(`${name} is not available to this page (neither embedded nor served from the extension's dist/webview/)`);
}

/** The text of a lazily loaded file (embedded copy, else fetched from the extension). */
export async function loadAssetText(name: string): Promise<string> {
  await parsed();
  const element = embedded(name);
  if (element) return element.textContent ?? '';
  const url = assetUrl(name);
  if (!url) throw missing(name);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Could not load ${name}: HTTP ${response.status}`);
  return response.text();
}

const scripts = new Map<string, Promise<void>>();

/** Evaluates a lazily loaded script once, through a nonce'd <script> element (the CSP stays nonce-only). */
export function loadScript(name: string): Promise<void> {
  let pending = scripts.get(name);
  if (pending) return pending;
  pending = parsed().then(() => new Promise<void>((resolve, reject) => {
    const script = document.createElement('script');
    script.nonce = scriptNonce;
    script.dataset.netlensLoaded = name;
    const element = embedded(name);
    if (element) {
      // An inline script runs synchronously when it is attached; errors surface as window errors, checked by the caller.
      script.textContent = element.textContent ?? '';
      document.head.append(script);
      resolve();
      return;
    }
    const url = assetUrl(name);
    if (!url) { reject(missing(name)); return; }
    script.src = url;
    script.addEventListener('load', () => resolve(), { once: true });
    script.addEventListener('error', () => reject(new Error(`Could not load ${name} from the extension`)), { once: true });
    document.head.append(script);
  }));
  pending.catch(() => scripts.delete(name));
  scripts.set(name, pending);
  return pending;
}
