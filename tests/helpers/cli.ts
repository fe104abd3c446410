import { runCli } from '../../src/cli/main.js';
import { bufferIo } from '../../src/cli/io.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command line in-process with captured output. */
export async function svd(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Promise<CliResult> {
  const io = bufferIo(env, cwd);
  const code = await runCli(args, io);
  return { code, stdout: io.out(), stderr: io.err() };
}
