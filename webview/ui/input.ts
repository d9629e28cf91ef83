// Pointer and keyboard input on the drawing: clicks (toggle, select, reveal), hover cards and view shortcuts.
import type { GraphIndex } from '../graph-index';
import type { Viewport } from '../viewport';
import type { WebviewToHost } from '../../src/protocol';
import { escapeHtml } from '../../src/core/format';
import { Tooltip, groupTooltip, nodeTooltip } from './tooltip';

export interface InputHost {
  svg: SVGSVGElement;
  viewport: Viewport;
  tooltip: Tooltip;
  index(): GraphIndex | undefined;
  toggleGroup(groupId: string): void;
  select(id: string | undefined): void;
  post(message: WebviewToHost): void;
  fit(): void;
  focusSearch(): void;
}

/** Click a group header to collapse it, a collapsed box to expand it, a node to select it and reveal its source line. */
export function wirePointer(host: InputHost): void {
  const { svg, tooltip } = host;
  svg.addEventListener('click', (event) => {
    const index = host.index();
    if (host.viewport.suppressClick || !index) return;
    const target = event.target as Element;
    const toggle = target.closest<SVGElement>('[data-toggle]');
    if (toggle) return host.toggleGroup(toggle.dataset.toggle!);
    const collapsed = target.closest<SVGElement>('[data-collapsed]');
    if (collapsed) return host.toggleGroup(collapsed.dataset.id!);
    const nodeElement = target.closest<SVGElement>('[data-node]');
    if (nodeElement) {
      const node = index.nodeById.get(nodeElement.dataset.id!);
      host.select(node?.id);
      const range = node?.callRange ?? node?.defRange;
      if (range) host.post({ type: 'reveal', range });
      return;
    }
    host.select(undefined);
  });
  // Keyboard: Tab moves between boxes and group headers; Enter or Space acts like a click.
  svg.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    const item = (event.target as Element).closest('[data-toggle], [data-collapsed], [data-node]');
    if (!item) return;
    event.preventDefault();
    item.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  });
  svg.addEventListener('pointermove', (event) => {
    const index = host.index();
    if (!index || event.buttons) return tooltip.hide();
    const item = (event.target as Element).closest<SVGElement>('[data-node], [data-collapsed], [data-toggle], [data-edge]');
    if (!item) return tooltip.hide();
    const id = item.dataset.toggle ?? item.dataset.id;
    const html = item.dataset.node !== undefined ? nodeTooltip(index, id!)
      : item.dataset.edge !== undefined ? (item.dataset.title ? `<div class="nl-tip-title">${escapeHtml(item.dataset.title)}</div>` : '')
      : groupTooltip(index, id!, item.dataset.collapsed !== undefined);
    if (html) tooltip.show(html, id ?? item.dataset.edge ?? '', event.clientX, event.clientY);
    else tooltip.hide();
  });
  svg.addEventListener('pointerleave', () => tooltip.hide());
  window.addEventListener('resize', () => tooltip.hide());
}

/** Ctrl/⌘+F search, Ctrl/⌘+0 fit, + and − zoom (not while typing in a field). */
export function wireKeys(host: InputHost): void {
  window.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'f') { event.preventDefault(); host.focusSearch(); }
    if ((event.target as Element).closest?.('vscode-textfield, input, textarea')) return;
    if (event.key === '0' && (event.ctrlKey || event.metaKey)) { event.preventDefault(); host.fit(); }
    if ((event.key === '=' || event.key === '+') && !event.altKey) host.viewport.zoomBy(1.25);
    if (event.key === '-' && !event.altKey) host.viewport.zoomBy(0.8);
  });
}
