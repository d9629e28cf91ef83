// Synthetic LayerGraphs (ResNet-like with groups, shortcuts, errors, very large) for webview tests and benches.
import type { Diagnostic, Edge, Group, LayerGraph, LayerNode, Shape, Shortcut, SourceRange } from '../../src/core/graph/ir';
import { opCategory } from '../../src/core/ops/categories';

export interface SyntheticOptions {
  /** Blocks per stage, e.g. [3, 8, 36, 3] for ResNet-152. */
  stages: number[];
  /** 'bottleneck' (1×1, 3×3, 1×1, expansion 4) or 'basic' (3×3, 3×3). */
  block: 'bottleneck' | 'basic';
  /** Break the shortcut of this block path (e.g. 'layer2.0') so its addition has mismatched shapes. */
  breakShortcutAt?: string;
  /** Replace every shape by null (shapes unknown). */
  unknownShapes?: boolean;
  model?: string;
}

function range(line: number, length = 20): SourceRange {
  return { line, column: 9, endLine: line, endColumn: 9 + length };
}

/** Builds a ResNet-like graph node by node, keeping ids, edges and groups consistent. */
class GraphBuilder {
  readonly nodes: LayerNode[] = [];
  readonly edges: Edge[] = [];
  readonly groups: Group[] = [];
  readonly shortcuts: Shortcut[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private line = 10;

  group(path: string, className: string, parent: string | null, kind: Group['kind']): Group {
    const group: Group = { id: `g${this.groups.length}`, path, className, parent, kind, params: 0, macs: 0, defRange: range(this.line++) };
    this.groups.push(group);
    this.groupById.set(group.id, group);
    return group;
  }

  node(op: string, path: string, group: Group, inputs: LayerNode[], outputShape: Shape | null, extra: Partial<LayerNode> = {}): LayerNode {
    const node: LayerNode = {
      id: `n${this.nodes.length}`, op, category: opCategory(op), path, group: group.id, attrs: {}, summary: '', params: 0, macs: 0,
      inputShapes: inputs.map((input) => input.outputShape), outputShape,
      defRange: range(this.line++), callRange: range(this.line++), ...extra,
    };
    this.nodes.push(node);
    inputs.forEach((input, slot) => this.edge(input, node, slot, 'data'));
    this.addCost(group, node.params, node.macs);
    return node;
  }

  edge(from: LayerNode, to: LayerNode, toInput: number, kind: Edge['kind']): Edge {
    const edge: Edge = { id: `e${this.edges.length}`, from: from.id, to: to.id, toInput, shape: from.outputShape, kind };
    this.edges.push(edge);
    return edge;
  }

  private readonly groupById = new Map<string, Group>();

  private addCost(groupOrNull: Group | undefined, params: number, macs: number): void {
    for (let group = groupOrNull; group; group = group.parent === null ? undefined : this.groupById.get(group.parent)) {
      group.params += params;
      group.macs += macs;
    }
  }

  conv(path: string, group: Group, input: LayerNode, outC: number, k: number, stride: number): LayerNode {
    const [n, inC, h, w] = input.outputShape as number[];
    const outH = Math.floor((h + 2 * Math.floor(k / 2) - k) / stride) + 1;
    const outW = Math.floor((w + 2 * Math.floor(k / 2) - k) / stride) + 1;
    const params = outC * inC * k * k;
    return this.node('Conv2d', path, group, [input], [n, outC, outH, outW], {
      attrs: { in_channels: inC, out_channels: outC, kernel_size: [k, k], stride: [stride, stride] },
      summary: `${k}×${k}${stride > 1 ? `, s${stride}` : ''}, ${inC}→${outC}`,
      params, macs: params * outH * outW * n,
    });
  }

  bn(path: string, group: Group, input: LayerNode): LayerNode {
    const c = (input.outputShape as number[])[1];
    return this.node('BatchNorm2d', path, group, [input], input.outputShape, { summary: `${c}`, params: 2 * c, attrs: { num_features: c } });
  }

  relu(path: string, group: Group, input: LayerNode): LayerNode {
    return this.node('ReLU', path, group, [input], input.outputShape);
  }
}

function buildBlock(b: GraphBuilder, path: string, parent: Group, input: LayerNode, width: number, stride: number, opts: SyntheticOptions): LayerNode {
  const bottleneck = opts.block === 'bottleneck';
  const expansion = bottleneck ? 4 : 1;
  const group = b.group(path, bottleneck ? 'Bottleneck' : 'BasicBlock', parent.id, 'residual');
  const inC = (input.outputShape as number[])[1];
  let x: LayerNode;
  if (bottleneck) {
    x = b.relu(`${path}.relu`, group, b.bn(`${path}.bn1`, group, b.conv(`${path}.conv1`, group, input, width, 1, 1)));
    x = b.relu(`${path}.relu#2`, group, b.bn(`${path}.bn2`, group, b.conv(`${path}.conv2`, group, x, width, 3, stride)));
    x = b.bn(`${path}.bn3`, group, b.conv(`${path}.conv3`, group, x, width * expansion, 1, 1));
  } else {
    x = b.relu(`${path}.relu`, group, b.bn(`${path}.bn1`, group, b.conv(`${path}.conv1`, group, input, width, 3, stride)));
    x = b.bn(`${path}.bn2`, group, b.conv(`${path}.conv2`, group, x, width, 3, 1));
  }
  let shortcutSource = input;
  const shortcutNodeIds: string[] = [];
  const needsProjection = stride !== 1 || inC !== width * expansion;
  const broken = opts.breakShortcutAt === path;
  if (needsProjection && !broken) {
    const ds = b.group(`${path}.downsample`, 'Sequential', group.id, 'sequential');
    const conv = b.conv(`${path}.downsample.0`, ds, input, width * expansion, 1, stride);
    shortcutSource = b.bn(`${path}.downsample.1`, ds, conv);
    shortcutNodeIds.push(conv.id, shortcutSource.id);
  }
  const shapes = [x.outputShape, shortcutSource.outputShape];
  const mismatch = JSON.stringify(shapes[0]) !== JSON.stringify(shapes[1]);
  const add = b.node('add', `${path}.add`, group, [x], x.outputShape, { error: mismatch || undefined });
  const edge = b.edge(shortcutSource, add, 1, 'shortcut');
  add.inputShapes.push(shortcutSource.outputShape);
  const shortcut: Shortcut = {
    id: `s${b.shortcuts.length}`, path, op: 'add', kind: shortcutNodeIds.length ? 'projection' : 'identity', shapes,
    nodeId: add.id, fromNodeId: input.id, shortcutOperand: 1, shortcutNodeIds, edgeId: edge.id, range: add.callRange!,
    error: mismatch || undefined,
  };
  b.shortcuts.push(shortcut);
  if (mismatch) {
    group.error = true;
    b.diagnostics.push({
      severity: 'error', code: 'shortcut-shape-mismatch', range: add.callRange!, related: [], nodeId: add.id, groupId: group.id,
        shapes: shapes.filter((shape): shape is Shape => shape !== null),
      message: `Shortcut shape ${shapes[1]?.join('×')} does not match residual branch ${shapes[0]?.join('×')} in ${path}`,
    });
  }
  return b.relu(`${path}.relu#3`, group, add);
}

/** A ResNet-like graph: stem, stages of residual blocks, pooling and a classifier. */
export function syntheticResNet(opts: SyntheticOptions): LayerGraph {
  const b = new GraphBuilder();
  const root = b.group('', 'ResNet', null, 'module');
  const input = b.node('Input', 'input', root, [], [1, 3, 224, 224]);
  let x = b.conv('conv1', root, input, 64, 7, 2);
  x = b.relu('relu', root, b.bn('bn1', root, x));
  const [n, c, h] = x.outputShape as number[];
  x = b.node('MaxPool2d', 'maxpool', root, [x], [n, c, Math.ceil(h / 2), Math.ceil(h / 2)], { summary: '3×3, s2' });
  opts.stages.forEach((blocks, stageIndex) => {
    const stage = b.group(`layer${stageIndex + 1}`, 'Sequential', root.id, 'sequential');
    for (let i = 0; i < blocks; i++) {
      x = buildBlock(b, `layer${stageIndex + 1}.${i}`, stage, x, 64 * 2 ** stageIndex, i === 0 && stageIndex > 0 ? 2 : 1, opts);
    }
  });
  const channels = (x.outputShape as number[])[1];
  x = b.node('AdaptiveAvgPool2d', 'avgpool', root, [x], [1, channels, 1, 1], { summary: '1×1' });
  x = b.node('flatten', 'flatten', root, [x], [1, channels]);
  const fc = b.node('Linear', 'fc', root, [x], [1, 1000], { summary: `${channels}→1000`, params: channels * 1000 + 1000, macs: channels * 1000 });
  b.node('Output', 'output', root, [fc], fc.outputShape);
  const graph: LayerGraph = {
    file: '/tmp/synthetic_resnet.py', model: opts.model ?? 'resnet()', input: [1, 3, 224, 224], inputSource: 'default',
    models: [{ expr: opts.model ?? 'resnet()', kind: 'function', name: 'resnet', line: 1 }, { expr: 'BasicBlock(64, 64)', kind: 'class', name: 'BasicBlock',
      line: 2 }],
    output: fc.outputShape, params: root.params, macs: root.macs,
    nodes: b.nodes, edges: b.edges, groups: b.groups, shortcuts: b.shortcuts, diagnostics: b.diagnostics,
  };
  if (opts.unknownShapes) {
    graph.output = null;
    for (const node of graph.nodes) { node.outputShape = null; node.inputShapes = node.inputShapes.map(() => null); }
    for (const edge of graph.edges) edge.shape = null;
    for (const shortcut of graph.shortcuts) shortcut.shapes = shortcut.shapes.map(() => null);
  }
  return graph;
}

export const resnet152 = (): LayerGraph => syntheticResNet({ stages: [3, 8, 36, 3], block: 'bottleneck', model: 'resnet152()' });
export const resnet18 = (): LayerGraph => syntheticResNet({ stages: [2, 2, 2, 2], block: 'basic', model: 'resnet18()' });
export const brokenResnet18 = (): LayerGraph =>
  syntheticResNet({ stages: [2, 2, 2, 2], block: 'basic', model: 'resnet18()', breakShortcutAt: 'layer2.0' });
/** Over 5,000 layers: 500 bottleneck blocks of 10 nodes (12 with a projection). */
export const huge5000 = (): LayerGraph => syntheticResNet({ stages: [125, 125, 125, 125], block: 'bottleneck', model: 'huge()' });

export function emptyGraph(): LayerGraph {
  return {
    file: '/tmp/empty.py', model: null, models: [], input: [1, 3, 224, 224], inputSource: 'default', output: null,
    params: 0, macs: 0, nodes: [], edges: [], groups: [], shortcuts: [],
    diagnostics: [{ severity: 'warning', code: 'no-model', message: 'No nn.Module subclass found in this file', range: range(1), related: [] }],
  };
}
