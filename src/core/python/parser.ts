// Loads web-tree-sitter and the Python grammar from files shipped with NetLens (never the network) and parses source text.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser, type Tree } from 'web-tree-sitter';
import { cursorExportsOf, type CursorExports } from './plainTree';

export type { Tree, Node as SyntaxNode } from 'web-tree-sitter';

const RUNTIME_WASM = 'web-tree-sitter.wasm';
const PYTHON_WASM = 'tree-sitter-python.wasm';

/** Finds a wasm file: next to the running bundle (dist/, the packaged extension) or in node_modules (development). */
function locateWasm(file: string): string {
  const besideBundle = typeof __dirname === 'string' ? path.join(__dirname, file) : undefined;
  if (besideBundle && fs.existsSync(besideBundle)) return besideBundle;
  const packageFile = file === RUNTIME_WASM ? 'web-tree-sitter/web-tree-sitter.wasm' : 'tree-sitter-python/tree-sitter-python.wasm';
  return require.resolve(packageFile);
}

export interface PythonParser {
  /** Parses `source`; pass the previous tree (already edited) for an incremental re-parse. */
  parse(source: string, previous?: Tree): Tree;
  /** The runtime's cursor functions for the one-pass tree copy (toPlainTree), or null to use the public cursor API. */
  readonly cursorExports: CursorExports | null;
}

let loading: Promise<PythonParser> | undefined;

/** Initialises tree-sitter once per process and returns a shared Python parser. */
export function loadPythonParser(): Promise<PythonParser> {
  loading ??= (async () => {
    // web-tree-sitter hands these options to its Emscripten module, which keeps its exports on the same object.
    const runtime: Record<string, unknown> = { locateFile: () => locateWasm(RUNTIME_WASM) };
    await Parser.init(runtime);
    const language = await Language.load(fs.readFileSync(locateWasm(PYTHON_WASM)));
    const parser = new Parser();
    parser.setLanguage(language);
    return {
      parse(source: string, previous?: Tree): Tree {
        const tree = parser.parse(source, previous ?? null);
        if (!tree) throw new Error('tree-sitter returned no tree');
        return tree;
      },
      cursorExports: cursorExportsOf(runtime),
    };
  })();
  return loading;
}
