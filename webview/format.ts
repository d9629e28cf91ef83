// Number, shape and text formatting shared by the webview's labels, tooltips and header.
import type { Shape } from '../src/core/graph/ir';

/** 230 K, 11.7 M, 1.8 G: three significant figures with an SI suffix. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '?';
  const abs = Math.abs(value);
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'K']];
  for (const [scale, suffix] of units) {
    if (abs >= scale) {
      const scaled = value / scale;
      const digits = Math.abs(scaled) >= 100 ? 0 : Math.abs(scaled) >= 10 ? 1 : 2;
      return `${Number(scaled.toFixed(digits))} ${suffix}`;
    }
  }
  return String(value);
}

/** Full shape with the batch: 1×64×56×56; unknown dimensions as '?'. */
export function formatShape(shape: Shape | null | undefined): string {
  if (!shape) return '?';
  if (shape.length === 0) return 'scalar';
  return shape.map((dim) => (dim === null ? '?' : String(dim))).join('×');
}

/** Shape without the batch dimension (shown once in the header): 64×56×56. */
export function formatCompactShape(shape: Shape | null | undefined): string {
  if (!shape) return '';
  if (shape.length <= 1) return formatShape(shape);
  return formatShape(shape.slice(1));
}

/** The last segment of a module path: `layer2.0.conv1` → `conv1`. */
export function lastSegment(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot >= 0 ? path.slice(dot + 1) : path;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML/SVG markup and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

/** Approximate rendered width of text in the webview's UI font, used to size boxes before layout. */
export function textWidth(text: string, fontSize: number): number {
  let units = 0;
  for (const ch of text) units += /[ilj.,:;'|!1 ]/.test(ch) ? 0.32 : /[mwMW@]/.test(ch) ? 0.85 : /[A-Z0-9×→]/.test(ch) ? 0.64 : 0.55;
  return units * fontSize;
}

/** Cuts text to fit a width, ending with an ellipsis when shortened. */
export function fitText(text: string, maxWidth: number, fontSize: number): string {
  if (textWidth(text, fontSize) <= maxWidth) return text;
  let cut = text;
  while (cut.length > 1 && textWidth(`${cut}…`, fontSize) > maxWidth) cut = cut.slice(0, -1);
  return `${cut}…`;
}
