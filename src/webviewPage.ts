// The webview's HTML page for both hosts (VS Code's panel and the CLI's standalone file): one shell, CSP, nonce and escaping.
import { escapeHtml } from './core/format';

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A 32-character nonce from a cryptographic random source (node:crypto's randomBytes, passed in). */
export function createNonce(randomBytes: (size: number) => Uint8Array): string {
  return Array.from(randomBytes(32), (byte) => NONCE_ALPHABET[byte % NONCE_ALPHABET.length]).join('');
}

/** VS Code serves the bundle from its resource origin (`webview.cspSource`); the standalone page inlines everything (null). */
export type ResourceOrigin = string | null;

/**
 * The Content-Security-Policy value: nothing is allowed except our own files, our nonce'd script and wasm compilation.
 * Safe as attribute text by construction: the nonce is alphanumeric and the origin keeps only source-expression characters.
 */
export function contentSecurityPolicy(origin: ResourceOrigin, nonce: string): string {
  // VS Code's cspSource is a list of source expressions ("'self' https://*.vscode-cdn.net"): keep each well-formed one.
  origin = origin === null ? null : origin.split(/\s+/).filter((t) => t === "'self'" || /^[\w\-.:/*+]+$/.test(t)).join(' ');
  const own = origin === null ? '' : `${origin} `;
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'wasm-unsafe-eval'`,
    // Styles only (never scripts) may be inline: the Run panel injects its stylesheet and sizes its bars with style attributes.
    `style-src ${own}'unsafe-inline'`,
    `img-src ${own}data: blob:`,
    origin === null ? 'font-src data:' : `font-src ${origin}`,
    // In VS Code the forward pass fetches tfjs .wasm files from dist/; the standalone page fetches nothing.
    ...(origin === null ? [] : [`connect-src ${origin}`]),
    // The layout worker starts from a blob: URL.
    'worker-src blob:',
  ].join('; ');
}

export interface PageParts {
  title: string;
  /** From contentSecurityPolicy (inserted as it is: its text needs no escaping). */
  csp: string;
  /** Markup for <head> after the title (stylesheet link or inline style); the caller makes it safe. */
  head: string;
  /** Attributes of <body> besides data-ready, escaped here. */
  bodyData?: Record<string, string>;
  /** Markup after the app's root element (data and scripts); the caller makes it safe. */
  body: string;
}

/** The document around the webview: the CSP first, then the app's root element, which the bundle fills in. */
export function renderPage(parts: PageParts): string {
  const data = Object.entries(parts.bodyData ?? {}).map(([name, value]) => ` data-${name}="${escapeHtml(value)}"`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${parts.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="NetLens">
<title>${escapeHtml(parts.title)}</title>
${parts.head}
</head>
<body data-ready="false"${data}>
<div id="app"></div>
${parts.body}</body>
</html>
`;
}

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

/** The page of VS Code's webview panel: bundle and stylesheet loaded from the extension's dist/. */
export function buildWebviewHtml(input: WebviewHtmlInput): string {
  return renderPage({
    title: input.title,
    csp: contentSecurityPolicy(input.cspSource, input.nonce),
    head: `<link rel="stylesheet" href="${escapeHtml(input.styleUri)}">`,
    bodyData: { host: 'vscode', 'dist-uri': input.distUri },
    body: `<script nonce="${input.nonce}" src="${escapeHtml(input.scriptUri)}"></script>\n`,
  });
}
