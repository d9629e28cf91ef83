// Copies a tree-sitter tree into plain JS objects in one cursor walk (crossing into wasm as few times as possible).
import type { Tree } from 'web-tree-sitter';

/** A syntax node as plain data: type, field name under its parent, [s, e) UTF-16 offsets into the source, children. */
export interface PNode {
  t: string;
  f: string | null;
  named: boolean;
  missing: boolean;
  s: number;
  e: number;
  c: PNode[];
}

/** Walks the whole tree with a cursor; comments are returned separately (they are extras anywhere in the tree). */
export function toPlainTree(tree: Tree): { root: PNode; comments: PNode[] } {
  const cursor = tree.walk();
  const comments: PNode[] = [];
  const language = tree.language;
  // Type and field names by id, filled on first sight: one wasm call per node for each instead of two.
  const typeNames: (string | undefined)[] = [];
  const typeNamed: boolean[] = [];
  const fieldNames: (string | null | undefined)[] = [];
  const make = (): PNode => {
    const typeId = cursor.nodeTypeId;
    let t = typeNames[typeId];
    if (t === undefined) {
      t = cursor.nodeType;
      typeNames[typeId] = t;
      typeNamed[typeId] = cursor.nodeIsNamed;
    }
    const fieldId = cursor.currentFieldId;
    let f = fieldNames[fieldId];
    if (f === undefined) {
      f = fieldId === 0 ? null : language.fieldNameForId(fieldId);
      fieldNames[fieldId] = f;
    }
    const s = cursor.startIndex;
    const e = cursor.endIndex;
    // Only zero-width nodes can be MISSING tokens inserted by error recovery.
    return { t, f, named: typeNamed[typeId] || t === 'ERROR', missing: s === e && cursor.nodeIsMissing, s, e, c: [] };
  };
  const root = make();
  const stack: PNode[] = [root];
  if (!cursor.gotoFirstChild()) {
    cursor.delete();
    return { root, comments };
  }
  for (;;) {
    const node = make();
    const parent = stack[stack.length - 1];
    if (node.t === 'comment') comments.push(node);
    else parent.c.push(node);
    if (node.t !== 'comment' && cursor.gotoFirstChild()) {
      stack.push(node);
      continue;
    }
    while (!cursor.gotoNextSibling()) {
      if (stack.length === 1) {
        cursor.delete();
        return { root, comments };
      }
      cursor.gotoParent();
      stack.pop();
    }
  }
}

/** Offsets of line starts, for turning source offsets into 1-based lines and columns. */
export function lineStarts(source: string): Int32Array {
  let n = 1;
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) n++;
  const starts = new Int32Array(n);
  let k = 1;
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) starts[k++] = i + 1;
  return starts;
}

/** 0-based line containing `offset` (binary search over `starts`). */
export function lineOf(starts: Int32Array, offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
