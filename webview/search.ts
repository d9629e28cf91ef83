// Search by module path or op: marks matching drawn boxes (collapsed groups that hide matches too); Enter cycles and expands.
import type { GraphIndex } from './graph-index';

export interface SearchHost {
  index(): GraphIndex | undefined;
  visibleIds(): Set<string>;
  /** Drawn id (node or collapsed group) standing for a node. */
  representative(nodeId: string): string | undefined;
  mark(ids: Set<string>): void;
  focus(nodeId: string): void;
  status(text: string): void;
}

export class Search {
  private query = '';
  private matches: string[] = [];
  private cursor = -1;

  constructor(private readonly host: SearchHost) {}

  setQuery(query: string): void {
    this.query = query.trim().toLowerCase();
    this.cursor = -1;
    this.refresh();
  }

  /** Recomputes matches for the current graph and collapse state. */
  refresh(): void {
    const index = this.host.index();
    if (!index || !this.query) {
      this.matches = [];
      this.host.mark(new Set());
      this.host.status('');
      return;
    }
    const q = this.query;
    this.matches = index.graph.nodes
      .filter((node) => node.path.toLowerCase().includes(q) || node.op.toLowerCase().includes(q) || node.summary.toLowerCase().includes(q))
      .map((node) => node.id);
    const marked = new Set<string>();
    for (const id of this.matches) {
      const drawn = this.host.representative(id);
      if (drawn) marked.add(drawn);
    }
    this.host.mark(marked);
    this.updateStatus();
  }

  /** Moves to the next (or previous) match, expanding the groups that hide it. */
  next(backwards = false): void {
    if (this.matches.length === 0) return;
    const count = this.matches.length;
    this.cursor = this.cursor < 0 ? (backwards ? count - 1 : 0) : (this.cursor + (backwards ? count - 1 : 1)) % count;
    this.updateStatus();
    this.host.focus(this.matches[this.cursor]);
  }

  private updateStatus(): void {
    const count = this.matches.length;
    if (count === 0) this.host.status('No matches');
    else this.host.status(this.cursor >= 0 ? `${this.cursor + 1} of ${count}` : `${count} match${count === 1 ? '' : 'es'}`);
  }
}
