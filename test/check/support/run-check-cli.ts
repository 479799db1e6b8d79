import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from '../../support/scimd-process.js';
import type { CliResult } from '../../support/scimd-cli.js';

/**
 * Runs `scimd check …args` as a real process with the token in SCIMD_CHECK_TOKEN (as users are
 * told to pass it), with a generous deadline; `during` may act on the child while it runs.
 */
export function runCheckCli(args: string[], token: string, during?: (child: ChildProcess) => Promise<void>): Promise<CliResult> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SCIMD_')));
  const child = spawn(process.execPath, [CLI, 'check', ...args], { env: { ...inherited, SCIMD_CHECK_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`scimd check did not finish within 120 s\n${stdout}\n${stderr}`));
    }, 120_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    during?.(child).catch((error) => {
      child.kill('SIGKILL');
      reject(error);
    });
  });
}
