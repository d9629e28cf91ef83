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

  /** Lower-cased path, op and summary of each node (one line each, so a query never spans two), built once per graph. */
  private names: { index: GraphIndex; names: string[] } | undefined;

  constructor(private readonly host: SearchHost) {}

  private namesOf(index: GraphIndex): string[] {
    if (this.names?.index !== index) this.names = { index, names: index.graph.nodes.map((n) => `${n.path}\n${n.op}\n${n.summary}`.toLowerCase()) };
    return this.names.names;
  }

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
    const names = this.namesOf(index);
    const nodes = index.graph.nodes;
    this.matches = [];
    for (let i = 0; i < nodes.length; i++) if (names[i].includes(q)) this.matches.push(nodes[i].id);
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
