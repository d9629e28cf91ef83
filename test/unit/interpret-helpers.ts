// Shared helpers of the interpreter and graph tests: one analyzer per process, dedented inline Python.
import { createAnalyzer, type Analyzer, type AnalyzeOptions } from '../../src/core/analyze';
import type { LayerGraph } from '../../src/core/graph/ir';

let analyzer: Promise<Analyzer> | undefined;

/** Removes the common indentation of a template literal so snippets can be indented in the test source. */
export function py(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

export async function analyze(source: string, options?: AnalyzeOptions): Promise<LayerGraph> {
  analyzer ??= createAnalyzer();
  return (await analyzer).analyze(source, 'snippet.py', options);
}

export function errors(g: LayerGraph): string[] {
  return g.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}@${d.range.line}`);
}

export function layerPaths(g: LayerGraph): string[] {
  return g.nodes.filter((n) => n.op !== 'Input' && n.op !== 'Output').map((n) => `${n.path}:${n.op}`);
}

export const HEADER = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n';
