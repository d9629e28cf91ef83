// Human formatting of shapes and counts shared by the CLI, the host UI and the webview.
import type { Shape } from './graph/ir';

/** `1×64×56×56`; unknown dimensions print as `?`; an unknown shape prints as `?`. */
export function formatShape(shape: Shape | null | undefined): string {
  if (!shape) return '?';
  if (shape.length === 0) return 'scalar';
  return shape.map((d) => (d === null ? '?' : String(d))).join('×');
}

/** `25,557,032` */
export function formatInteger(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Compact count with an SI suffix: `11.7 M`, `230 K`, `1.82 G`, `512`. */
export function formatCompact(value: number): string {
  const abs = Math.abs(value);
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'K']];
  for (const [scale, suffix] of units) {
    if (abs >= scale) {
      const scaled = value / scale;
      const digits = Math.abs(scaled) >= 100 ? 0 : Math.abs(scaled) >= 10 ? 1 : 2;
      return `${scaled.toFixed(digits)} ${suffix}`;
    }
  }
  return String(Math.round(value));
}
