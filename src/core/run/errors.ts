// Errors the forward pass raises: a refusal before anything runs, a failing layer, and a cancellation.

/** The graph cannot be run (unknown op, unknown input dimension, memory budget exceeded...). Nothing was executed. */
export class RunRefusedError extends Error {
  constructor(
    message: string,
    /** Stable machine-readable reason. */
    readonly code: 'unknown-op' | 'no-forward' | 'no-input' | 'unknown-shape' | 'bad-graph' | 'memory-budget',
    /** The node the refusal is about, when there is one. */
    readonly nodeId?: string,
  ) {
    super(message);
    this.name = 'RunRefusedError';
  }
}

/** A layer threw while running; `message` names the layer. */
export class LayerFailedError extends Error {
  constructor(
    message: string,
    readonly nodeId: string,
    readonly path: string,
    readonly op: string,
  ) {
    super(message);
    this.name = 'LayerFailedError';
  }
}

/** The run was cancelled through its AbortSignal. */
export class RunCancelledError extends Error {
  constructor() {
    super('Forward pass cancelled');
    this.name = 'RunCancelledError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RunCancelledError();
}
