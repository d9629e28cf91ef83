// Loads TensorFlow.js on demand in the webview and picks a backend: WebGL, then WASM (when its files are reachable), then CPU;
// WASM first where WebGL is rendered in software (SwiftShader, llvmpipe), about 10× faster there.
import type { Tf } from '../../src/core/ops/types';

export type BackendChoice = 'auto' | 'webgl' | 'wasm' | 'cpu';

export interface LoadedBackend {
  tf: Tf;
  /** The backend in use: 'webgl' | 'wasm' | 'cpu'. */
  name: string;
  /** Human label, e.g. "WebGL · SwiftShader" or "CPU (WebGL unavailable)". */
  label: string;
  /** Why preferred backends were skipped. */
  notes: string[];
}

let tfPromise: Promise<Tf> | undefined;

/** tfjs-core and its cpu/webgl backends, evaluated only when the first run starts (the graph paints without them). */
function loadTf(): Promise<Tf> {
  tfPromise ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    await import('@tensorflow/tfjs-backend-webgl');
    tf.enableProdMode();
    return tf as unknown as Tf;
  })();
  return tfPromise;
}

/** Where the tfjs .wasm files are served from: the extension's dist/ folder in VS Code; none in the standalone page. */
export function wasmBaseUrl(): string | undefined {
  const base = document.body.dataset.distUri;
  return base ? (base.endsWith('/') ? base : `${base}/`) : undefined;
}

let wasmRegistered: Promise<boolean> | undefined;

async function registerWasm(base: string): Promise<boolean> {
  wasmRegistered ??= (async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Name every binary explicitly so the threaded build (not shipped) is never requested.
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': `${base}tfjs-backend-wasm.wasm`,
      'tfjs-backend-wasm-simd.wasm': `${base}tfjs-backend-wasm-simd.wasm`,
      'tfjs-backend-wasm-threaded-simd.wasm': `${base}tfjs-backend-wasm-simd.wasm`,
    });
    return true;
  })().catch(() => false);
  return wasmRegistered;
}

function webglRenderer(tf: Tf): string | undefined {
  try {
    const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } };
    const gl = backend.gpgpu?.gl;
    if (!gl) return undefined;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
    return typeof renderer === 'string' ? renderer.replace(/\s*\(.*\)\s*$/, '').slice(0, 60) : undefined;
  } catch {
    return undefined;
  }
}

async function tryBackend(tf: Tf, name: string): Promise<string | undefined> {
  try {
    if (!(await tf.setBackend(name))) return 'did not start';
    await tf.ready();
    // A tiny computation proves the backend really works (a lost or blocked WebGL context fails here).
    const probe = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])));
    const values = await probe.data();
    probe.dispose();
    return values[0] === 4 && values[1] === 6 ? undefined : 'gave wrong results';
  } catch (error) {
    return error instanceof Error ? error.message.slice(0, 120) : String(error);
  }
}

const LABELS: Record<string, string> = { webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

/** Renderer names of WebGL implemented on the CPU (Chromium's SwiftShader, Mesa's llvmpipe/softpipe, Windows' WARP). */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render|microsoft basic/i;

/** The WebGL renderer's name when it is a software one (read from a throwaway context), else undefined. */
export function softwareWebglRenderer(): string | undefined {
  try {
    const canvas = document.createElement('canvas');
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return undefined;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    const match = SOFTWARE_RENDERER.exec(renderer);
    return match ? match[0] : undefined;
  } catch {
    return undefined;
  }
}

/** Activates the chosen backend, or the first that works in auto mode (WebGL → WASM → CPU; WASM first on software WebGL). */
export async function loadBrowserBackend(choice: BackendChoice): Promise<LoadedBackend> {
  const tf = await loadTf();
  const base = wasmBaseUrl();
  const notes: string[] = [];
  const software = choice === 'auto' && base ? softwareWebglRenderer() : undefined;
  if (software) notes.push(`WebGL is rendered in software (${software}): WASM preferred`);
  const order = choice !== 'auto' ? [choice, ...(choice === 'cpu' ? [] : ['cpu'])] : software ? ['wasm', 'webgl', 'cpu'] : ['webgl', 'wasm', 'cpu'];
  for (const name of order) {
    if (name === 'wasm') {
      if (!base) {
        notes.push('WASM unavailable in the standalone page');
        continue;
      }
      if (!(await registerWasm(base))) {
        notes.push('WASM failed to load');
        continue;
      }
    }
    const problem = await tryBackend(tf, name);
    if (problem) {
      notes.push(`${LABELS[name] ?? name} ${problem}`);
      continue;
    }
    const renderer = name === 'webgl' ? webglRenderer(tf) : undefined;
    const label = `${LABELS[name] ?? name}${renderer ? ` · ${renderer}` : ''}`;
    return { tf, name, label, notes };
  }
  throw new Error(`No TensorFlow.js backend could start (${notes.join('; ')}).`);
}
