// The one rule for an input shape written as text: `--input 1,3,224,224` on the command line and the
// `# netlens: input=1,3,224,224` comment in a model file (1 to 6 dimensions, each a whole number from 1 to 2^20).

export const MAX_INPUT_RANK = 6;
export const MAX_INPUT_DIM = 1 << 20;

/** The shape `text` spells (`1,3,224,224`, `1x3x224x224`, `(1, 3, 224, 224)`), or why it is not one. */
export function parseShapeText(text: string): { shape: number[] } | { problem: string } {
  const inner = text.trim().replace(/^\((.*)\)$|^\[(.*)\]$/s, '$1$2');
  const parts = inner.split(/[,x×\s]+/).filter((p) => p.length > 0);
  if (parts.length === 0) return { problem: 'no dimensions' };
  if (parts.length > MAX_INPUT_RANK) return { problem: `${parts.length} dimensions (at most ${MAX_INPUT_RANK})` };
  const shape: number[] = [];
  for (const part of parts) {
    const d = /^-?\d+$/.test(part) ? Number(part) : NaN;
    if (!Number.isInteger(d)) return { problem: `'${part}' is not a whole number` };
    if (d < 1) return { problem: `dimension ${part} is below 1` };
    if (d > MAX_INPUT_DIM) return { problem: `dimension ${part} is above ${MAX_INPUT_DIM.toLocaleString('en-US')}` };
    shape.push(d);
  }
  return { shape };
}
