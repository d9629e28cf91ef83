// Parses `netlens` command-line arguments into a typed request; bad usage is reported, never thrown past main.
import type { InputDtype, InputSpec } from '../core/graph/ir';
import { MAX_INPUT_RANK, parseShapeText } from '../core/inputShape';
import { SETTING_BOUNDS } from '../core/defaults';
export type CommandName = 'check' | 'view' | 'run';

export interface CliRequest {
  command: CommandName;
  file: string;
  model?: string;
  /** The first positional tensor input's shape (the common case of one `--input`). */
  input?: number[];
  /** Every `--input`, in order. */
  inputs: InputSpec[];
  json: boolean;
  /** view: `all` or a collapse depth. */
  expand?: number | 'all';
  /** view: output HTML file. */
  output?: string;
  /** check: deepest module level shown in the table. */
  depth?: number;
  backend?: 'cpu' | 'wasm';
  seed?: number;
  dump?: string;
  /** run: timed repetitions per layer. */
  runs?: number;
  /** run: refuse a forward pass estimated above this many MiB (`--memory-budget`); default CLI_DEFAULTS. */
  memoryBudget?: number;
  /** More folders searched for the file's absolute imports (`--path`, repeatable). */
  paths: string[];
  /** The Python environment whose installed packages are read (`--python-path`). */
  pythonPath?: string;
  /** Wall-clock seconds the analysis may take (`--max-time`); default DEFAULT_MAX_TIME_S. */
  maxTime?: number;
  /** MiB of heap the analysis may use (`--max-memory`); default DEFAULT_MAX_MEMORY_MB. */
  maxMemory?: number;
}

export class UsageError extends Error {}

export const USAGE = `Usage:
  netlens check FILE [--model EXPR] [--input N,C,H,W] [--depth N] [--json]
  netlens view  FILE [--model EXPR] [--input N,C,H,W] [--expand all|N] -o OUT.html
  netlens run   FILE [--model EXPR] [--input N,C,H,W] [--backend cpu|wasm] [--seed N] [--runs N] [--json] [--dump DIR]
                [--memory-budget MIB]

  --model EXPR   a Python call expression evaluated in FILE's scope, e.g. 'resnet50()' or
                 'ResNet(Bottleneck, [3, 4, 6, 3], num_classes=10)'; default: the file's top model
  --input SPEC   an input of forward, repeatable: SHAPE[:DTYPE] for the next positional tensor
                 (1,3,224,224 or 1,64:int64; DTYPE float32, int64 or bool), NAME=SHAPE[:DTYPE] for a
                 tensor by parameter name (t=1:int64), NAME=INT or NAME=True/False for a plain value
                 (start_pos=0). Default: a '# netlens: input=1,3,224,224' comment, else the file's own
                 call of the model (net(torch.randn(...)) in a test function or main block), else
                 derived from the first layer
  --path DIR     another folder to resolve the file's imports from (repeatable); the file's project
                 (its package, the folder holding .git or pyproject.toml, a src/ layout) is always searched
  --python-path P  a Python environment (site-packages, virtual environment or its interpreter) whose
                 installed libraries are read; default: a .venv or venv in the project, if any
  --memory-budget MIB  run: refuse a forward pass whose estimated peak memory is above MIB (default 4096)
  --max-time S   stop the analysis after S seconds (default 30)
  --max-memory M stop the analysis when it needs more than M MiB of heap (default 2048)
  --help, --version
Exit codes: 0 no error, 1 an error diagnostic (or a failed run), 2 bad usage or unreadable file.`;

const DTYPES: Record<string, InputDtype> = { float32: 'float32', float: 'float32', int64: 'int64', long: 'int64', int: 'int64', bool: 'bool' };

/** Parses one `--input`: `1,3,224,224`, `1,64:int64`, `t=1:int64`, `start_pos=0`, `use_cache=False`. */
export function parseInputArgument(text: string): InputSpec {
  const named = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(text.trim());
  const name = named?.[1];
  const rest = named ? named[2].trim() : text.trim();
  if (name !== undefined) {
    if (rest === 'True' || rest === 'False') return { name, value: rest === 'True' };
    if (/^-?\d+$/.test(rest)) return { name, value: Number(rest) };
  }
  const [shapeText, dtypeText, ...extra] = rest.split(':');
  const dtype = dtypeText === undefined ? undefined : DTYPES[dtypeText.trim().toLowerCase()];
  if (extra.length || (dtypeText !== undefined && !dtype)) throw new UsageError(`invalid input '${text}': the dtype after ':' is float32, int64 or bool`);
  const spec: InputSpec = { shape: parseShapeArgument(shapeText) };
  if (name !== undefined) spec.name = name;
  if (dtype) spec.dtype = dtype;
  return spec;
}

