// Builds LayerGraphs by hand through the op registry (shapes, params, MACs from each entry) for forward-pass tests and benches.
import type { AttrValue, Edge, Group, GroupKind, LayerGraph, LayerNode, Shape } from '../../src/core/graph/ir';
import { getOp } from '../../src/core/ops/registry';
import { opCategory } from '../../src/core/ops/categories';
import type { Attrs } from '../../src/core/ops/types';

export class GraphBuilder {
  private readonly nodes: LayerNode[] = [];
  private readonly edges: Edge[] = [];
  private readonly groups: Group[] = [];
  private readonly groupByPath = new Map<string, Group>();
  private readonly calls = new Map<string, number>();
  private readonly paramsByPath = new Map<string, number>();
  readonly inputId: string;

  constructor(readonly input: number[], className = 'Net') {
    this.group('', className, 'module');
    this.inputId = this.push({ op: 'Input', path: 'input', attrs: {}, inputs: [], outputShape: [...input], params: 0, macs: 0 });
  }

  /** Declares a module (group) at `path`; its parent is the module whose path is the longest prefix. */
  group(path: string, className: string, kind: GroupKind = 'module'): this {
    const parentPath = path === '' ? null : path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
    const parent = parentPath === null ? null : (this.groupByPath.get(parentPath)?.id ?? null);
    const group: Group = { id: `g${this.groups.length}`, path, className, parent, kind, params: 0, macs: 0 };
    this.groups.push(group);
    this.groupByPath.set(path, group);
    return this;
  }

  /** Adds a registry op applied to `inputs` (node ids); returns the new node's id. */
  layer(op: string, path: string, attrs: Record<string, AttrValue>, inputs: string[]): string {
    const spec = getOp(op);
    if (!spec) throw new Error(`test graph: op ${op} is not registered`);
    let bound: Attrs = {};
    for (const param of spec.signature ?? []) if (param.default !== undefined) bound[param.name] = param.default;
    bound = { ...bound, ...attrs };
    if (spec.normalize) bound = spec.normalize(bound);
    const inputShapes = inputs.map((id) => this.shapeOf(id));
    const outputShape = spec.inferShape(bound, inputShapes);
    const reuse = this.calls.get(path) ?? 0;
    const params = reuse > 0 ? 0 : (spec.weights?.(bound) ?? []).filter((w) => w.trainable).reduce((sum, w) => sum + w.shape.reduce((p, d) => p * d, 1), 0);
    const macs = spec.macs?.(bound, inputShapes, outputShape) ?? 0;
    this.calls.set(path, reuse + 1);
    this.paramsByPath.set(path, (this.paramsByPath.get(path) ?? 0) + params);
    return this.push({ op, path, attrs: bound, inputs, outputShape, params, macs, reuse });
  }

  shapeOf(id: string): Shape {
    const node = this.nodes.find((candidate) => candidate.id === id);
    if (!node?.outputShape) throw new Error(`test graph: no shape for ${id}`);
    return node.outputShape;
  }

  build(file = 'test.py'): LayerGraph {
    const last = this.nodes[this.nodes.length - 1] as LayerNode;
    for (const group of this.groups) {
      const inside = (path: string): boolean => group.path === '' || path === group.path || path.startsWith(`${group.path}.`);
      group.params = [...this.paramsByPath].filter(([path]) => inside(path)).reduce((sum, [, params]) => sum + params, 0);
      group.macs = this.nodes.filter((node) => node.op !== 'Input' && inside(node.path)).reduce((sum, node) => sum + node.macs, 0);
    }
    return {
      file,
      model: 'Net()',
      models: [],
      input: [...this.input],
      inputSource: 'argument',
      output: last.outputShape,
      params: this.groups[0]?.params ?? 0,
      macs: this.groups[0]?.macs ?? 0,
      nodes: this.nodes,
      edges: this.edges,
      groups: this.groups,
      shortcuts: [],
      diagnostics: [],
    };
  }

  private groupFor(path: string): string | null {
    for (let prefix = path; ; prefix = prefix.slice(0, prefix.lastIndexOf('.'))) {
      const parentPath = prefix.includes('.') ? prefix.slice(0, prefix.lastIndexOf('.')) : '';
      const group = this.groupByPath.get(parentPath);
      if (group) return group.id;
      if (!prefix.includes('.')) return this.groupByPath.get('')?.id ?? null;
    }
  }

  private push(init: { op: string; path: string; attrs: Attrs; inputs: string[]; outputShape: Shape; params: number; macs: number; reuse?: number }): string {
    const id = `n${this.nodes.length}`;
    const inputShapes = init.inputs.map((input) => this.shapeOf(input));
    this.nodes.push({
      id,
      op: init.op,
      category: opCategory(init.op),
      path: init.path,
      group: init.op === 'Input' ? (this.groupByPath.get('')?.id ?? null) : this.groupFor(init.path),
      attrs: init.attrs,
      summary: '',
      inputShapes,
      outputShape: init.outputShape,
      params: init.params,
      macs: init.macs,
      reuse: init.reuse ?? 0,
    });
    init.inputs.forEach((from, slot) => {
      this.edges.push({ id: `e${this.edges.length}`, from, to: id, toInput: slot, shape: this.shapeOf(from), kind: 'data' });
    });
    return id;
  }
}

