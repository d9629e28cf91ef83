// Which inputs a model's forward gets: given ones, the file's comment, the file's own use, a token model's context, a guess.
import type { InputDtype, InputSpec, ModelInput, Shape } from './graph/ir';
import type { Pos, Program, Stmt } from './python/ast';
import { Budget } from './interpret/budget';
import { BudgetExceeded, PyError } from './interpret/errors';
import type { Interpreter } from './interpret/interpreter';
import { isModule, walkModules } from './interpret/modules';
import { PyClass, PyFunction, PyInstance, PyTensor, type Value } from './interpret/values';

/** The default input a layer type implies (Conv2d with C input channels → 1×C×224×224), or null. */
export function inputForLayer(op: string, a: Record<string, unknown>): Shape | null {
  const ch = (a.in_channels ?? a.num_features) as number | undefined;
  switch (op) {
    case 'Conv2d':
    case 'BatchNorm2d':
    case 'ConvTranspose2d':
      return [1, ch ?? 3, 224, 224];
    case 'Conv1d':
      return [1, ch ?? 1, 1024];
    case 'BatchNorm1d':
      return [1, ch ?? 1];
    case 'Conv3d':
      return [1, ch ?? 3, 16, 112, 112];
    case 'Linear':
      return [1, (a.in_features as number) ?? 1];
    case 'LayerNorm': {
      const ns = a.normalized_shape;
      return [1, ...(Array.isArray(ns) ? (ns as number[]) : [ns as number])];
    }
  }
  return null;
}

/** Attribute names under which token models keep their context length. */
const CONTEXT_ATTRS = ['block_size', 'max_seq_len', 'context_length', 'n_positions', 'max_position_embeddings', 'seq_len', 'max_len', 'n_ctx'];

/** A token model's context length, read from the model or its config object (`self.config.block_size`). */
function contextLength(root: PyInstance): number | null {
  const holders: Value[] = [root, root.dict.get('config') ?? null, root.dict.get('cfg') ?? null, root.dict.get('args') ?? null,
    root.dict.get('params') ?? null];
  for (const h of holders) {
    if (!(h instanceof PyInstance)) continue;
    for (const name of CONTEXT_ATTRS) {
      const v = h.dict.get(name);
      if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
    }
  }
  return null;
}

/** The input the first registered layer implies; a model that starts with nn.Embedding gets token ids. */
export function defaultInputFor(root: Value): { shape: Shape; dtype: InputDtype; why: string } {
  if (isModule(root)) {
    for (const m of walkModules(root)) {
      const image = einopsImageInput(m);
      if (image) return { shape: image, dtype: 'float32', why: 'an image, from the first einops layer\'s pattern' };
      const layer = m.mod!.layer;
      if (!layer) continue;
      if (layer.spec.op === 'Embedding') {
        const ctx = contextLength(root);
        return { shape: [1, ctx ?? 128], dtype: 'int64',
          why: ctx ? 'token ids over the model\'s context length' : 'token ids (context length unknown: 128 assumed)' };
      }
      const shape = inputForLayer(layer.spec.op, layer.attrs);
      if (shape) return { shape, dtype: 'float32', why: 'derived from the first layer' };
    }
  }
  return { shape: [1, 3, 224, 224], dtype: 'float32', why: 'assumed' };
}

/** A first `Rearrange('b c (h p1) (w p2) -> …')` takes images (4-D) or videos (5-D): 3 channels, 224 pixels. */
function einopsImageInput(m: PyInstance): Shape | null {
  const pattern = m.cls.qualified?.startsWith('einops.layers.') ? m.dict.get('pattern') : undefined;
  if (typeof pattern !== 'string' || !pattern.includes('->')) return null;
  const left = pattern.split('->')[0].trim();
  const rank = left.replace(/\([^)]*\)/g, 'x').split(/\s+/).filter(Boolean).length;
  return rank === 4 ? [1, 3, 224, 224] : rank === 5 ? [1, 3, 16, 224, 224] : null;
}

/** Thrown to end a usage probe at the first model call (not a Python exception: no `except` can catch it). */
class ProbeDone extends Error {}

/** Zero-argument functions whose name says they exercise the model (`test()`, `main()`, `demo()`). */
const USAGE_FUNCTION = /^(_?test\w*|main|demo|example|run|check\w*|sanity\w*|debug\w*|\w*_test)$/;
const PROBE_STEPS = 400_000;

/** Bodies that exercise the model: `if __name__ == '__main__':` blocks and test/main functions. */
function usageBodies(program: Program, globals: Map<string, Value>): (Stmt[] | PyFunction)[] {
  const out: (Stmt[] | PyFunction)[] = [];
  for (const s of program.body) {
    if (s.s === 'if') {
      const c = s.branches[0]?.cond;
      if (c?.k === 'cmp' && c.first.k === 'name' && c.first.id === '__name__') out.push(s.branches[0].body);
    } else if (s.s === 'def' && USAGE_FUNCTION.test(s.name)) {
      const fn = globals.get(s.name);
      if (fn instanceof PyFunction && fn.params.every((p) => p.default !== undefined || p.kind === 'varargs' || p.kind === 'kwargs')) out.push(fn);
    }
  }
  return out;
}

