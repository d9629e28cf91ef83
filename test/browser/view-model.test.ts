// Node tests of the webview's pure logic: message validation, visible-graph rules, labels, shortcut lanes and the HTML page.
import * as assert from 'node:assert/strict';
import { parseHostMessage, readOptions } from '../../webview/validate';
import { GraphIndex } from '../../webview/graph-index';
import { buildVisibleGraph, countNodesPerGroup, countVisibleBoxes, initialExpanded } from '../../webview/visible';
import { formatCompact, formatCompactShape, formatShape } from '../../src/core/format';
import { laneRoute, roundedPath } from '../../webview/render';
import { nodeLabel } from '../../webview/labels';
import { chainLayout } from '../../webview/chain-layout';
import type { Point, Rect } from '../../webview/geometry';
import { embedJson, renderStandaloneHtml } from '../../src/cli/view';
import { brokenResnet18, emptyGraph, resnet18 } from './synthetic';
import { DEFAULT_VIEW } from './harness';

function visibleFor(graph = resnet18(), depth: number | 'all' = 'all', extra: string[] = []) {
  const index = new GraphIndex(graph);
  const expanded = initialExpanded(index, depth);
  for (const path of extra) expanded.add(index.groupByPath.get(path)!.id);
  return { index, visible: buildVisibleGraph(index, expanded, DEFAULT_VIEW, countNodesPerGroup(index)) };
}