/** Parses `1,3,224,224` (also `1x3x224x224`). */
export function parseShapeArgument(text: string): number[] {
  const parsed = parseShapeText(text);
  if ('problem' in parsed) {
    throw new UsageError(`invalid input shape '${text}' (${parsed.problem}): expected 1 to ${MAX_INPUT_RANK} positive integers such as 1,3,224,224`);
  }
  return parsed.shape;
}

export const DEFAULT_MAX_TIME_S = 30;
export const DEFAULT_MAX_MEMORY_MB = 2048;
/** PyTorch's manual_seed takes 64 bits, NetLens's generator 32: a larger seed would wrap silently. */
const MAX_SEED = 2 ** 32 - 1;

function parseBoundedNumber(flag: string, text: string, min: number, max: number, integer: boolean): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new UsageError(`${flag} expects ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got '${text}'`);
  }
  return value;
}

/** `netlens --help`, `netlens CMD --help`, `--version`: the text to print, or null for a normal run. */
export function informationRequest(argv: string[], version: string): string | null {
  if (argv.includes('--version') || argv.includes('-V')) return `netlens ${version}`;
  if (!argv.some((a) => a === '--help' || a === '-h')) return null;
  const command = argv[0];
  if (command !== 'check' && command !== 'view' && command !== 'run') return USAGE;
  const [, ...lines] = USAGE.split('\n');
  return ['Usage:', ...lines.filter((line) => !/^ {2}netlens /.test(line) || line.startsWith(`  netlens ${command} `))].join('\n');
}

function parseNonNegativeInt(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`${flag} expects a non-negative integer, got '${text}'`);
  return value;
}

export function parseArguments(argv: string[]): CliRequest {
  const [command, ...rest] = argv;
  if (command !== 'check' && command !== 'view' && command !== 'run') {
    throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
  }
  const request: CliRequest = { command, file: '', json: false, paths: [], inputs: [] };
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inlineValue] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg,
      undefined];
    const value = (): string => {
      const v = inlineValue ?? rest[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--model': request.model = value(); break;
      case '--input': {
        const spec = parseInputArgument(value());
        request.inputs.push(spec);
        if (!request.input && spec.name === undefined && spec.shape) request.input = spec.shape;
        break;
      }
      case '--json': request.json = true; break;
      case '--depth': request.depth = parseNonNegativeInt(flag, value()); break;
      case '--expand': {
        const v = value();
        request.expand = v === 'all' ? 'all' : parseNonNegativeInt(flag, v);
        break;
      }
      case '-o': case '--output': request.output = value(); break;
      case '--backend': {
        const v = value();
        if (v !== 'cpu' && v !== 'wasm') throw new UsageError(`--backend expects cpu or wasm, got '${v}'`);
        request.backend = v;
        break;
      }
      case '--seed': request.seed = parseBoundedNumber(flag, value(), 0, MAX_SEED, true); break;
      case '--runs': request.runs = Math.max(1, parseNonNegativeInt(flag, value())); break;
      case '--memory-budget': request.memoryBudget = parseBoundedNumber(flag, value(), SETTING_BOUNDS.runMemoryBudgetMiB.minimum,
        SETTING_BOUNDS.runMemoryBudgetMiB.maximum, true); break;
      case '--dump': {
        const v = value();
        if (v.trim() === '') throw new UsageError('--dump needs a folder name');
        request.dump = v;
        break;
      }
      case '--max-time': request.maxTime = parseBoundedNumber(flag, value(), 0.1, 3600, false); break;
      case '--max-memory': request.maxMemory = parseBoundedNumber(flag, value(), 64, 65536, true); break;
      case '--path': request.paths.push(value()); break;
      case '--python-path': request.pythonPath = value(); break;
      default:
        if (flag.startsWith('-')) throw new UsageError(`unknown option '${flag}'`);
        positional.push(arg);
    }
  }
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'no FILE given' : `expected one FILE, got ${positional.length}`);
  request.file = positional[0];
  if (request.command === 'view' && !request.output) throw new UsageError('view needs -o OUT.html');
  if (request.output !== undefined && (request.output.trim() === '' || /[\\/]$/.test(request.output))) {
    throw new UsageError(`-o expects an HTML file name, got '${request.output}' (a folder?)`);
  }
  return request;
}
