// Architecture boundaries: the core engine stays free of VS Code, the DOM and a run-time TensorFlow.js import;
// the webview never imports the extension host; nothing downstream of the IR imports the syntax tree.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Module specifiers of the value (non type-only) imports of a file. */
function valueImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const match of text.matchAll(/^\s*import\s+(?!type\b)[^'";]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
    specifiers.push(match[1] ?? match[2] ?? match[3] ?? match[4]);
  }
  return specifiers;
}

function offenders(dir: string, forbidden: (specifier: string, file: string) => boolean): string[] {
  return sourceFiles(dir).flatMap((file) => valueImports(file).filter((s) => forbidden(s, file)).map((s) => `${file} imports ${s}`));
}

describe('architecture boundaries', () => {
  it('src/core imports neither vscode, the DOM side, nor TensorFlow.js at run time', () => {
    const bad = offenders('src/core', (s) => s === 'vscode' || s.startsWith('@tensorflow/') || /(^|\/)(webview|host)(\/|$)/.test(s));
    assert.deepEqual(bad, []);
  });

  it('the webview never imports the extension host or the syntax tree', () => {
    const bad = offenders('webview', (s) => s === 'vscode' || /src\/host|core\/python|core\/interpret/.test(s));
    assert.deepEqual(bad, []);
  });

  it('the host and the CLI read the IR, not the syntax tree or interpreter internals', () => {
    const bad = [...offenders('src/host', (s) => /core\/(python|interpret)/.test(s)), ...offenders('src/cli', (s) => /core\/(python|interpret)/.test(s))];
    assert.deepEqual(bad, []);
  });

  it('detects a forbidden import (the check itself works)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-boundary-'));
    fs.writeFileSync(path.join(dir, 'bad.ts'), "import * as vscode from 'vscode';\nimport type { X } from '@tensorflow/tfjs-core';\n");
    assert.deepEqual(offenders(dir, (s) => s === 'vscode' || s.startsWith('@tensorflow/')), [`${path.join(dir, 'bad.ts')} imports vscode`]);
  });
});
