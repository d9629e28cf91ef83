// Unit tests of the extension host's pure helpers: settings, ranges, model at cursor, last-good graph, labels, webview HTML.
import { strict as assert } from 'node:assert';
import type { LayerGraph, LayerNode, ModelCandidate } from '../../src/core/graph/ir';
import { codeLensTitle, hoverMarkdown, statusBarText } from '../../src/host/labels';
import { preferLastGood } from '../../src/host/lastGood';
import { candidateAtLine, definitionEndLine } from '../../src/host/modelAtCursor';
import { parseInputShape, readSettings, sourceDeclaresInput } from '../../src/host/settings';
import { parseWebviewMessage } from '../../src/protocol';
import { layersAtPosition, rangeContains } from '../../src/host/sourceRanges';
import { buildWebviewHtml, contentSecurityPolicy, createNonce } from '../../src/webviewPage';

function node(id: string, path: string, extra: Partial<LayerNode> = {}): LayerNode {
  return { id, op: 'Conv2d', category: 'conv', path, group: null, attrs: {}, summary: '3×3, 64→64', inputShapes: [[1, 64, 56, 56]], outputShape: [1, 64, 56,
    56], params: 36864, macs: 115_605_504, ...extra };
}

function graph(extra: Partial<LayerGraph> = {}): LayerGraph {
  return {
    file: 'm.py', model: 'resnet18()', models: [], input: [1, 3, 224, 224], inputSource: 'default', output: [1, 1000],
    params: 11_689_512, macs: 1_814_073_344, nodes: [], edges: [], groups: [], shortcuts: [], diagnostics: [], ...extra,
  };
}

const syntaxError = { severity: 'error' as const, code: 'syntax-error', message: 'unexpected', range: { line: 9, column: 1, endLine: 9, endColumn: 4 },
  related: [] };

describe('host settings', () => {
  it('parses input shapes in the usual spellings and rejects nonsense', () => {
    assert.deepEqual(parseInputShape('1,3,224,224').shape, [1, 3, 224, 224]);
    assert.deepEqual(parseInputShape(' (1, 3, 32, 32) ').shape, [1, 3, 32, 32]);
    assert.deepEqual(parseInputShape('1x3x64x64').shape, [1, 3, 64, 64]);
    assert.deepEqual(parseInputShape(''), {});
    for (const bad of ['1,3,a,4', '0,3,4,4', '1,,3', '1,2,3,4,5,6,7', '-1,3']) {
      const parsed = parseInputShape(bad);
      assert.equal(parsed.shape, undefined, bad);
      assert.match(parsed.problem ?? '', /defaultInputShape/, bad);
    }
  });

  it('falls back to defaults for values of the wrong type', () => {
    const settings = readSettings({ defaultInputShape: 42, collapseDepth: 'deep', nodeDetails: 'all', runMemoryBudgetMiB: -5, liveDiagnostics: 'yes' });
    assert.equal(settings.defaultInput, undefined);
    assert.deepEqual(settings.view, { collapseDepth: 1, showShapes: true, showParams: true, showMacs: false, runMemoryBudgetMiB: 2048 });
    assert.equal(settings.liveDiagnostics, true);
    const custom = readSettings({ defaultInputShape: '2,3,32,32', collapseDepth: 3.7, nodeDetails: { macs: true, shapes: false }, runMemoryBudgetMiB: 512,
      liveDiagnostics: false });
    assert.deepEqual(custom.defaultInput, [2, 3, 32, 32]);
    assert.equal(custom.view.collapseDepth, 3);
    assert.equal(custom.view.showMacs, true);
    assert.equal(custom.view.showShapes, false);
    assert.equal(custom.view.runMemoryBudgetMiB, 512);
    assert.equal(custom.liveDiagnostics, false);
  });

  it('reads the import settings: extra paths (strings only) and the Python environment', () => {
    assert.deepEqual(readSettings({}).extraPaths, []);
    assert.equal(readSettings({}).pythonPath, '');
    const custom = readSettings({ extraPaths: ['lib', 3, '', '../shared'], pythonPath: ' .venv/bin/python ' });
    assert.deepEqual(custom.extraPaths, ['lib', '../shared']);
    assert.equal(custom.pythonPath, '.venv/bin/python');
    assert.deepEqual(readSettings({ extraPaths: 'lib' }).extraPaths, []);
  });

  it('accepts a reveal of a range in an imported file and refuses a malformed file name', () => {
    const range = { line: 3, column: 1, endLine: 3, endColumn: 5 };
    assert.deepEqual(parseWebviewMessage({ type: 'reveal', range: { ...range, file: '/p/parts.py' } }), { type: 'reveal', range: { ...range, file: '/p/parts.py' } });
    assert.equal(parseWebviewMessage({ type: 'reveal', range: { ...range, file: 42 } }), undefined);
    assert.equal(parseWebviewMessage({ type: 'reveal', range: { ...range, file: '' } }), undefined);
  });

  it('notices a file that declares its own input', () => {
    assert.equal(sourceDeclaresInput('import torch\n# netlens: input=1,3,32,32\n'), true);
    assert.equal(sourceDeclaresInput('x = 1  # input shape is 32x32\n'), false);
  });
});

