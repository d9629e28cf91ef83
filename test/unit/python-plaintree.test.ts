// The one-pass tree copy: the walk through the runtime's cursor functions gives exactly the public cursor API's tree.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadPythonParser, type PythonParser } from '../../src/core/python/parser';
import { cursorExportsOf, toPlainTree, type PNode } from '../../src/core/python/plainTree';

/** Pre-order list of every node as text, with its depth (iterative: some fixtures nest thousands deep). */
function flatten(tree: { root: PNode; comments: PNode[] }): string[] {
  const out: string[] = [];
  const stack: [PNode, number][] = [[tree.root, 0]];
  while (stack.length) {
    const [n, depth] = stack.pop()!;
    out.push(`${depth} ${n.t} ${n.f} ${n.named} ${n.missing} ${n.s}-${n.e} ${n.c.length}`);
    for (let i = n.c.length - 1; i >= 0; i--) stack.push([n.c[i], depth + 1]);
  }
  for (const c of tree.comments) out.push(`comment ${c.t} ${c.f} ${c.s}-${c.e}`);
  return out;
}

const BROKEN_SOURCES = [
  '',
  '# only a comment\n',
  'def f(:\n    return\n',
  'x = (1, 2\ny = [3,\n',
  'class A(nn.Module):\n    def forward(self, x):\n        return self.conv(x\n',
  'if x:\n\tpass\n  else:\n    y = 1 +\n',
  's = "unterminated\nt = f"{x!r:>{w}}"\n',
];

describe('python: plain tree copy', () => {
  let parser: PythonParser;
  before(async () => {
    parser = await loadPythonParser();
  });

  it('finds the runtime cursor functions on the loaded tree-sitter module', () => {
    assert.ok(parser.cursorExports, 'the direct walk is available with the bundled web-tree-sitter');
  });

  it('copies every fixture and example exactly as the public cursor API does', () => {
    const dirs = ['test/fixtures', 'examples'];
    const files = dirs.flatMap((d) => fs.readdirSync(d).filter((f) => f.endsWith('.py')).map((f) => path.join(d, f)));
    assert.ok(files.length > 10);
    for (const file of files) {
      const tree = parser.parse(fs.readFileSync(file, 'utf8'));
      try {
        const direct = flatten(toPlainTree(tree, parser.cursorExports));
        assert.deepStrictEqual(direct, flatten(toPlainTree(tree, null)), file);
        assert.equal(direct.length, tree.rootNode.descendantCount, file);
      } finally {
        tree.delete();
      }
    }
  });

  it('copies ERROR and MISSING nodes and comments of broken sources the same way', () => {
    for (const source of BROKEN_SOURCES) {
      const tree = parser.parse(source);
      try {
        const direct = flatten(toPlainTree(tree, parser.cursorExports));
        assert.deepStrictEqual(direct, flatten(toPlainTree(tree, null)), JSON.stringify(source));
        assert.equal(direct.length, tree.rootNode.descendantCount, JSON.stringify(source));
      } finally {
        tree.delete();
      }
    }
    const tree = parser.parse('x = f(1\n');
    try {
      const types: string[] = [];
      const visit = (n: PNode): void => {
        types.push(n.missing ? `MISSING ${n.t}` : n.t);
        n.c.forEach(visit);
      };
      visit(toPlainTree(tree, parser.cursorExports).root);
      assert.ok(types.includes('MISSING )') || types.includes('ERROR'), types.join(' '));
    } finally {
      tree.delete();
    }
  });

  it('walks the same tree repeatedly and after other tree-sitter calls (the cursor lives in a shared buffer)', () => {
    const source = 'import torch\n\nclass M(nn.Module):\n    def forward(self, x):  # note\n        return x + 1\n';
    const tree = parser.parse(source);
    try {
      const first = toPlainTree(tree, parser.cursorExports);
      // Public API calls in between overwrite the runtime's transfer buffer.
      assert.equal(tree.rootNode.namedChildren.length, 2);
      const second = toPlainTree(tree, parser.cursorExports);
      assert.deepStrictEqual(second, first);
      assert.deepEqual(first.comments.map((c) => source.slice(c.s, c.e)), ['# note']);
    } finally {
      tree.delete();
    }
  });

  it('falls back to the public API when the runtime lacks a cursor function', () => {
    assert.equal(cursorExportsOf({}), null);
    const partial: Record<string, unknown> = { ...(parser.cursorExports as unknown as Record<string, unknown>) };
    delete partial._ts_tree_cursor_goto_parent_wasm;
    assert.equal(cursorExportsOf(partial), null);
  });
});
