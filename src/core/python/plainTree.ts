// Copies a tree-sitter tree into plain JS objects in one cursor walk (crossing into wasm once per node, not per query).
import type { Tree } from 'web-tree-sitter';

/** A syntax node as plain data. `f` is the field name under its parent; positions are 0-based rows/columns. */
export interface PNode {
  t: string;
  f: string | null;
  named: boolean;
  missing: boolean;
  s: number;
  e: number;
  sr: number;
  sc: number;
  er: number;
  ec: number;
  c: PNode[];
}

/** Walks the whole tree with a cursor; comments are returned separately (they are extras anywhere in the tree). */
export function toPlainTree(tree: Tree): { root: PNode; comments: PNode[] } {
  const cursor = tree.walk();
  const comments: PNode[] = [];
  const make = (): PNode => {
    const sp = cursor.startPosition;
    const ep = cursor.endPosition;
    return {
      t: cursor.nodeType,
      f: cursor.currentFieldName,
      named: cursor.nodeIsNamed,
      missing: cursor.nodeIsMissing,
      s: cursor.startIndex,
      e: cursor.endIndex,
      sr: sp.row,
      sc: sp.column,
      er: ep.row,
      ec: ep.column,
      c: [],
    };
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
