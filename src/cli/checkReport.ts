// The `netlens check --json` contract: one typed object built from the LayerGraph (tests and CI depend on it exactly).
import type { Diagnostic, LayerGraph, ModelInput, Shape } from '../core/graph/ir';

export interface CheckJsonLayer {
  path: string;
  op: string;
  /** 1-based line of the call in forward, else of the definition. */
  line: number | null;
  /** The imported file that line is in; absent for the checked file. */
  file?: string;
  output: Shape | null;
  params: number;
  macs: number;
}

export interface CheckJsonShortcut {
  path: string;
  line: number;
  op: 'add' | 'cat';
  kind: 'identity' | 'projection';
  shapes: (Shape | null)[];
}

export interface CheckJsonDiagnostic {
  severity: Diagnostic['severity'];
  code: string;
  /** The imported file the diagnostic is in; absent for the checked file. */
  file?: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  shapes?: Shape[];
}

export interface CheckJson {
  file: string;
  model: string | null;
  /** Constructible model candidates as Python call expressions. */
  models: string[];
  input: Shape;
  /** Every argument forward was traced with (name, shape or null when unknown, dtype, where it came from). */
  inputs: ModelInput[];
  output: Shape | null;
  /** Every parameter of the model (Keras: Total params, non-trainable weights included). */
  params: number;
  /** Keras models only: Trainable params and Non-trainable params, summing to `params`. */
  trainableParams?: number;
  nonTrainableParams?: number;
  macs: number;
  layers: CheckJsonLayer[];
  shortcuts: CheckJsonShortcut[];
  diagnostics: CheckJsonDiagnostic[];
  /** Project files the checked file imports (directly or not). */
  imports: string[];
}

export function buildCheckJson(graph: LayerGraph): CheckJson {
  return {
    file: graph.file,
    model: graph.model,
    models: graph.models.map((m) => m.expr),
    input: graph.input,
    inputs: graph.inputs ?? [],
    output: graph.output,
    params: graph.params,
    ...(graph.trainableParams !== undefined ? { trainableParams: graph.trainableParams, nonTrainableParams: graph.nonTrainableParams ?? 0 } : {}),
    macs: graph.macs,
    layers: graph.nodes
      .filter((n) => n.op !== 'Input' && n.op !== 'Output')
      .map((n) => ({
        path: n.path,
        op: n.op,
        line: (n.callRange ?? n.defRange)?.line ?? null,
        ...((n.callRange ?? n.defRange)?.file ? { file: (n.callRange ?? n.defRange)!.file } : {}),
        output: n.outputShape,
        params: n.params,
        macs: n.macs,
      })),
    shortcuts: graph.shortcuts.map((s) => ({ path: s.path, line: s.range.line, op: s.op, kind: s.kind, shapes: s.shapes })),
    diagnostics: graph.diagnostics.map((d) => ({
      severity: d.severity,
      code: d.code,
      ...(d.range.file ? { file: d.range.file } : {}),
      line: d.range.line,
      column: d.range.column,
      endLine: d.range.endLine,
      endColumn: d.range.endColumn,
      message: d.message,
      ...(d.shapes ? { shapes: d.shapes } : {}),
    })),
    imports: graph.imports ?? [],
  };
}

/** Exit code of `check`: 1 when any diagnostic is an error. */
export function checkExitCode(graph: LayerGraph): 0 | 1 {
  return graph.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
