// Styles of the Run panel, injected once; only VS Code theme variables (with the page's fallbacks) are used.
const CSS = `
.nlr { font: 12px/1.45 var(--nl-font, system-ui, sans-serif); color: var(--nl-fg, #1f2328); display: flex; flex-direction: column; gap: 8px; }
.nlr-head { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.nlr-title { font-weight: 600; font-size: 13px; }
.nlr-badge { font-size: 11px; padding: 1px 8px; border-radius: 10px; border: 1px solid var(--nl-border, #d5dae0);
  color: var(--nl-muted, #646c76); white-space: nowrap; }
.nlr-badge[data-backend="webgl"] { color: var(--vscode-charts-green, #2a8a3e); border-color: currentColor; }
.nlr-badge[data-backend="wasm"] { color: var(--vscode-charts-blue, #2f6fd0); border-color: currentColor; }
.nlr-badge[data-over="true"] { color: var(--nl-error, #cf222e); border-color: currentColor; }
.nlr-spacer { flex: 1; }
.nlr-control { display: inline-flex; align-items: center; gap: 4px; color: var(--nl-muted, #646c76); }
.nlr select, .nlr input { font: inherit; color: var(--vscode-input-foreground, var(--nl-fg, #1f2328));
  background: var(--vscode-input-background, var(--nl-surface, #fff)); border: 1px solid var(--vscode-input-border, var(--nl-border, #d5dae0));
  border-radius: 3px; padding: 2px 4px; }
.nlr input[type="number"] { width: 44px; }
.nlr button { font: inherit; cursor: pointer; border-radius: 3px; padding: 3px 12px; border: 1px solid transparent;
  color: var(--vscode-button-foreground, #fff); background: var(--vscode-button-background, #2f6fd0); }
.nlr button:hover { background: var(--vscode-button-hoverBackground, #2a62b8); }
.nlr button.secondary { color: var(--vscode-button-secondaryForeground, var(--nl-fg, #1f2328));
  background: var(--vscode-button-secondaryBackground, color-mix(in srgb, var(--nl-fg, #1f2328) 8%, transparent)); }
.nlr button.icon { padding: 3px 8px; }
.nlr button:disabled { opacity: 0.5; cursor: default; }
.nlr-progress { display: flex; align-items: center; gap: 10px; color: var(--nl-muted, #646c76); }
.nlr-track {
  flex: 1; max-width: 360px; height: 4px; border-radius: 2px; background: color-mix(in srgb, var(--nl-fg, #1f2328) 10%, transparent); overflow: hidden;
}
.nlr-fill { height: 100%; width: 0; background: var(--nl-accent, #2f6fd0); transition: width 120ms linear; }
.nlr-summary { display: flex; gap: 18px; flex-wrap: wrap; align-items: baseline; }
.nlr-stat { display: flex; flex-direction: column; }
.nlr-stat b { font-size: 15px; font-weight: 600; font-variant-numeric: tabular-nums; }
.nlr-stat span { color: var(--nl-muted, #646c76); font-size: 11px; }
.nlr-ok { color: var(--vscode-charts-green, #2a8a3e); }
.nlr-message { padding: 6px 10px; border-radius: 4px; border-left: 3px solid var(--nl-muted, #646c76);
  background: color-mix(in srgb, var(--nl-fg, #1f2328) 5%, transparent); }
.nlr-message.error { border-left-color: var(--nl-error, #cf222e); color: var(--nl-error, #cf222e); }
.nlr-message.warning { border-left-color: var(--nl-warning, #9a6700); }
.nlr-mismatches { margin: 0; padding-left: 18px; }
.nlr-tabs { display: flex; gap: 2px; border-bottom: 1px solid var(--nl-border, #d5dae0); }
.nlr-tabs button { color: var(--nl-muted, #646c76); background: transparent; border-radius: 0; padding: 4px 10px;
  border-bottom: 2px solid transparent; }
.nlr-tabs button:hover { background: transparent; color: var(--nl-fg, #1f2328); }
.nlr-tabs button[aria-selected="true"] { color: var(--nl-fg, #1f2328); border-bottom-color: var(--nl-accent, #2f6fd0); }
.nlr-table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
.nlr-table th { position: sticky; top: 0; background: var(--nl-bg, #fbfbfc); text-align: left; font-weight: 600;
  color: var(--nl-muted, #646c76); padding: 4px 6px; cursor: pointer; user-select: none; white-space: nowrap;
  border-bottom: 1px solid var(--nl-border, #d5dae0); }
.nlr-table th.active { color: var(--nl-fg, #1f2328); }
.nlr-table td { padding: 2px 6px; white-space: nowrap; border-bottom: 1px solid color-mix(in srgb, var(--nl-border, #d5dae0) 50%, transparent); }
.nlr-table .num { text-align: right; }
.nlr-table td.order { color: var(--nl-muted, #646c76); width: 28px; }
.nlr-table td.name { font-family: var(--nl-mono, monospace); font-size: 11.5px; max-width: 280px; overflow: hidden; text-overflow: ellipsis; }
.nlr-table td.type, .nlr-table td.shape { color: var(--nl-muted, #646c76); }
.nlr-table td.shape { font-family: var(--nl-mono, monospace); font-size: 11.5px; }
.nlr-table tbody tr { cursor: pointer; }
.nlr-table tbody tr:hover { background: var(--vscode-list-hoverBackground, color-mix(in srgb, var(--nl-accent, #2f6fd0) 8%, transparent)); }
.nlr-table tr[data-error="true"] td.shape, .nlr-mismatch { color: var(--nl-error, #cf222e); }
.nlr-share { display: inline-flex; align-items: center; justify-content: flex-end; gap: 6px; width: 100%; min-width: 110px; }
.nlr-bar-track { display: inline-block; width: 60px; height: 6px; }
.nlr-bar { display: block; height: 6px; border-radius: 3px; margin-left: auto; background: hsl(20 85% 55%); opacity: 0.8; }
.nlr-share-text { min-width: 40px; }
`;

let injected = false;

export function injectRunPanelStyles(): void {
  if (injected) return;
  injected = true;
  const style = document.createElement('style');
  style.textContent = CSS;
  document.head.appendChild(style);
}
