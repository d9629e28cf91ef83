// Geometry of a finished layout: box, group and edge positions in drawing coordinates.

export interface Rect { x: number; y: number; width: number; height: number }
export interface Point { x: number; y: number }

export interface LayoutResult {
  boxes: Map<string, Rect>;
  groups: Map<string, Rect>;
  /** Polyline of each routed edge (identity-shortcut lanes are routed later, by the painter). */
  edges: Map<string, Point[]>;
  width: number;
  height: number;
  layoutMs: number;
  /** Which layout produced it: the instant chain layout or elkjs. */
  engine: 'chain' | 'elk';
}
