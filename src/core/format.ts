// Human formatting shared by the CLI, the host UI and the webview: shapes, counts, times, rates, and HTML escaping.
import type { Shape } from './graph/ir';

/** `1×64×56×56`; unknown dimensions print as `?`; an unknown shape prints as `?`. */
export function formatShape(shape: Shape | null | undefined): string {
  if (!shape) return '?';
  if (shape.length === 0) return 'scalar';
  return shape.map((d) => (d === null ? '?' : String(d))).join('×');
}

/** Shape without the batch dimension (the webview shows the batch once, in its header): `64×56×56`. */
export function formatCompactShape(shape: Shape | null | undefined): string {
  if (!shape) return '';
  if (shape.length <= 1) return formatShape(shape);
  return formatShape(shape.slice(1));
}

/** `25,557,032` */
export function formatInteger(value: number): string {
  // Past 2^53 toLocaleString rounds to 17 significant digits and pads with zeros; BigInt prints the double's exact value.
  if (!Number.isFinite(value)) return '?';
  const rounded = Math.round(value);
  return Number.isSafeInteger(rounded) ? rounded.toLocaleString('en-US') : BigInt(rounded).toLocaleString('en-US');
}

/** Three significant digits, trailing zeros kept: `1.80`, `11.7`, `590`; values below 1 get three decimals. */
function threeDigits(value: number): string {
  const abs = Math.abs(value);
  return value.toFixed(abs >= 99.95 ? 0 : abs >= 9.995 ? 1 : abs >= 0.9995 ? 2 : 3);
}

const UNITS: [number, string][] = [[1e24, 'Y'], [1e21, 'Z'], [1e18, 'E'], [1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'K']];

/** Compact count with an SI suffix and three significant digits: `590 K`, `11.7 M`, `1.80 G`, `512`; `?` when not finite. */
export function formatCompact(value: number): string {
  if (!Number.isFinite(value)) return '?';
  const abs = Math.abs(value);
  // Largest unit first; 999,950 reaches "1.00 M" rather than "1000 K".
  for (const [scale, suffix] of UNITS) if (abs >= scale * 0.9995) return `${threeDigits(value / scale)} ${suffix}`;
  return String(Math.round(value));
}

/** Milliseconds with three significant digits (three decimals below 1 ms); `–` when not measured. */
export function formatMs(ms: number): string {
  return Number.isFinite(ms) ? threeDigits(ms) : '–';
}

/** GFLOP/s with three significant digits; empty when there is no figure (no MACs or no time). */
export function formatGflops(gflops: number | undefined): string {
  return gflops ? threeDigits(gflops) : '';
}

/** A share of a total as a percentage with one decimal: `12.5%`. */
export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML or SVG markup and for quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]);
}
