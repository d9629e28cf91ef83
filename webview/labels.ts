// Text lines and box sizes of drawn items, computed once so layout and painting agree.
import type { Group, LayerNode } from '../src/core/graph/ir';
import type { ViewOptions } from '../src/protocol';
import { formatCompact, formatCompactShape } from '../src/core/format';
import { lastSegment, textWidth } from './format';

export const FONT = { title: 12, detail: 11 };
export const NODE_HEIGHT = 42;
export const PSEUDO_HEIGHT = 28;
export const COLLAPSED_HEIGHT = 58;
export const MIN_NODE_WIDTH = 132;
export const MAX_NODE_WIDTH = 280;
export const PAD_X = 12;

export interface BoxLabel {
  /** Left part of the first line (module name), right part (op or class). */
  title: string;
  titleRight: string;
  /** Second line (key attributes, params), third line for collapsed groups (output shape, MACs). */
  lines: string[];
  width: number;
  height: number;
}

const isPseudoIo = (op: string): boolean => op === 'Input' || op === 'Output';

function widthFor(parts: string[], extra: number): number {
  const widest = Math.max(0, ...parts.map((text, i) => textWidth(text, i === 0 ? FONT.title : FONT.detail)));
  return Math.min(MAX_NODE_WIDTH, Math.max(MIN_NODE_WIDTH, Math.ceil(widest + extra + 2 * PAD_X)));
}

/** Labels of a layer node: `conv1  Conv2d` / `3×3, s2, 64→128 · 73.7 K`. */
export function nodeLabel(node: LayerNode, options: ViewOptions): BoxLabel {
  if (isPseudoIo(node.op)) {
    const shape = formatCompactShape(node.outputShape);
    const title = shape ? `${node.op} · ${shape}` : node.op;
    return { title, titleRight: '', lines: [], width: Math.max(96, Math.ceil(textWidth(title, FONT.title) + 2 * PAD_X + 8)), height: PSEUDO_HEIGHT };
  }
  // Sequential children are named by index (`features.0.1`): lead with the op then, and show the index on the right.
  const segment = node.path ? lastSegment(node.path) : '';
  const indexed = /^\d+$/.test(segment);
  const name = segment && !indexed ? segment : node.op;
  const details: string[] = [];
  if (node.summary) details.push(node.summary);
  if (options.showParams && node.params > 0) details.push(`${formatCompact(node.params)} params`);
  if (options.showMacs && node.macs > 0) details.push(`${formatCompact(node.macs)} MACs`);
  const detail = details.join(' · ');
  const titleRight = indexed ? `[${segment}]` : name === node.op ? '' : node.op;
  const lines = detail ? [detail] : [];
  const titleText = titleRight ? `${name}   ${titleRight}` : name;
  return { title: name, titleRight, lines, width: widthFor([titleText, detail], 6), height: lines.length ? NODE_HEIGHT : PSEUDO_HEIGHT + 2 };
}

/** Labels of a collapsed group: `layer2.0 · BasicBlock` / `230 K params · 0.1 G MACs` / `→ 128×28×28`. */
export function collapsedLabel(group: Group, outputShape: string, childCount: number): BoxLabel {
  const title = group.path || group.className;
  const stats = [`${formatCompact(group.params)} params`];
  if (group.macs > 0) stats.push(`${formatCompact(group.macs)} MACs`);
  const third = [`${childCount} layer${childCount === 1 ? '' : 's'}`];
  if (outputShape) third.push(`→ ${outputShape}`);
  const lines = [stats.join(' · '), third.join('  ')];
  // 34: the chevron before the title and a clear gap before the class name (titles are bold, wider than estimated).
  return { title, titleRight: group.className, lines, width: widthFor([`${title}   ${group.className}`, ...lines], 34), height: COLLAPSED_HEIGHT };
}

/** Header of an expanded group box: `▾ layer2.0 · BasicBlock · 230 K params`. */
export function groupHeader(group: Group): string {
  const parts = [group.path || group.className, group.className, `${formatCompact(group.params)} params`];
  return parts.join(' · ');
}
