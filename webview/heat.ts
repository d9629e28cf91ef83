// Heat map fill of drawn boxes (0..1 per node, e.g. time share from a forward pass); collapsed groups show their hottest node.
const SVG_NS = 'http://www.w3.org/2000/svg';

/** Colour of a heat value: pale amber to red, never so dark that the box's labels stop being readable. */
export function heatColour(value: number): string {
  const v = Math.min(1, Math.max(0, value));
  const hue = 45 - 45 * v;
  return `hsl(${hue.toFixed(0)} 90% ${(62 - 8 * v).toFixed(0)}%)`;
}

/** Opacity of the heat fill over the box: at most 0.5, so dark and light theme text stays legible on the hottest box. */
export function heatOpacity(value: number): number {
  return 0.12 + 0.38 * Math.min(1, Math.max(0, value));
}

/** Adds or removes the heat overlay rectangle of every drawn box. */
export function applyHeat(drawing: SVGGElement, heat: Map<string, number> | null, groupOf?: (nodeId: string) => string | undefined): void {
  drawing.querySelectorAll('rect.heat').forEach((rect) => rect.remove());
  drawing.querySelectorAll('.hot').forEach((element) => element.classList.remove('hot'));
  if (!heat) return;
  const byDrawn = new Map<string, number>();
  for (const [nodeId, value] of heat) {
    if (!Number.isFinite(value)) continue;
    const drawn = groupOf?.(nodeId) ?? nodeId;
    byDrawn.set(drawn, Math.max(byDrawn.get(drawn) ?? 0, value));
  }
  for (const [id, value] of byDrawn) {
    const element = drawing.querySelector<SVGGElement>(`[data-id="${CSS.escape(id)}"]:not(.group)`);
    const box = element?.querySelector<SVGRectElement>('rect.box');
    if (!element || !box) continue;
    const rect = document.createElementNS(SVG_NS, 'rect');
    rect.setAttribute('class', 'heat');
    for (const name of ['width', 'height', 'rx']) rect.setAttribute(name, box.getAttribute(name) ?? '0');
    rect.setAttribute('fill', heatColour(value));
    rect.setAttribute('fill-opacity', heatOpacity(value).toFixed(2));
    element.classList.toggle('hot', value >= 0.75);
    box.after(rect);
  }
}
