// Public API of the forward pass (pure TypeScript; callers pass their own TensorFlow.js namespace).
export { runForward, prepareRun, type ForwardOptions, type PreparedRun, type RunProgress, type RunPhase } from './forward';
export type { ForwardReport, LayerResult, BlockResult, ShapeMismatch, OutputStats } from './report';
export { RunRefusedError, LayerFailedError, RunCancelledError } from './errors';
export { estimateMemory, enforceMemoryBudget, formatBytes, type MemoryBackend, type MemoryEstimate } from './memory';
export { planProgram, type ProgramPlan, type PlanStep } from './plan';
export { materialiseWeights, materialiseInput, stateDictKey, type MaterialisedWeight, type ModelWeights } from './weights';
