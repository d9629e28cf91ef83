// JSON text for the CLI's --json output and the embedded graph: as JSON.stringify, except that integers of 1e21 and
// more (JSON.stringify writes 1e+21) are written as plain digits, so a consumer never reads a count in exponent notation.

const EXPONENT_FROM = 1e21;

/** JSON.stringify(value) with integers past 1e21 in plain digits (no replacer, no indentation). */
export function stringifyJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function write(value: unknown, out: string[]): void {
  if (typeof value === 'number') {
    out.push(Number.isInteger(value) && Math.abs(value) >= EXPONENT_FROM ? BigInt(value).toString() : JSON.stringify(value));
    return;
  }
  if (value === null || typeof value !== 'object') {
    // Strings, booleans; undefined, functions and symbols write as JSON.stringify writes them in an array slot.
    out.push(JSON.stringify(value) ?? 'null');
    return;
  }
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') {
    write(withToJson.toJSON(), out);
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i) out.push(',');
      write(item, out);
    });
    out.push(']');
    return;
  }
  out.push('{');
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    write(item, out);
  }
  out.push('}');
}
