// Parses `netlens` command-line arguments into a typed request; bad usage is reported, never thrown past main.
export type CommandName = 'check' | 'view' | 'run';

export interface CliRequest {
  command: CommandName;
  file: string;
  model?: string;
  input?: number[];
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
  /** More folders searched for the file's absolute imports (`--path`, repeatable). */
  paths: string[];
  /** The Python environment whose installed packages are read (`--python-path`). */
  pythonPath?: string;
}

export class UsageError extends Error {}

export const USAGE = `Usage:
  netlens check FILE [--model EXPR] [--input N,C,H,W] [--depth N] [--json]
  netlens view  FILE [--model EXPR] [--input N,C,H,W] [--expand all|N] -o OUT.html
  netlens run   FILE [--model EXPR] [--input N,C,H,W] [--backend cpu|wasm] [--seed N] [--runs N] [--json] [--dump DIR]

  --model EXPR   a Python call expression evaluated in FILE's scope, e.g. 'resnet50()' or
                 'ResNet(Bottleneck, [3, 4, 6, 3], num_classes=10)'; default: the file's top model
  --input SHAPE  input tensor shape; default: a '# netlens: input=1,3,224,224' comment, else derived
                 from the first layer
  --path DIR     another folder to resolve the file's imports from (repeatable); the file's project
                 (its package, the folder holding .git or pyproject.toml, a src/ layout) is always searched
  --python-path P  a Python environment (site-packages, virtual environment or its interpreter) whose
                 installed libraries are read; default: a .venv or venv in the project, if any
Exit codes: 0 no error, 1 an error diagnostic (or a failed run), 2 bad usage or unreadable file.`;

/** Parses `1,3,224,224` (also `1x3x224x224`). */
export function parseShapeArgument(text: string): number[] {
  const parts = text.split(/[,x×\s]+/).filter((p) => p.length > 0);
  const dims = parts.map((p) => Number(p));
  if (dims.length === 0 || dims.length > 6 || dims.some((d) => !Number.isInteger(d) || d < 1 || d > 1 << 20)) {
    throw new UsageError(`invalid input shape '${text}': expected positive integers such as 1,3,224,224`);
  }
  return dims;
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
  const request: CliRequest = { command, file: '', json: false, paths: [] };
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inlineValue] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inlineValue ?? rest[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--model': request.model = value(); break;
      case '--input': request.input = parseShapeArgument(value()); break;
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
      case '--seed': request.seed = parseNonNegativeInt(flag, value()); break;
      case '--runs': request.runs = Math.max(1, parseNonNegativeInt(flag, value())); break;
      case '--dump': request.dump = value(); break;
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
  return request;
}
