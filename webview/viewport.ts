// Pan and zoom of the drawing: drag to pan, wheel to scroll, Ctrl/⌘+wheel or pinch to zoom, fit and centre helpers.
import type { Rect } from './geometry';

export interface ViewTransform { x: number; y: number; k: number }

/** Far enough out to see a 50,000-layer chain as its blocks. */
const MIN_SCALE = 0.002;
const MAX_SCALE = 3;

export class Viewport {
  transform: ViewTransform = { x: 0, y: 0, k: 1 };
  private drag: { x: number; y: number; startX: number; startY: number; moved: boolean } | undefined;
  /** True right after a drag, so the click that ends it does not select anything. */
  suppressClick = false;
  /** Told after every pan or zoom (the view is saved from it). */
  onChange: (() => void) | undefined;
  private readonly listeners: (() => void)[] = [];
  private restTimer: number | undefined;

  constructor(private readonly svg: SVGSVGElement, private readonly target: SVGGElement) {
    svg.addEventListener('wheel', (event) => this.onWheel(event), { passive: false });
    svg.addEventListener('pointerdown', (event) => this.onPointerDown(event));
    svg.addEventListener('pointermove', (event) => this.onPointerMove(event));
    svg.addEventListener('pointerup', (event) => this.onPointerUp(event));
    svg.addEventListener('pointercancel', () => { this.drag = undefined; });
  }

  get size(): { width: number; height: number } {
    const box = this.svg.getBoundingClientRect();
    return { width: Math.max(1, box.width), height: Math.max(1, box.height) };
  }

  apply(): void {
    const { x, y, k } = this.transform;
    this.target.setAttribute('transform', `translate(${x.toFixed(2)},${y.toFixed(2)}) scale(${k.toFixed(5)})`);
    for (const listener of this.listeners) listener();
    // While the view moves the drawing is its own compositor layer (a pan frame then repaints nothing); once it rests, the
    // layer goes, so the drawing is painted again crisp at its new scale.
    this.svg.classList.add('nl-moving');
    window.clearTimeout(this.restTimer);
    this.restTimer = window.setTimeout(() => this.svg.classList.remove('nl-moving'), 200);
    this.onChange?.();
  }

  /** Told after every change of the view, before onChange (the drawing follows the view through it). */
  listen(listener: () => void): void {
    this.listeners.push(listener);
  }

  set(transform: ViewTransform): void {
    this.transform = { ...transform, k: clamp(transform.k, MIN_SCALE, MAX_SCALE) };
    this.apply();
  }

  /** Zooms by a factor around a point in screen (svg client) coordinates; the centre by default. */
  zoomBy(factor: number, at?: { x: number; y: number }): void {
    const { width, height } = this.size;
    const px = at?.x ?? width / 2;
    const py = at?.y ?? height / 2;
    const { x, y, k } = this.transform;
    const nk = clamp(k * factor, MIN_SCALE, MAX_SCALE);
    this.set({ k: nk, x: px - ((px - x) * nk) / k, y: py - ((py - y) * nk) / k });
  }

  /** Shows the whole drawing; never magnifies beyond 1. */
  fit(content: { width: number; height: number }, margin = 16): void {
    const { width, height } = this.size;
    const k = clamp(Math.min((width - 2 * margin) / Math.max(1, content.width), (height - 2 * margin) / Math.max(1, content.height), 1), MIN_SCALE, 1);
    this.set({ k, x: (width - content.width * k) / 2, y: Math.max(margin, (height - content.height * k) / 2) });
  }

  /** First view of a drawing: the whole width at a legible scale, starting from the top (centred on `axisX`) when tall. */
  initial(content: { width: number; height: number }, axisX?: number): void {
    const { width, height } = this.size;
    const k = clamp(Math.min(1, (width - 32) / Math.max(1, content.width)), 0.35, 1);
    if (content.height * k <= height - 32) return this.fit(content);
    // Keep the whole width on screen when it fits; otherwise keep the axis in the middle as far as the edges allow.
    const spare = width - 16 - content.width * k;
    const target = axisX === undefined ? (width - content.width * k) / 2 : width / 2 - axisX * k;
    this.set({ k, x: clamp(target, Math.min(16, spare), Math.max(16, spare)), y: 8 });
  }

  /** Scrolls so that a rect of the drawing is centred, keeping the scale unless it does not fit. */
  centerOn(rect: Rect, minScale = 0.6): void {
    const { width, height } = this.size;
    const k = clamp(Math.max(this.transform.k, minScale), MIN_SCALE, MAX_SCALE);
    this.set({ k, x: width / 2 - (rect.x + rect.width / 2) * k, y: height / 2 - (rect.y + rect.height / 2) * k });
  }

  /** Where a point of the drawing appears on screen. */
  toScreen(point: { x: number; y: number }): { x: number; y: number } {
    const { x, y, k } = this.transform;
    return { x: point.x * k + x, y: point.y * k + y };
  }

  /** Moves the view so that a drawing point sits at a given screen position (keeps the view steady across re-layouts). */
  pin(point: { x: number; y: number }, screen: { x: number; y: number }): void {
    const { k } = this.transform;
    this.set({ k, x: screen.x - point.x * k, y: screen.y - point.y * k });
  }

  private onWheel(event: WheelEvent): void {
    event.preventDefault();
    const box = this.svg.getBoundingClientRect();
    const lineScale = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? box.height : 1;
    if (event.ctrlKey || event.metaKey) {
      this.zoomBy(Math.exp(-event.deltaY * lineScale * 0.0022), { x: event.clientX - box.left, y: event.clientY - box.top });
      return;
    }
    const dx = (event.shiftKey && !event.deltaX ? event.deltaY : event.deltaX) * lineScale;
    const dy = (event.shiftKey && !event.deltaX ? 0 : event.deltaY) * lineScale;
    this.set({ ...this.transform, x: this.transform.x - dx, y: this.transform.y - dy });
  }

  private onPointerDown(event: PointerEvent): void {
    if (event.button !== 0 && event.button !== 1) return;
    this.drag = { x: event.clientX, y: event.clientY, startX: this.transform.x, startY: this.transform.y, moved: false };
  }

  private onPointerMove(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    if (!drag.moved) {
      drag.moved = true;
      this.svg.setPointerCapture(event.pointerId);
      this.svg.classList.add('panning');
    }
    this.set({ ...this.transform, x: drag.startX + dx, y: drag.startY + dy });
  }

  private onPointerUp(event: PointerEvent): void {
    const drag = this.drag;
    this.drag = undefined;
    this.svg.classList.remove('panning');
    if (drag?.moved) {
      this.suppressClick = true;
      if (this.svg.hasPointerCapture(event.pointerId)) this.svg.releasePointerCapture(event.pointerId);
      setTimeout(() => { this.suppressClick = false; }, 0);
    }
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
