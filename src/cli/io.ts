/** What a command needs from the outside world; injected so commands run in-process in tests. */
import { usageError } from '../core/errors.js';
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
  /**
   * Asks for a secret (a password) without echoing it; present only when standard input is a
   * terminal. Secrets are never taken as arguments (they would stay in the shell's history).
   */
  readSecret?: (prompt: string) => Promise<string>;
}

export function processIo(): CliIo {
  // A reader that stops early (`svd --help | head`) closes the pipe: the rest is not wanted, and
  // that is not a failure.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  return {
    stdout: { write: (t) => void process.stdout.write(t) },
    stderr: { write: (t) => void process.stderr.write(t) },
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    ...(process.stdin.isTTY === true ? { readSecret: readSecretFromTerminal } : {}),
  };
}

/** Reads one line from the terminal with echo off (raw mode), Ctrl-C abandoning. */
function readSecretFromTerminal(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    let text = '';
    const done = (error?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error === undefined) resolve(text);
      else reject(error);
    };
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003')
          return done(usageError('INTERRUPTED', 'interrupted: nothing was changed'));
        if (char === '\u007f' || char === '\b') text = [...text].slice(0, -1).join('');
        else if (char >= ' ') text += char;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
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
