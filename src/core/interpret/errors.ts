// Control signals of the interpreter: Python exceptions (catchable by try/except) and budget exhaustion (never catchable).
import type { Pos } from '../python/ast';
import type { Value } from './values';

/** A Python-level exception (TypeError, NameError, a user `raise`, ...). `value` is the exception object when raised by code. */
export class PyError extends Error {
  constructor(
    readonly pyType: string,
    message: string,
    public pos: Pos | null,
    readonly value: Value = null,
  ) {
    super(message);
  }
}

/** The step budget or depth limit ran out; unwinds the whole analysis. */
export class BudgetExceeded extends Error {
  constructor(
    readonly reason: string,
    readonly pos: Pos | null,
  ) {
    super(reason);
  }
}

export function typeError(message: string, pos: Pos | null = null): PyError {
  return new PyError('TypeError', message, pos);
}
export function attributeError(message: string, pos: Pos | null = null): PyError {
  return new PyError('AttributeError', message, pos);
}
export function valueError(message: string, pos: Pos | null = null): PyError {
  return new PyError('ValueError', message, pos);
}
