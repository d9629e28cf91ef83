// Names and messages from a model file never format the hover, never hang a label, and an oversized graph says so.
import { strict as assert } from 'node:assert';
import type { LayerGraph, LayerNode } from '../../src/core/graph/ir';
import { escapeMarkdown, hoverMarkdown } from '../../src/host/labels';
import { fitText } from '../../webview/format';
import { graphSizeProblem, isLayerGraph, MAX_ITEMS } from '../../webview/validate';

function graphWith(nodes: LayerNode[], extra: Partial<LayerGraph> = {}): LayerGraph {
  return { file: 'm.py', model: 'Net()', models: [], input: [1, 4], inputSource: 'default', output: [1, 4], params: 0, macs: 0, nodes, edges: [],
    groups: [], shortcuts: [], diagnostics: [], ...extra };
}

describe('output hygiene: hovers, long names, oversized graphs', () => {
  it('escapes Markdown, links, HTML, table bars and theme icons in hover text from the model file', () => {
    const hostile = '[click](https://evil.example) **bold** <img src=x> a|b $(error) `code`';
    const node: LayerNode = { id: 'n1', op: 'Linear', category: 'linear', path: hostile, group: null, attrs: {}, summary: '4→4 | x', inputShapes: [[1, 4]],
      outputShape: [1, 4], params: 20, macs: 16 };
    const graph = graphWith([node], { diagnostics: [{ severity: 'error', code: 'x', message: 'bad [link](http://a) <b>\nnext', nodeId: 'n1',
      range: { line: 1, column: 1, endLine: 1, endColumn: 2 }, related: [] }] });
    const hover = hoverMarkdown([node], [], graph);
    assert.doesNotMatch(hover, /(^|[^\\])\[click\]/);
    assert.doesNotMatch(hover, /(^|[^\\])<img/);
    assert.doesNotMatch(hover, /(^|[^\\])\$\(error\) `code`/);
    assert.match(hover, /\\\[link\\\]\(http:\/\/a\) \\<b\\> next/);
    assert.equal(escapeMarkdown('a|b*c_d'), 'a\\|b\\*c\\_d');
    assert.equal(escapeMarkdown('layer1.0.conv1'), 'layer1.0.conv1');
    // Two calls of the layer, each still one table row: no bar or line break from the model ends a cell.
    const rows = hoverMarkdown([node, { ...node, id: 'n2' }], [], graph).split('\n').filter((line) => line.startsWith('| '));
    assert.equal(rows.length, 3, 'the header and one row per call');
    assert.ok(rows.every((row) => (row.match(/(^|[^\\])\|/g) ?? []).length === 6), rows.join('\n'));
  });

  it('fits a 200,000-character module name into a label at once, ending in an ellipsis', () => {
    const started = performance.now();
    const label = fitText('a'.repeat(200_000), 200, 12);
    assert.ok(performance.now() - started < 200, `took ${performance.now() - started} ms`);
    assert.ok(label.endsWith('…') && label.length < 80);
    assert.equal(fitText('conv1', 200, 12), 'conv1');
    assert.equal(fitText('x'.repeat(200), 200, 12), fitText('x'.repeat(100_000), 200, 12));
  });

  it('says a graph is too large instead of calling it invalid', () => {
    const nodes = Array.from({ length: MAX_ITEMS + 1 }, (_, i) => ({ id: `n${i}` })) as unknown as LayerNode[];
    const big = graphWith(nodes);
    assert.equal(isLayerGraph(big), false);
    assert.match(graphSizeProblem(big) ?? '', /too large to show: 2,000,001 nodes \(the view shows at most 2,000,000 of each\)/);
    assert.equal(graphSizeProblem(graphWith([])), null);
    assert.equal(graphSizeProblem('nonsense'), null);
  });
});
