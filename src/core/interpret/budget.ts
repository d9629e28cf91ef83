// The analysis budget: a step counter and a call-depth limit so hostile input ends quickly with one diagnostic.
import type { Pos } from '../python/ast';
import { BudgetExceeded } from './errors';

/** Default steps: ResNet-152 needs well under a tenth of this; a runaway loop exhausts it in a few hundred ms. */
export const DEFAULT_STEP_BUDGET = 1_000_000;
export const DEFAULT_MAX_DEPTH = 200;

export class Budget {
  steps = 0;
  depth = 0;
  constructor(
    readonly maxSteps: number = DEFAULT_STEP_BUDGET,
    readonly maxDepth: number = DEFAULT_MAX_DEPTH,
  ) {}

  /** Counts one step (a statement, a loop iteration, a call); throws when the budget is spent. */
  step(pos: Pos | null): void {
    if (++this.steps > this.maxSteps) throw new BudgetExceeded(`more than ${this.maxSteps.toLocaleString('en-US')} interpreter steps (an unbounded loop?)`, pos);
  }

  /** Counts `n` steps at once (constructing a module or applying an op is worth many statements). */
  charge(n: number, pos: Pos | null): void {
    this.steps += n - 1;
    this.step(pos);
  }

  enter(pos: Pos | null): void {
    if (++this.depth > this.maxDepth) {
      this.depth = 0;
      throw new BudgetExceeded(`call depth over ${this.maxDepth} (unbounded recursion?)`, pos);
    }
  }

  leave(): void {
    if (this.depth > 0) this.depth--;
  }
}