describe('host source ranges', () => {
  const range = { line: 3, column: 9, endLine: 3, endColumn: 22 };
  it('treats the end column as exclusive', () => {
    assert.equal(rangeContains(range, { line: 3, column: 9 }), true);
    assert.equal(rangeContains(range, { line: 3, column: 21 }), true);
    assert.equal(rangeContains(range, { line: 3, column: 22 }), false);
    assert.equal(rangeContains(range, { line: 3, column: 8 }), false);
    assert.equal(rangeContains(range, { line: 4, column: 10 }), false);
  });

  it('finds the innermost layer call under the cursor, every call of a reused module, and groups by definition', () => {
    const outer = node('n1', 'layer1', { callRange: { line: 10, column: 9, endLine: 10, endColumn: 40 } });
    const inner = node('n2', 'conv', { callRange: { line: 10, column: 20, endLine: 10, endColumn: 33 } });
    const reusedFirst = node('n3', 'prelu', { defRange: { line: 5, column: 9, endLine: 5, endColumn: 30 } });
    const reusedSecond = node('n4', 'prelu', { reuse: 1, defRange: { line: 5, column: 9, endLine: 5, endColumn: 30 } });
    const g = graph({
      nodes: [outer, inner, reusedFirst, reusedSecond],
      groups: [{ id: 'g1', path: 'layer2', className: 'Sequential', parent: null, kind: 'sequential', params: 10, macs: 0, defRange: { line: 7, column: 9,
        endLine: 7, endColumn: 50 } }],
    });
    assert.deepEqual(layersAtPosition(g, { line: 10, column: 25 }).nodes.map((n) => n.id), ['n2']);
    assert.deepEqual(layersAtPosition(g, { line: 10, column: 12 }).nodes.map((n) => n.id), ['n1']);
    assert.deepEqual(layersAtPosition(g, { line: 5, column: 15 }).nodes.map((n) => n.id), ['n3', 'n4']);
    assert.deepEqual(layersAtPosition(g, { line: 7, column: 15 }).groups.map((x) => x.id), ['g1']);
    assert.deepEqual(layersAtPosition(g, { line: 1, column: 1 }), { nodes: [], groups: [] });
  });
});

describe('host model at cursor', () => {
  const lines = [
    'import torch.nn as nn',          // 1
    '',                                // 2
    'class Block(nn.Module):',         // 3
    '    def __init__(self):',         // 4
    '        super().__init__()',      // 5
    '',                                // 6
    '    # a comment at the edge',     // 7
    '    def forward(self, x):',       // 8
    '        return x',                // 9
    '',                                // 10
    'def build(',                      // 11
    'width=64,',                       // 12
    '):',                              // 13
    '    return Block()',              // 14
    'model = build()',                 // 15
  ];
  const candidates: ModelCandidate[] = [
    { expr: 'Block()', kind: 'class', name: 'Block', line: 3 },
    { expr: 'build()', kind: 'function', name: 'build', line: 11 },
  ];
  it('measures definitions by indentation, across bracketed continuation lines', () => {
    assert.equal(definitionEndLine(lines, 3), 9);
    assert.equal(definitionEndLine(lines, 11), 14);
  });
  it('picks the definition around the cursor, and none outside every definition', () => {
    assert.equal(candidateAtLine(candidates, lines, 3)?.name, 'Block');
    assert.equal(candidateAtLine(candidates, lines, 9)?.name, 'Block');
    assert.equal(candidateAtLine(candidates, lines, 12)?.name, 'build');
    assert.equal(candidateAtLine(candidates, lines, 1), undefined);
    assert.equal(candidateAtLine(candidates, lines, 10), undefined);
    assert.equal(candidateAtLine(candidates, lines, 15), undefined);
  });
});

