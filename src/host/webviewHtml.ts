// Builds the webview's HTML document: the built bundle and stylesheet under a strict, nonce-based Content Security Policy.

export interface WebviewHtmlInput {
  /** `webview.cspSource`: the origin VS Code serves local resources from. */
  cspSource: string;
  /** Fresh random nonce for this document (see createNonce). */
  nonce: string;
  /** webview URIs (already converted with asWebviewUri). */
  scriptUri: string;
  styleUri: string;
  /** Folder of the extension's dist/ (wasm files for the forward pass live there), with a trailing slash. */
  distUri: string;
  title: string;
}

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A 32-character nonce from a cryptographic random source. */
export function createNonce(randomBytes: (size: number) => Uint8Array): string {
  return Array.from(randomBytes(32), (byte) => NONCE_ALPHABET[byte % NONCE_ALPHABET.length]).join('');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The Content-Security-Policy value: nothing is allowed except our own files, our nonce'd script and wasm compilation. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'wasm-unsafe-eval'`,
    // Styles only (never scripts) may be inline: the Run panel injects its stylesheet and sizes its bars with style attributes.
    `style-src ${cspSource} 'unsafe-inline'`,
    `img-src ${cspSource} data: blob:`,
    `font-src ${cspSource}`,
    // The forward pass fetches tfjs .wasm files from dist/; the layout worker starts from a blob: URL.
    `connect-src ${cspSource}`,
    'worker-src blob:',
  ].join('; ');
}

export function buildWebviewHtml(input: WebviewHtmlInput): string {
  const csp = contentSecurityPolicy(input.cspSource, input.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(input.styleUri)}">
<title>${escapeAttribute(input.title)}</title>
</head>
<body data-ready="false" data-host="vscode" data-dist-uri="${escapeAttribute(input.distUri)}">
<div id="app"></div>
<script nonce="${input.nonce}" src="${escapeAttribute(input.scriptUri)}"></script>
</body>
</html>`;
}
