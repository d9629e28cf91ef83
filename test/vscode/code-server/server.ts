// Installs (or reuses) code-server, installs the freshly built .vsix into a clean profile, and starts/stops the server.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
const CACHE = process.env.NETLENS_CODE_SERVER_CACHE ?? path.join(ROOT, '.cache', 'code-server');
const NODE24 = path.join(CACHE, 'node24', 'node_modules', 'node', 'bin', 'node');
const ENTRY = path.join(CACHE, 'app', 'node_modules', 'code-server', 'out', 'node', 'entry.js');

export interface ServerPaths {
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
  logFile: string;
}

export interface RunningServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Runs scripts/install-code-server.sh (a no-op when the cache already holds code-server). */
export function ensureCodeServer(): void {
  const result = spawnSync('bash', [path.join(ROOT, 'scripts', 'install-code-server.sh')], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`installing code-server failed (exit ${result.status}); see the output above`);
  if (!fs.existsSync(ENTRY) || !fs.existsSync(NODE24)) throw new Error(`code-server is not where it should be: ${ENTRY}`);
}

/** The .vsix that `npm run package` produced for the current package.json version (or $NETLENS_VSIX). */
export function packagedVsix(): string {
  if (process.env.NETLENS_VSIX) return path.resolve(process.env.NETLENS_VSIX);
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = path.join(ROOT, `${manifest.name}-${manifest.version}.vsix`);
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first (npm run test:vscode does)`);
  return vsix;
}

/** A clean profile and a workspace holding copies of the example models (the tests may edit them). */
export function prepareProfile(runDir: string, exampleFiles: string[]): ServerPaths {
  fs.rmSync(runDir, { recursive: true, force: true });
  const paths: ServerPaths = {
    userDataDir: path.join(runDir, 'user-data'),
    extensionsDir: path.join(runDir, 'extensions'),
    workspace: path.join(runDir, 'workspace'),
    logFile: path.join(runDir, 'code-server.log'),
  };
  for (const dir of [paths.userDataDir, paths.extensionsDir, paths.workspace]) fs.mkdirSync(dir, { recursive: true });
  for (const file of exampleFiles) fs.copyFileSync(file, path.join(paths.workspace, path.basename(file)));
  const userSettings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'editor.minimap.enabled': false,
    'editor.hover.delay': 200,
    'window.commandCenter': false,
  };
  fs.mkdirSync(path.join(paths.userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(paths.userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  return paths;
}

function codeServer(args: string[], paths: ServerPaths): string[] {
  return [ENTRY, '--user-data-dir', paths.userDataDir, '--extensions-dir', paths.extensionsDir, ...args];
}

/** Installs the .vsix the way a user would (`--install-extension`), then checks that it is listed. */
export function installExtension(vsix: string, paths: ServerPaths): void {
  const result = spawnSync(NODE24, codeServer(['--install-extension', vsix, '--force'], paths), { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`installing ${vsix} failed:\n${result.stdout}\n${result.stderr}`);
  const listed = spawnSync(NODE24, codeServer(['--list-extensions', '--show-versions'], paths), { encoding: 'utf8' });
  if (!/netlens\.netlens@/.test(listed.stdout)) throw new Error(`netlens is not listed after installing:\n${listed.stdout}\n${listed.stderr}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited early with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`code-server did not listen on port ${port} within ${timeoutMs} ms`);
}

export async function startServer(paths: ServerPaths): Promise<RunningServer> {
  const port = await freePort();
  const log = fs.openSync(paths.logFile, 'w');
  const child = spawn(
    NODE24,
    codeServer(['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      paths.workspace], paths),
    { stdio: ['ignore', log, log], detached: false },
  );
  await waitForPort(port, child, 60_000);
  return {
    url: `http://127.0.0.1:${port}/`,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          fs.closeSync(log);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
