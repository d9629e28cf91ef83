// One number convention everywhere: the shared formatter, and the CLI, host and webview texts that print through it.
import { strict as assert } from 'node:assert';
import type { LayerGraph, LayerNode } from '../../src/core/graph/ir';
import { escapeHtml, formatCompact, formatGflops, formatMs, formatPercent } from '../../src/core/format';
import { renderSummary, renderLayerTable } from '../../src/cli/checkTable';
import { codeLensTitle, statusBarText } from '../../src/host/labels';
import { nodeLabel } from '../../webview/labels';

const conv: LayerNode = {
  id: 'n1', op: 'Conv2d', category: 'conv', path: 'conv1', group: null, attrs: {}, summary: '3×3, 64→64',
  inputShapes: [[1, 64, 56, 56]], outputShape: [1, 64, 56, 56], params: 590_080, macs: 1_800_000_000,
};
const graph: LayerGraph = {
  file: 'm.py', model: 'Net()', models: [], input: [1, 64, 56, 56], inputSource: 'default', output: [1, 64, 56, 56],
  params: 11_689_512, macs: 1_800_000_000, nodes: [conv], edges: [], groups: [], shortcuts: [], diagnostics: [],
};

describe('number formatting', () => {
  it('prints counts with three significant digits and an SI suffix', () => {
    assert.equal(formatCompact(512), '512');
    assert.equal(formatCompact(590_080), '590 K');
    assert.equal(formatCompact(11_689_512), '11.7 M');
    assert.equal(formatCompact(1_814_073_344), '1.81 G');
    assert.equal(formatCompact(1_800_000_000), '1.80 G');
    assert.equal(formatCompact(1000), '1.00 K');
    assert.equal(formatCompact(-1500), '-1.50 K');
    assert.equal(formatCompact(Number.NaN), '?');
  });

  it('moves to the next unit instead of printing 1000 of the smaller one', () => {
    assert.equal(formatCompact(999_499), '999 K');
    assert.equal(formatCompact(999_950), '1.00 M');
    assert.equal(formatCompact(99_960), '100 K');
  });

  it('prints times and rates with three significant digits, and shares with one decimal', () => {
    assert.deepEqual([0.01234, 1.234, 12.34, 123.4].map(formatMs), ['0.012', '1.23', '12.3', '123']);
    assert.equal(formatMs(Number.NaN), '–');
    assert.deepEqual([0, undefined, 3.456, 45.67].map(formatGflops), ['', '', '3.46', '45.7']);
    assert.equal(formatPercent(0.125), '12.5%');
  });

  it('escapes markup and both quote styles', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('gives the CLI table, the CodeLens, the status bar and the webview label the same figures', () => {
    assert.match(renderSummary(graph), /MACs: +1,800,000,000 \(1\.80 G\)/);
    assert.match(renderLayerTable(graph), /1\.80 G/);
    assert.equal(codeLensTitle(graph), 'Show architecture · 11.7 M params · 1.80 G MACs');
    assert.match(statusBarText(graph), /11\.7 M params · 1\.80 G MACs/);
    const label = nodeLabel(conv, { collapseDepth: 1, showShapes: true, showParams: true, showMacs: true, runMemoryBudgetMiB: 2048 });
    assert.match(label.lines.join(' '), /590 K params · 1\.80 G MACs/);
  });
});
