// Export of the drawing as a standalone SVG (computed styles inlined) or a PNG rendered through a canvas.

const STYLE_PROPERTIES = [
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'stroke-linecap', 'stroke-linejoin',
  'opacity', 'font-family', 'font-size', 'font-weight', 'font-style', 'visibility', 'display', 'marker-end', 'marker-start', 'paint-order',
];

/** Serialises the drawing with every computed style inlined, sized to the content bounds. */
export function exportSvg(svg: SVGSVGElement, content: { width: number; height: number }, background: string): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const sources = svg.querySelectorAll<SVGElement>('*');
  const targets = clone.querySelectorAll<SVGElement>('*');
  sources.forEach((source, i) => {
    const target = targets[i];
    const computed = getComputedStyle(source);
    const declarations = STYLE_PROPERTIES.map((name) => `${name}:${computed.getPropertyValue(name)}`).filter((d) => !d.endsWith(':'));
    target.setAttribute('style', declarations.join(';'));
    target.removeAttribute('class');
  });
  const viewportGroup = clone.querySelector('.viewport, [data-viewport]');
  viewportGroup?.removeAttribute('transform');
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(Math.ceil(content.width)));
  clone.setAttribute('height', String(Math.ceil(content.height)));
  clone.setAttribute('viewBox', `0 0 ${Math.ceil(content.width)} ${Math.ceil(content.height)}`);
  clone.removeAttribute('style');
  clone.removeAttribute('class');
  const backdrop = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  backdrop.setAttribute('width', '100%');
  backdrop.setAttribute('height', '100%');
  backdrop.setAttribute('fill', background);
  clone.insertBefore(backdrop, clone.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
}

/** Largest canvas side browsers reliably allocate. */
const MAX_CANVAS_SIDE = 16_000;

/** Renders SVG text to a PNG data URL (scaled down when the drawing exceeds the canvas limits). */
export async function svgToPng(svgText: string, content: { width: number; height: number }, pixelRatio = 2): Promise<string> {
  const scale = Math.min(pixelRatio, MAX_CANVAS_SIDE / Math.max(1, content.width), MAX_CANVAS_SIDE / Math.max(1, content.height));
  const image = new Image();
  image.decoding = 'async';
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.floor(content.width * scale));
  canvas.height = Math.max(1, Math.floor(content.height * scale));
  const context = canvas.getContext('2d');
  if (!context) throw new Error('Canvas 2D is not available');
  context.scale(scale, scale);
  context.drawImage(image, 0, 0, content.width, content.height);
  return canvas.toDataURL('image/png');
}

/** Saves text or a data URL as a download (standalone page). */
export function download(fileName: string, data: string, mime: string): void {
  const link = document.createElement('a');
  const url = data.startsWith('data:') ? data : URL.createObjectURL(new Blob([data], { type: mime }));
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  if (!data.startsWith('data:')) setTimeout(() => URL.revokeObjectURL(url), 1000);
}