describe('host last good graph', () => {
  const good = graph({ nodes: [node('n1', 'conv1'), node('n2', 'conv2')] });
  it('keeps the last clean structure with the fresh syntax diagnostics while the file is half-typed', () => {
    const halfTyped = graph({ nodes: [], diagnostics: [syntaxError] });
    const shown = preferLastGood(halfTyped, good);
    assert.equal(shown.stale, true);
    assert.deepEqual(shown.graph.nodes.map((n) => n.id), ['n1', 'n2']);
    assert.deepEqual(shown.graph.diagnostics, [syntaxError]);
  });
  it('shows the fresh graph when it parses, when nothing was lost, or when there is no earlier graph', () => {
    const fresh = graph({ nodes: [node('n1', 'conv1')] });
    assert.equal(preferLastGood(fresh, good).graph, fresh);
    const syntaxButComplete = graph({ nodes: [node('n1', 'a'), node('n2', 'b'), node('n3', 'c')], diagnostics: [syntaxError] });
    assert.equal(preferLastGood(syntaxButComplete, good).stale, false);
    const broken = graph({ diagnostics: [syntaxError] });
    assert.equal(preferLastGood(broken, undefined).graph, broken);
  });
});

describe('host labels', () => {
  it('formats the CodeLens, status bar and hover from the graph', () => {
    const g = graph({ nodes: [node('n1', 'layer1.0.conv1', { reuse: 0 })] });
    assert.equal(codeLensTitle(g), 'Show architecture · 11.7 M params · 1.81 G MACs');
    assert.equal(codeLensTitle(undefined), 'Show architecture');
    const withError = graph({ ...g, diagnostics: [{ ...syntaxError, code: 'shortcut-shape-mismatch' }] });
    assert.match(codeLensTitle(withError), / · 1 error$/);
    assert.equal(statusBarText(g), 'resnet18 · 11.7 M params · 1.81 G MACs · 0 errors');
    const hover = hoverMarkdown(g.nodes, [], g);
    assert.match(hover, /layer1\.0\.conv1/);
    assert.match(hover, /\| output \| 1×64×56×56 \|/);
    assert.match(hover, /\| params \| 36,864 \|/);
    assert.equal(hoverMarkdown([], [], g), '');
    const instances = [node('a', 'layer1.0.conv1'), node('b', 'layer1.1.conv1'), node('c', 'layer2.0.conv1', { summary: '3×3, s2, 64→128', outputShape: [1, 128,
      28, 28], params: 73728 })];
    const table = hoverMarkdown(instances, [], g);
    assert.match(table, /^\*\*conv1\*\* · `Conv2d` — 3 calls · 147 K params/);
    assert.equal((table.match(/^\| layer\d\.\d\.conv1 \|/gm) ?? []).length, 3);
    assert.match(table, /\| layer2\.0\.conv1 \| 3×3, s2, 64→128 \| 1×128×28×28 \| 73\.7 K \|/);
  });
});

describe('host webview HTML', () => {
  it('allows only nonce scripts, wasm compilation and the extension own resources', () => {
    const nonce = createNonce((size) => new Uint8Array(size).map((_, i) => i * 7));
    assert.match(nonce, /^[A-Za-z0-9]{32}$/);
    const csp = contentSecurityPolicy('https://res.example', nonce);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, new RegExp(`script-src 'nonce-${nonce}' 'wasm-unsafe-eval'(;|$)`));
    assert.doesNotMatch(csp, /'unsafe-eval'/);
    assert.doesNotMatch(csp, /\*/);
    const html = buildWebviewHtml({ cspSource: 'https://res.example', nonce, scriptUri: 'https://res.example/dist/webview/main.js',
      styleUri: 'https://res.example/dist/webview/main.css', distUri: 'https://res.example/dist/', title: 'NetLens · <a>.py' });
    assert.match(html, /<div id="app"><\/div>/);
    assert.equal((html.match(/<script /g) ?? []).length, 1);
    assert.match(html, new RegExp(`<script nonce="${nonce}" src="https://res.example/dist/webview/main.js">`));
    assert.match(html, /NetLens · &lt;a&gt;\.py/);
    assert.match(html, /data-dist-uri="https:\/\/res\.example\/dist\/"/);
  });
});
