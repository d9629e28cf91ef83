// The legend: edge styles (data, identity shortcut, projection shortcut, error) and op category colours.
import { CATEGORY_LABELS } from '../categories';
import { escapeHtml } from '../../src/core/format';

export function createLegend(): HTMLElement {
  const element = document.createElement('details');
  element.className = 'nl-legend';
  const line = (cls: string, label: string): string =>
    `<li><svg width="34" height="10" aria-hidden="true"><path class="legend-line ${cls}" d="M1,5 H33"/></svg>${escapeHtml(label)}</li>`;
  const swatch = (category: string, label: string): string =>
    `<li><span class="legend-swatch cat-${category}"></span>${escapeHtml(label)}</li>`;
  element.innerHTML = `<summary>Legend</summary><ul>` +
    line('data', 'Data flow (shape below the source, batch omitted)') +
    line('identity', 'Identity shortcut (beside its block)') +
    line('projection', 'Projection shortcut (through downsample)') +
    line('error', 'Shape error') +
    `</ul><ul class="legend-cats">${CATEGORY_LABELS.map(([category, label]) => swatch(category, label)).join('')}</ul>`;
  return element;
}
