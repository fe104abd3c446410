/** What a command needs from the outside world; injected so commands run in-process in tests. */
export interface TextSink {
  write(text: string): void;
}

export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  /** True when stderr is a terminal: progress bars are drawn only then. */
  stderrIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): CliIo {
  return {
    stdout: { write: (t) => void process.stdout.write(t) },
    stderr: { write: (t) => void process.stderr.write(t) },
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
  };
}

export function bufferIo(
  env: NodeJS.ProcessEnv = {},
  cwd: string = process.cwd(),
): CliIo & {
  out: () => string;
  err: () => string;
} {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t) => void (out += t) },
    stderr: { write: (t) => void (err += t) },
    stderrIsTTY: false,
    env,
    cwd,
    out: () => out,
    err: () => err,
  };
}
