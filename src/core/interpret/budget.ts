// The analysis budget: a step counter and a call-depth limit so hostile input ends quickly with one diagnostic.
import type { Pos } from '../python/ast';
import { BudgetExceeded } from './errors';

/** Default steps: ResNet-152 needs well under a tenth of this; a runaway loop exhausts it in a few hundred ms. */
export const DEFAULT_STEP_BUDGET = 1_000_000;
export const DEFAULT_MAX_DEPTH = 200;

export class Budget {
  steps = 0;
  depth = 0;
  /** Once spent, a budget stays spent: code in `finally` blocks and `__exit__` cannot start over while unwinding. */
  private spent: BudgetExceeded | null = null;
  constructor(
    readonly maxSteps: number = DEFAULT_STEP_BUDGET,
    readonly maxDepth: number = DEFAULT_MAX_DEPTH,
  ) {}

  /** Counts one step (a statement, a loop iteration, a call); throws when the budget is spent. */
  step(pos: Pos | null): void {
    if (++this.steps > this.maxSteps)
      throw this.spend(this.spent?.reason ?? `more than ${this.maxSteps.toLocaleString('en-US')} interpreter steps (an unbounded loop?)`, pos);
  }

  /** Counts `n` steps at once (constructing a module or applying an op is worth many statements). */
  charge(n: number, pos: Pos | null): void {
    this.steps += n - 1;
    this.step(pos);
  }

  enter(pos: Pos | null): void {
    if (this.spent) throw this.spent;
    if (++this.depth > this.maxDepth) {
      // The failed call never ran: its frame leaves nothing to unwind.
      this.depth--;
      throw this.spend(`call depth over ${this.maxDepth} (unbounded recursion?)`, pos);
    }
  }

  /** Whether the budget ran out (everything after that fails at once). */
  get exhausted(): boolean {
    return this.spent !== null;
  }

  private spend(reason: string, pos: Pos | null): BudgetExceeded {
    this.steps = Math.max(this.steps, this.maxSteps);
    this.spent ??= new BudgetExceeded(reason, pos);
    return this.spent;
  }

  leave(): void {
    if (this.depth > 0) this.depth--;
  }
}
