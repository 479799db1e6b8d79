import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The compiled CLI, as `npm start` runs it. */
export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** A `scimd serve` child process on an ephemeral port. */
export interface ScimdProcess {
  /** `http://127.0.0.1:<port>/scim/v2` */
  url: string;
  child: ChildProcess;
  /** Everything it printed on stdout so far: the "scimd serving" line and the JSON log. */
  output(): string;
  /** Everything it printed on stderr so far: the first-start banner and error messages. */
  errors(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `scimd serve --port 0` with the given extra arguments and waits until it listens. */
export async function startScimd(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ScimdProcess> {
  return startServerProcess([CLI, 'serve', '--port', '0', '--log-level', 'warn', ...args], env);
}

/**
 * Starts a Node script that prints "scimd serving <url>" once it listens (scimd, or a test's own
 * server). `launcher` runs Node under another program (a tracer), which then is `child`.
 */
export async function startServerProcess(argv: string[], env: NodeJS.ProcessEnv = {}, launcher: string[] = []): Promise<ScimdProcess> {
  const [command, ...prefix] = [...launcher, process.execPath];
  const child = spawn(command, [...prefix, ...argv], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`scimd did not start within 15 s\n${stdout}\n${stderr}`)), 15_000);
    const check = () => {
      const match = /scimd serving (\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`scimd exited with ${code}\n${stdout}\n${stderr}`));
    });
  });
  return {
    url,
    child,
    output: () => stdout,
    errors: () => stderr,
    // A child ended by a signal has no exit code (null) but a signalCode: both mean it is gone,
    // and waiting for another 'exit' then would wait forever.
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}
