// Runs the desktop VS Code integration suite with @vscode/test-electron (downloads VS Code; fails clearly when offline).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const VSCODE_VERSION = process.env.NETLENS_VSCODE_VERSION ?? '1.139.1';
const DOWNLOAD_TIMEOUT_MS = 120_000;

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<number> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'extension.js'))) {
    console.error('dist/extension.js is missing: run `npm run build` first.');
    return 1;
  }
  const suiteFile = path.join(ROOT, 'out', 'vscode-electron', 'index.js');
  await esbuild.build({
    entryPoints: [path.join(__dirname, 'suite', 'index.ts')],
    outfile: suiteFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    external: ['vscode'],
    sourcemap: true,
    logLevel: 'error', // mocha's optional parallel runner files are not needed inside VS Code
  });

  let executable: string;
  try {
    executable = await withTimeout(downloadAndUnzipVSCode(VSCODE_VERSION), DOWNLOAD_TIMEOUT_MS, `downloading VS Code ${VSCODE_VERSION}`);
  } catch (error) {
    console.error(
      [
        `test:electron needs desktop VS Code ${VSCODE_VERSION}, downloaded from Microsoft's update service, and the download failed:`,
        `  ${error instanceof Error ? error.message : String(error)}`,
        'This machine has no access to it. The same checks run in a real VS Code through code-server with `npm run test:vscode`.',
      ].join('\n'),
    );
    return 2;
  }

  await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: suiteFile,
    launchArgs: [path.join(ROOT, 'examples'), '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    extensionTestsEnv: { NETLENS_EXAMPLES: path.join(ROOT, 'examples') },
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test:electron failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
