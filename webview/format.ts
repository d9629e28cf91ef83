// Text measuring for the webview's boxes (numbers, shapes and escaping come from src/core/format.ts, shared with host and CLI).

/** The last segment of a module path: `layer2.0.conv1` → `conv1`. */
export function lastSegment(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot >= 0 ? path.slice(dot + 1) : path;
}

/** Approximate rendered width of text in the webview's UI font, used to size boxes before layout. */
export function textWidth(text: string, fontSize: number): number {
  return textUnits(text) * fontSize;
}

/** Widths of the texts measured so far, in em: big models repeat the same names and shapes thousands of times. */
const measured = new Map<string, number>();

function textUnits(text: string): number {
  const known = measured.get(text);
  if (known !== undefined) return known;
  let units = 0;
  for (const ch of text) units += /[ilj.,:;'|!1 ]/.test(ch) ? 0.32 : /[mwMW@]/.test(ch) ? 0.85 : /[A-Z0-9×→]/.test(ch) ? 0.64 : 0.55;
  if (text.length <= 200) {
    if (measured.size >= 100_000) measured.clear();
    measured.set(text, units);
  }
  return units;
}

/** Cuts text to fit a width, ending with an ellipsis when shortened. */
export function fitText(text: string, maxWidth: number, fontSize: number): string {
  // No character is narrower than 0.32 em: more than this many never fit, so a 100,000-character module name is cut
  // to a few dozen before measuring (measuring it whole at each step took seconds per label).
  const mostThatFit = Math.max(1, Math.ceil(maxWidth / (0.32 * fontSize)) + 1);
  if (text.length <= mostThatFit && textWidth(text, fontSize) <= maxWidth) return text;
  let cut = text.slice(0, mostThatFit);
  while (cut.length > 1 && textWidth(`${cut}…`, fontSize) > maxWidth) cut = cut.slice(0, -1);
  return `${cut}…`;
}