/** conv-bn-relu-maxpool stem, one residual block (identity shortcut, ReLU module called twice), avgpool, flatten, linear. */
export function smallResidualNet(input: number[] = [2, 3, 12, 12], classes = 5): LayerGraph {
  const g = new GraphBuilder(input, 'SmallNet');
  g.group('stem', 'Sequential', 'sequential').group('block', 'BasicBlock', 'residual');
  const channels = 8;
  let x = g.layer('Conv2d', 'stem.0', { in_channels: input[1] as number, out_channels: channels, kernel_size: 3, stride: 1, padding: 1, bias: false },
    [g.inputId]);
  x = g.layer('BatchNorm2d', 'stem.1', { num_features: channels }, [x]);
  x = g.layer('ReLU', 'stem.2', {}, [x]);
  const pooled = g.layer('MaxPool2d', 'pool', { kernel_size: 3, stride: 2, padding: 1 }, [x]);
  x = g.layer('Conv2d', 'block.conv1', { in_channels: channels, out_channels: channels, kernel_size: 3, stride: 1, padding: 1, bias: false }, [pooled]);
  x = g.layer('BatchNorm2d', 'block.bn1', { num_features: channels }, [x]);
  x = g.layer('ReLU', 'block.relu', {}, [x]);
  x = g.layer('Conv2d', 'block.conv2', { in_channels: channels, out_channels: channels, kernel_size: 3, stride: 1, padding: 1, bias: true }, [x]);
  x = g.layer('add', 'block.add', {}, [x, pooled]);
  x = g.layer('ReLU', 'block.relu', {}, [x]);
  x = g.layer('AdaptiveAvgPool2d', 'avgpool', { output_size: [1, 1] }, [x]);
  x = g.layer('Flatten', 'flatten', { start_dim: 1, end_dim: -1 }, [x]);
  g.layer('Linear', 'fc', { in_features: channels, out_features: classes }, [x]);
  return g.build('small_residual.py');
}

/** torchvision-style ResNet (BasicBlock for 18/34, Bottleneck for 50/101/152) built through the registry. */
export function resnetGraph(depth: 18 | 34 | 50 | 101 | 152, input: number[] = [1, 3, 224, 224], classes = 1000): LayerGraph {
  const layout: Record<number, [boolean, number[]]> = {
    18: [false, [2, 2, 2, 2]],
    34: [false, [3, 4, 6, 3]],
    50: [true, [3, 4, 6, 3]],
    101: [true, [3, 4, 23, 3]],
    152: [true, [3, 8, 36, 3]],
  };
  const [bottleneck, blocks] = layout[depth] as [boolean, number[]];
  const expansion = bottleneck ? 4 : 1;
  const g = new GraphBuilder(input, 'ResNet');
  const conv = (path: string, x: string, inC: number, outC: number, k: number, stride: number): string =>
    g.layer('Conv2d', path, { in_channels: inC, out_channels: outC, kernel_size: k, stride, padding: Math.floor(k / 2), bias: false }, [x]);
  const bn = (path: string, x: string, c: number): string => g.layer('BatchNorm2d', path, { num_features: c }, [x]);
  let x = conv('conv1', g.inputId, input[1] as number, 64, 7, 2);
  x = bn('bn1', x, 64);
  x = g.layer('ReLU', 'relu', {}, [x]);
  x = g.layer('MaxPool2d', 'maxpool', { kernel_size: 3, stride: 2, padding: 1 }, [x]);
  let inC = 64;
  blocks.forEach((count, stage) => {
    const width = 64 << stage;
    const stagePath = `layer${stage + 1}`;
    g.group(stagePath, 'Sequential', 'sequential');
    for (let b = 0; b < count; b++) {
      const stride = b === 0 && stage > 0 ? 2 : 1;
      const p = `${stagePath}.${b}`;
      g.group(p, bottleneck ? 'Bottleneck' : 'BasicBlock', 'residual');
      const identity = x;
      let y: string;
      if (bottleneck) {
        y = g.layer('ReLU', `${p}.relu`, {}, [bn(`${p}.bn1`, conv(`${p}.conv1`, x, inC, width, 1, 1), width)]);
        y = g.layer('ReLU', `${p}.relu`, {}, [bn(`${p}.bn2`, conv(`${p}.conv2`, y, width, width, 3, stride), width)]);
        y = bn(`${p}.bn3`, conv(`${p}.conv3`, y, width, width * expansion, 1, 1), width * expansion);
      } else {
        y = g.layer('ReLU', `${p}.relu`, {}, [bn(`${p}.bn1`, conv(`${p}.conv1`, x, inC, width, 3, stride), width)]);
        y = bn(`${p}.bn2`, conv(`${p}.conv2`, y, width, width, 3, 1), width);
      }
      let shortcut = identity;
      if (stride !== 1 || inC !== width * expansion) {
        g.group(`${p}.downsample`, 'Sequential', 'sequential');
        shortcut = bn(`${p}.downsample.1`, conv(`${p}.downsample.0`, identity, inC, width * expansion, 1, stride), width * expansion);
      }
      x = g.layer('ReLU', `${p}.relu`, {}, [g.layer('add', `${p}.add`, {}, [y, shortcut])]);
      inC = width * expansion;
    }
  });
  x = g.layer('AdaptiveAvgPool2d', 'avgpool', { output_size: [1, 1] }, [x]);
  x = g.layer('Flatten', 'flatten', { start_dim: 1, end_dim: -1 }, [x]);
  g.layer('Linear', 'fc', { in_features: inC, out_features: classes }, [x]);
  return g.build(`resnet${depth}.py`);
}