/** What a file does with its models: the class of each model called with tensors, and their shapes. */
export interface ObservedCall {
  cls: PyClass;
  shapes: Shape[];
  /** Where the called model was constructed (its constructor call), when known. */
  constructedAt: Pos | null;
}

/**
 * Runs the file's own usage code (main block, test functions) on a small budget and records the first model call whose
 * arguments are tensors of known shape (`net(torch.randn(1, 3, 32, 32))`). Nothing it does is reported.
 */
export function observeFileUsage(it: Interpreter, program: Program, execBody: (body: Stmt[]) => void): ObservedCall[] {
  const observed: ObservedCall[] = [];
  const bodies = usageBodies(program, it.globals.vars);
  if (bodies.length === 0) return observed;
  const hooks = it.hooks;
  const callModule = hooks.callModule;
  const savedBudget = it.budget;
  const savedDiagnostics = it.diagnostics.checkpoint();
  hooks.callModule = (inst, args, kwargs, site) => {
    const tensors = args.filter((a): a is PyTensor => a instanceof PyTensor);
    if (tensors.length > 0 && tensors.length === args.length && tensors.every((t) => t.shape !== null && t.shape.every((d) => d !== null))) {
      observed.push({ cls: inst.cls, shapes: tensors.map((t) => t.shape!), constructedAt: inst.mod?.defPos ?? null });
      throw new ProbeDone();
    }
    return callModule(inst, args, kwargs, site);
  };
  try {
    for (const body of bodies) {
      it.budget = new Budget(PROBE_STEPS, savedBudget.maxDepth);
      try {
        if (body instanceof PyFunction) it.call(body, [], null, body.p);
        else execBody(body);
      } catch (err) {
        if (!(err instanceof ProbeDone || err instanceof PyError || err instanceof BudgetExceeded || err instanceof RangeError)) throw err;
      }
    }
  } finally {
    hooks.callModule = callModule;
    it.budget = savedBudget;
    it.diagnostics.rollback(savedDiagnostics);
  }
  return observed;
}

/** The shapes the file itself feeds to a model of this class (or a subclass), if it does. */
export function observedInputFor(observed: ObservedCall[], root: PyInstance): Shape[] | null {
  const hit = observed.find((o) => root.cls === o.cls) ?? observed.find((o) => root.cls.isSubclassOf(o.cls) || o.cls.isSubclassOf(root.cls));
  return hit ? hit.shapes : null;
}

/**
 * Binds the given inputs to forward's parameters: positional specs in order, named ones by name. Returns one entry per
 * parameter that gets a value, plus the required parameters nobody gave (their shapes are unknown).
 */
export function bindInputs(forward: Value | undefined,
  given: InputSpec[]): { bound: (InputSpec & { name: string })[]; missing: string[]; unknownNames: string[] } {
  const params = forward instanceof PyFunction ? forward.params.slice(1) : [];
  const positional = params.filter((p) => p.kind === 'normal');
  const bound: (InputSpec & { name: string })[] = [];
  const unknownNames: string[] = [];
  let next = 0;
  for (const spec of given) {
    if (spec.name !== undefined) {
      if (!params.some((p) => p.name === spec.name) && !params.some((p) => p.kind === 'kwargs')) unknownNames.push(spec.name);
      bound.push({ ...spec, name: spec.name });
    } else {
      const p = positional[next++];
      bound.push({ ...spec, name: p?.name ?? `input${next}` });
    }
  }
  const required = forward instanceof PyFunction ? positional.filter((p) => !forward.defaults.has(p.name)).map((p) => p.name) : ['input'];
  const missing = required.filter((n) => !bound.some((b) => b.name === n));
  return { bound, missing, unknownNames };
}

/** The IR record of one input. */
export function modelInput(name: string, shape: Shape | null, dtype: InputDtype, source: ModelInput['source'], value?: number | boolean): ModelInput {
  const out: ModelInput = { name, shape, dtype, source };
  if (value !== undefined) out.value = value;
  return out;
}

/**
 * The model the file's own usage code builds and calls, as a Python expression (`VGG('VGG11')`), when no candidate
 * names its class: the text of its constructor call in the entry file, if that is one line.
 */
export function usageModelExpression(observed: ObservedCall[], source: string, candidateNames: string[]): string | null {
  const first = observed[0];
  const at = first?.constructedAt;
  if (!at || at.src || at.line !== at.endLine || candidateNames.includes(first.cls.name)) return null;
  const line = source.split('\n', at.line)[at.line - 1] ?? '';
  const text = line.slice(at.col - 1, at.endCol - 1).trim();
  return /^[A-Za-z_][\w.]*\(.*\)$/.test(text) ? text : null;
}
