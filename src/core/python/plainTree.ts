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

/**
 * The web-tree-sitter runtime's own cursor functions (its wasm exports). Each takes the tree's address and works on
 * the cursor held in the runtime's transfer buffer, so a walk that makes only these calls keeps the cursor there and
 * needs no copying in JS between steps (the public TreeCursor copies it in and out on every call).
 */
export interface CursorExports {
  _ts_tree_root_node_wasm(tree: number): void;
  _ts_tree_cursor_new_wasm(tree: number): void;
  _ts_tree_cursor_delete_wasm(tree: number): void;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_named_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
}

const CURSOR_EXPORT_NAMES: (keyof CursorExports)[] = [
  '_ts_tree_root_node_wasm',
  '_ts_tree_cursor_new_wasm',
  '_ts_tree_cursor_delete_wasm',
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_node_is_named_wasm',
  '_ts_tree_cursor_current_node_is_missing_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
];

/** The cursor functions found on an initialised runtime module object, or null when any is missing. */
export function cursorExportsOf(runtime: Record<string, unknown>): CursorExports | null {
  for (const name of CURSOR_EXPORT_NAMES) if (typeof runtime[name] !== 'function') return null;
  return runtime as unknown as CursorExports;
}

/** The wasm address of a tree (web-tree-sitter keeps it at index 0), or 0 when it cannot be read. */
function treeAddress(tree: Tree): number {
  const address = (tree as unknown as Record<number, unknown>)[0];
  return typeof address === 'number' && address > 0 ? address : 0;
}

/**
 * Walks the whole tree once; comments are returned separately (they are extras anywhere in the tree).
 * With `exports` the walk calls the runtime directly; without, it uses the public cursor API (same result).
 */
export function toPlainTree(tree: Tree, exports?: CursorExports | null): { root: PNode; comments: PNode[] } {
  const address = exports ? treeAddress(tree) : 0;
  return exports && address ? walkDirect(tree, exports, address) : walkPublic(tree);
}

/** Type and field names by id, filled on first sight (one wasm call per node for each instead of two). */
class NameTables {
  private readonly typeNames: (string | undefined)[] = [];
  private readonly typeNamed: boolean[] = [];
  private readonly fieldNames: (string | null | undefined)[] = [];
  constructor(private readonly language: Tree['language']) {}
  type(typeId: number, isNamed: () => boolean): string {
    let t = this.typeNames[typeId];
    if (t === undefined) {
      t = this.language.types[typeId] || 'ERROR';
      this.typeNames[typeId] = t;
      this.typeNamed[typeId] = isNamed();
    }
    return t;
  }
  named(typeId: number): boolean {
    return this.typeNamed[typeId];
  }
  field(fieldId: number): string | null {
    let f = this.fieldNames[fieldId];
    if (f === undefined) {
      f = fieldId === 0 ? null : this.language.fieldNameForId(fieldId);
      this.fieldNames[fieldId] = f;
    }
    return f;
  }
}

function walkDirect(tree: Tree, x: CursorExports, address: number): { root: PNode; comments: PNode[] } {
  // Read once: the runtime module object has hundreds of properties, too many for fast property access per call.
  const typeIdOf = x._ts_tree_cursor_current_node_type_id_wasm;
  const isNamedOf = x._ts_tree_cursor_current_node_is_named_wasm;
  const isMissingOf = x._ts_tree_cursor_current_node_is_missing_wasm;
  const fieldIdOf = x._ts_tree_cursor_current_field_id_wasm;
  const startOf = x._ts_tree_cursor_start_index_wasm;
  const endOf = x._ts_tree_cursor_end_index_wasm;
  const gotoFirstChild = x._ts_tree_cursor_goto_first_child_wasm;
  const gotoNextSibling = x._ts_tree_cursor_goto_next_sibling_wasm;
  const gotoParent = x._ts_tree_cursor_goto_parent_wasm;
  const names = new NameTables(tree.language);
  const comments: PNode[] = [];
  const isNamed = (): boolean => isNamedOf(address) === 1;
  const make = (): PNode => {
    const typeId = typeIdOf(address);
    const t = names.type(typeId, isNamed);
    const f = names.field(fieldIdOf(address));
    const s = startOf(address);
    const e = endOf(address);
    // Only zero-width nodes can be MISSING tokens inserted by error recovery.
    const missing = s === e && isMissingOf(address) === 1;
    return { t, f, named: names.named(typeId) || t === 'ERROR', missing, s, e, c: [] };
  };
  // The root node goes into the transfer buffer, a cursor on it is created there, walked there and freed there.
  x._ts_tree_root_node_wasm(address);
  x._ts_tree_cursor_new_wasm(address);
  try {
    const root = make();
    const stack: PNode[] = [root];
    if (!gotoFirstChild(address)) return { root, comments };
    for (;;) {
      const node = make();
      if (node.t === 'comment') comments.push(node);
      else stack[stack.length - 1].c.push(node);
      if (node.t !== 'comment' && gotoFirstChild(address)) {
        stack.push(node);
        continue;
      }
      while (!gotoNextSibling(address)) {
        if (stack.length === 1) return { root, comments };
        gotoParent(address);
        stack.pop();
      }
    }
  } finally {
    x._ts_tree_cursor_delete_wasm(address);
  }
}

function walkPublic(tree: Tree): { root: PNode; comments: PNode[] } {
  const cursor = tree.walk();
  const names = new NameTables(tree.language);
  const comments: PNode[] = [];
  const isNamed = (): boolean => cursor.nodeIsNamed;
  const make = (): PNode => {
    const typeId = cursor.nodeTypeId;
    const t = names.type(typeId, isNamed);
    const f = names.field(cursor.currentFieldId);
    const s = cursor.startIndex;
    const e = cursor.endIndex;
    return { t, f, named: names.named(typeId) || t === 'ERROR', missing: s === e && cursor.nodeIsMissing, s, e, c: [] };
  };
  try {
    const root = make();
    const stack: PNode[] = [root];
    if (!cursor.gotoFirstChild()) return { root, comments };
    for (;;) {
      const node = make();
      if (node.t === 'comment') comments.push(node);
      else stack[stack.length - 1].c.push(node);
      if (node.t !== 'comment' && cursor.gotoFirstChild()) {
        stack.push(node);
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (stack.length === 1) return { root, comments };
        cursor.gotoParent();
        stack.pop();
      }
    }
  } finally {
    cursor.delete();
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
