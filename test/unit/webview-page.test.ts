// The one HTML page module: VS Code's panel and the CLI's standalone file share the shell, the CSP, the nonce and the escaping.
import { strict as assert } from 'node:assert';
import { buildWebviewHtml, contentSecurityPolicy, createNonce, renderPage } from '../../src/webviewPage';
import { renderStandaloneHtml } from '../../src/cli/view';
import type { LayerGraph } from '../../src/core/graph/ir';
import { defaultViewOptions } from '../../src/core/defaults';

const nonce = createNonce((size) => new Uint8Array(size).map((_, i) => i * 11));

describe('webview page', () => {
  it('allows the standalone page nothing from outside: no origin, no connect-src', () => {
    const csp = contentSecurityPolicy(null, nonce);
    assert.match(csp, /^default-src 'none'; script-src 'nonce-[A-Za-z0-9]{32}' 'wasm-unsafe-eval'; /);
    assert.doesNotMatch(csp, /connect-src|https?:/);
    assert.match(csp, /font-src data:/);
  });

  it('keeps a hostile origin from breaking out of the CSP attribute', () => {
    const csp = contentSecurityPolicy('https://x" onload="alert(1)><script>', nonce);
    assert.doesNotMatch(csp, /[<>"]/);
  });

  it("keeps VS Code's real cspSource (several source expressions, 'self' quoted) intact", () => {
    const csp = contentSecurityPolicy("'self' https://*.vscode-cdn.net", nonce);
    assert.match(csp, /style-src 'self' https:\/\/\*\.vscode-cdn\.net /);
    assert.match(csp, /connect-src 'self' https:\/\/\*\.vscode-cdn\.net/);
  });

  it('escapes the title and body data in both pages the same way', () => {
    const shell = renderPage({ title: '<b>"x"</b>', csp: contentSecurityPolicy(null, nonce), head: '', bodyData: { path: `a"<'` }, body: '' });
    assert.match(shell, /<title>&lt;b&gt;&quot;x&quot;&lt;\/b&gt;<\/title>/);
    assert.match(shell, /<body data-ready="false" data-path="a&quot;&lt;&#39;">/);
    const host = buildWebviewHtml({ cspSource: 'https://r', nonce, scriptUri: 'https://r/m.js', styleUri: 'https://r/m.css', distUri: 'https://r/', title: '<a>' });
    const graph = { file: 'x.py', model: '<a>', nodes: [], edges: [], groups: [] } as unknown as LayerGraph;
    const standalone = renderStandaloneHtml(graph, defaultViewOptions(), { script: '', style: '' });
    for (const html of [host, standalone]) {
      assert.match(html, /<title>NetLens · &lt;a&gt;<\/title>|<title>&lt;a&gt;<\/title>/);
      assert.match(html, /^<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy"/);
      assert.match(html, /<body data-ready="false"[^>]*>\n<div id="app"><\/div>\n/);
    }
  });
});
