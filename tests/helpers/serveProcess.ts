/**
 * `svd serve` started for real (bin/svd.js, so `npm run build` first) on 127.0.0.1 port 0: resolves
 * once it prints its address, with what it printed so far; `stop` ends it and waits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { REPO } from './paths.js';

export interface ServeProcess {
  proc: ChildProcess;
  /** The address it printed, e.g. `http://127.0.0.1:43211/`. */
  url: string;
  port: number;
  /** Standard output and error so far (both keep growing). */
  output: { stdout: string; stderr: string };
  stop(): Promise<void>;
}

export function startServe(
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<ServeProcess> {
  const proc = spawn(process.execPath, [path.join(REPO, 'bin', 'svd.js'), 'serve', ...args], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SVD_DB: '', ...options.env },
  });
  const output = { stdout: '', stderr: '' };
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.on('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  };
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (chunk: Buffer) => {
      output.stdout += chunk.toString();
      const found = /svd dashboard: (https?:\/\/127\.0\.0\.1:(\d+)\/)/.exec(output.stdout);
      if (found !== null) resolve({ proc, url: found[1]!, port: Number(found[2]), output, stop });
    });
    proc.stderr!.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
    proc.on('exit', (code) => reject(new Error(`svd serve exited (${code}): ${output.stderr}`)));
  });
}

/** A port nothing listens on now (found by listening and closing), e.g. to register a redirect URI first. */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