describe('webview view model', () => {
  describe('message validation', () => {
    it('accepts a well-formed graph message and fills missing options with defaults', () => {
      const message = parseHostMessage({ type: 'graph', graph: resnet18(), reason: 'edit' });
      assert.equal(message?.type, 'graph');
      assert.equal(message?.type === 'graph' && message.reason, 'edit');
      assert.deepEqual(message?.type === 'graph' && message.options, readOptions(undefined));
    });

    it('refuses graphs of the wrong form and malformed highlight or command messages', () => {
      const broken = resnet18() as unknown as Record<string, unknown>;
      for (const graph of [null, 42, { nodes: 'x' }, { ...broken, nodes: [{ id: 1 }] }, { ...broken, edges: [{ id: 'e', from: 'a' }] }, { ...broken,
        input: 'x' }]) {
        assert.equal(parseHostMessage({ type: 'graph', graph }), undefined);
      }
      assert.equal(parseHostMessage({ type: 'highlight', line: 'x' }), undefined);
      assert.equal(parseHostMessage({ type: 'highlight', line: 0 }), undefined);
      assert.equal(parseHostMessage({ type: 'command', command: 'rm -rf' }), undefined);
      assert.equal(parseHostMessage('graph'), undefined);
      assert.deepEqual(parseHostMessage({ type: 'highlight', line: 12 }), { type: 'highlight', line: 12 });
    });

    it('reads collapse depth and flags from options, rejecting nonsense', () => {
      assert.equal(readOptions({ collapseDepth: 'all' }).collapseDepth, 'all');
      assert.equal(readOptions({ collapseDepth: 2.7 }).collapseDepth, 2);
      assert.equal(readOptions({ collapseDepth: -1 }).collapseDepth, readOptions({}).collapseDepth);
      assert.equal(readOptions({ showShapes: false }).showShapes, false);
    });
  });

  describe('visible graph', () => {
    it('fully expanded: one box per node, one shortcut edge per residual addition, identity ones in lanes', () => {
      const graph = resnet18();
      const { visible } = visibleFor(graph);
      assert.equal(visible.boxes.length, graph.nodes.length);
      const shortcuts = visible.edges.filter((e) => e.kind === 'shortcut');
      assert.equal(shortcuts.length, graph.shortcuts.length);
      for (const edge of shortcuts) assert.equal(edge.lane, edge.shortcut!.kind === 'identity');
      assert.equal(visible.groups.length, graph.groups.filter((g) => g.path !== '').length);
    });

    it('collapsed blocks stand for their nodes, hide their shortcuts and keep the chain connected once', () => {
      const graph = resnet18();
      const { visible, index } = visibleFor(graph, 1);
      const blocks = graph.groups.filter((g) => g.kind === 'residual');
      assert.equal(visible.boxes.filter((b) => b.kind === 'collapsed').length, blocks.length);
      assert.equal(visible.edges.filter((e) => e.kind === 'shortcut').length, 0);
      const conv = graph.nodes.find((n) => n.path === 'layer2.1.conv1')!;
      assert.equal(visible.representative.get(conv.id), index.groupByPath.get('layer2.1')!.id);
      const pairs = visible.edges.map((e) => `${e.from}>${e.to}`);
      assert.equal(new Set(pairs).size, pairs.length, 'no duplicate edges between the same boxes');
      assert.equal(visible.edges.length, visible.boxes.length - 1, 'a chain of boxes');
    });

    it('counts the boxes of a collapse state without building it', () => {
      for (const depth of [0, 1, 2, 'all'] as const) {
        const { visible, index } = visibleFor(resnet18(), depth);
        assert.equal(countVisibleBoxes(index, initialExpanded(index, depth)), visible.boxes.length);
      }
    });

    it('expanding one block shows exactly its shortcut', () => {
      const { visible } = visibleFor(resnet18(), 1, ['layer1.0']);
      const shortcuts = visible.edges.filter((e) => e.kind === 'shortcut');
      assert.deepEqual(shortcuts.map((e) => e.shortcut!.path), ['layer1.0']);
    });

    it('carries errors to the node, the collapsed block and the broken shortcut edge', () => {
      const graph = brokenResnet18();
      const collapsed = visibleFor(graph, 1).visible;
      assert.deepEqual(collapsed.boxes.filter((b) => b.error).map((b) => b.group?.path), ['layer2.0']);
      const expanded = visibleFor(graph).visible;
      assert.deepEqual(expanded.boxes.filter((b) => b.error).map((b) => b.node?.path), ['layer2.0.add']);
      assert.ok(expanded.edges.some((e) => e.kind === 'shortcut' && e.error));
    });

    it('computes a group output shape from the node whose output leaves the group', () => {
      const index = new GraphIndex(resnet18());
      assert.deepEqual(index.groupOutputShape.get(index.groupByPath.get('layer2.0')!.id), [1, 128, 28, 28]);
      assert.deepEqual(index.groupOutputShape.get(index.groupByPath.get('layer4')!.id), [1, 512, 7, 7]);
    });

    it('handles an empty graph', () => {
      const { visible } = visibleFor(emptyGraph());
      assert.equal(visible.boxes.length, 0);
      assert.equal(visible.edges.length, 0);
    });
  });

  describe('labels and geometry', () => {
    it('formats counts and shapes compactly', () => {
      assert.equal(formatCompact(230_000), '230 K');
      assert.equal(formatCompact(11_689_512), '11.7 M');
      assert.equal(formatCompact(1_814_073_344), '1.81 G');
      assert.equal(formatCompact(512), '512');
      assert.equal(formatShape([1, 64, null, 56]), '1×64×?×56');
      assert.equal(formatCompactShape([1, 64, 56, 56]), '64×56×56');
      assert.equal(formatShape(null), '?');
    });

    it('labels a node by name and op, and an indexed Sequential child by op and index', () => {
      const graph = resnet18();
      const conv = graph.nodes.find((n) => n.path === 'layer2.0.conv1')!;
      const label = nodeLabel(conv, DEFAULT_VIEW);
      assert.deepEqual([label.title, label.titleRight], ['conv1', 'Conv2d']);
      assert.match(label.lines[0], /^3×3, s2, 64→128 · 73\.7 K params$/);
      const indexed = nodeLabel({ ...conv, path: 'features.0.1' }, DEFAULT_VIEW);
      assert.deepEqual([indexed.title, indexed.titleRight], ['Conv2d', '[1]']);
    });

    it('routes an identity shortcut beside its block, right of both ends', () => {
      const source = { x: 100, y: 0, width: 120, height: 40 };
      const target = { x: 110, y: 300, width: 100, height: 30 };
      const block = { x: 80, y: 60, width: 220, height: 300 };
      const points = laneRoute(source, target, block);
      assert.equal(points.length, 4);
      const laneX = points[1].x;
      assert.ok(laneX > source.x + source.width && laneX > target.x + target.width && laneX < block.x + block.width);
      assert.equal(points[1].x, points[2].x);
      assert.equal(points[3].x, target.x + target.width);
      assert.match(roundedPath(points), /^M220,20L.*Q.*L210,315$/);
    });
  });

  describe('chain layout', () => {
    const inside = (inner: Rect, outer: Rect): boolean =>
      inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;

    it('lays a collapsed model out as one column, groups around their members, edges straight down', () => {
      const { visible } = visibleFor(resnet18(), 1, ['layer1.0']);
      const layout = chainLayout(visible);
      if (!layout) throw new Error('a collapsed ResNet with an identity block open is a chain');
      const rects = visible.boxes.map((box) => layout.boxes.get(box.id)!);
      const centres = new Set(rects.map((r) => r.x + r.width / 2));
      assert.equal(centres.size, 1, 'one shared axis');
      const byTop = [...rects].sort((a, b) => a.y - b.y);
      for (let i = 1; i < byTop.length; i++) assert.ok(byTop[i].y >= byTop[i - 1].y + byTop[i - 1].height + 20, 'no overlap, room for labels');
      for (const box of visible.boxes) {
        for (let parent = box.parent; parent; parent = visible.groups.find((g) => g.id === parent)!.parent) {
          assert.ok(inside(layout.boxes.get(box.id)!, layout.groups.get(parent)!), `${box.id} inside ${parent}`);
        }
      }
      for (const edge of visible.edges.filter((e) => !e.lane)) {
        const points: Point[] = layout.edges.get(edge.id)!;
        const [start, end] = points;
        assert.equal(start.x, end.x);
        assert.equal(start.y, layout.boxes.get(edge.from)!.y + layout.boxes.get(edge.from)!.height);
        assert.equal(end.y, layout.boxes.get(edge.to)!.y);
      }
      assert.ok(layout.width >= Math.max(...[...layout.groups.values()].map((g) => g.x + g.width)));
    });

    it('puts projection shortcuts (downsample ops) in a side column of their block, above the addition', () => {
      const graph = resnet18();
      const { visible, index } = visibleFor(graph);
      const layout = chainLayout(visible);
      if (!layout) throw new Error('a fully expanded ResNet is a chain with side branches');
      for (const shortcut of graph.shortcuts.filter((s) => s.kind === 'projection')) {
        const block = layout.groups.get(index.groupByPath.get(shortcut.path)!.id)!;
        const merge: Rect = layout.boxes.get(shortcut.nodeId)!;
        for (const id of shortcut.shortcutNodeIds) {
          const side = layout.boxes.get(id)!;
          assert.ok(inside(side, block), `${id} inside its block`);
          assert.ok(side.x > merge.x + merge.width, `${id} right of the main column`);
          assert.ok(side.y + side.height < merge.y, `${id} above the addition`);
        }
        const route: Point[] = layout.edges.get(shortcut.edgeId)!;
        assert.deepEqual(route.at(-1), { x: merge.x + merge.width, y: merge.y + merge.height / 2 }, 'enters the addition from the side');
      }
    });

    it('leaves other branching graphs and empty ones to elkjs', () => {
      const { visible } = visibleFor(resnet18(), 1);
      const [a, , c] = visible.boxes;
      const branched = { ...visible, edges: [...visible.edges, { ...visible.edges[0], id: 'extra', from: a.id, to: c.id }] };
      assert.equal(chainLayout(branched), undefined);
      assert.equal(chainLayout(visibleFor(emptyGraph()).visible), undefined);
    });
  });

  describe('standalone page', () => {
    it('embeds JSON that cannot close its script element', () => {
      const text = embedJson({ message: '</script><script>alert(1)</script> <!-- \u2028' });
      assert.ok(!text.includes('</script'));
      assert.ok(!text.includes('<!--'));
      assert.deepEqual(JSON.parse(text), { message: '</script><script>alert(1)</script> <!-- \u2028' });
    });

    it('renders one self-contained page with a strict CSP, the data and the inlined bundle', () => {
      const graph = resnet18();
      graph.file = '/tmp/</script>.py';
      const html = renderStandaloneHtml(graph, DEFAULT_VIEW, { script: 'console.log("</script>")', style: 'body{}' });
      assert.match(html, /Content-Security-Policy" content="default-src 'none'; script-src 'nonce-[^']+'/);
      assert.equal((html.match(/<\/script>/g) ?? []).length, 2, 'only the two real closing tags');
      const nonce = /nonce-([^']+)'/.exec(html)![1];
      assert.ok(html.includes(`<script nonce="${nonce}">`));
      const data = /<script type="application\/json" id="netlens-data">([\s\S]*?)<\/script>/.exec(html)![1];
      assert.equal(JSON.parse(data).graph.nodes.length, graph.nodes.length);
      assert.ok(!/\b(src|href)="https?:/.test(html), 'nothing loaded from the network');
    });
  });
});
