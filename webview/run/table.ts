// A sortable table of timed rows (blocks or layers) with share bars; clicking a row focuses its node in the graph.
import { escapeHtml, formatCompact, formatGflops, formatMs, formatPercent } from '../../src/core/format';

export interface TimedRow {
  /** Position in model order (the default sort). */
  order: number;
  /** Node to focus when the row is clicked. */
  nodeId: string | undefined;
  name: string;
  /** Indentation level in model order (blocks nest). */
  indent: number;
  type: string;
  shape: string;
  /** Set when the runtime shape differs from the static one: the text shows both. */
  mismatch?: string;
  params: number;
  macs: number;
  ms: number;
  share: number;
  gflops: number;
}

type SortKey = 'order' | 'name' | 'type' | 'shape' | 'params' | 'macs' | 'ms' | 'share' | 'gflops';

const COLUMNS: { key: SortKey; label: string; numeric: boolean; title: string }[] = [
  { key: 'order', label: '#', numeric: false, title: 'Model order' },
  { key: 'name', label: 'Name', numeric: false, title: 'Module path' },
  { key: 'type', label: 'Type', numeric: false, title: 'Op or module class' },
  { key: 'shape', label: 'Shape', numeric: false, title: 'Runtime output shape' },
  { key: 'params', label: 'Params', numeric: true, title: 'Trainable parameters' },
  { key: 'macs', label: 'MACs', numeric: true, title: 'Multiply-accumulates' },
  { key: 'ms', label: 'ms', numeric: true, title: 'Median time over the timed runs' },
  { key: 'share', label: 'Share', numeric: true, title: 'Share of the total time' },
  { key: 'gflops', label: 'GFLOP/s', numeric: true, title: 'Achieved GFLOP/s = 2·MACs / time' },
];

export class SortableTable {
  readonly element: HTMLTableElement;
  private rows: TimedRow[] = [];
  private sortKey: SortKey = 'order';
  private descending = false;

  constructor(
    private readonly onPick: (row: TimedRow) => void,
    private readonly kind: 'blocks' | 'layers',
  ) {
    this.element = document.createElement('table');
    this.element.className = 'nlr-table';
    this.element.dataset.runTable = kind;
    this.element.addEventListener('click', (event) => {
      const target = event.target as HTMLElement;
      const header = target.closest<HTMLElement>('th[data-sort]');
      if (header) {
        this.sortBy(header.dataset.sort as SortKey);
        return;
      }
      const row = target.closest<HTMLElement>('tr[data-index]');
      const picked = row ? this.rows[Number(row.dataset.index)] : undefined;
      if (picked) this.onPick(picked);
    });
  }

  setRows(rows: TimedRow[]): void {
    this.rows = rows;
    this.render();
  }

  /** Sorts by a column; clicking the same column again reverses. Numbers sort largest first. */
  sortBy(key: SortKey): void {
    if (this.sortKey === key) this.descending = !this.descending;
    else {
      this.sortKey = key;
      this.descending = COLUMNS.find((c) => c.key === key)?.numeric ?? false;
    }
    this.render();
  }

  private sorted(): number[] {
    const indices = this.rows.map((_, i) => i);
    const key = this.sortKey;
    const sign = this.descending ? -1 : 1;
    indices.sort((a, b) => {
      const ra = this.rows[a] as TimedRow;
      const rb = this.rows[b] as TimedRow;
      const va = ra[key];
      const vb = rb[key];
      const cmp = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
      return sign * cmp || ra.order - rb.order;
    });
    return indices;
  }

  private render(): void {
    const maxShare = Math.max(1e-9, ...this.rows.map((r) => r.share));
    const nested = this.sortKey === 'order' && !this.descending;
    const head = COLUMNS.map((c) => {
      const active = c.key === this.sortKey;
      const arrow = active ? (this.descending ? ' ▾' : ' ▴') : '';
      return `<th data-sort="${c.key}" class="${c.numeric ? 'num' : ''}${active ? ' active'
        : ''}" title="${escapeHtml(c.title)} — click to sort">${c.label}${arrow}</th>`;
    }).join('');
    const body = this.sorted()
      .map((index) => {
        const r = this.rows[index] as TimedRow;
        const indent = nested ? r.indent * 14 : 0;
        const shape = r.mismatch
          ? `<span class="nlr-mismatch" title="${escapeHtml(r.mismatch)}">⚠ ${escapeHtml(r.shape)}</span>`
          : escapeHtml(r.shape);
        const bar = `<span class="nlr-bar-track"><span class="nlr-bar" style="width:${((r.share / maxShare) * 100).toFixed(1)}%"></span></span>`;
        return (
          `<tr data-index="${index}" data-path="${escapeHtml(r.name)}"${r.mismatch ? ' data-error="true"' : ''}>` +
          `<td class="num order">${r.order + 1}</td>` +
          `<td class="name" style="padding-left:${6 + indent}px" title="${escapeHtml(r.name)}">${escapeHtml(r.name)}</td>` +
          `<td class="type">${escapeHtml(r.type)}</td>` +
          `<td class="shape">${shape}</td>` +
          `<td class="num">${r.params ? formatCompact(r.params) : ''}</td>` +
          `<td class="num">${r.macs ? formatCompact(r.macs) : ''}</td>` +
          `<td class="num ms">${formatMs(r.ms)}</td>` +
          `<td class="num share"><span class="nlr-share">${bar}<span class="nlr-share-text">${formatPercent(r.share)}</span></span></td>` +
          `<td class="num">${formatGflops(r.gflops)}</td>` +
          '</tr>'
        );
      })
      .join('');
    this.element.innerHTML = `<thead><tr>${head}</tr></thead><tbody>${body}</tbody>`;
  }
}
