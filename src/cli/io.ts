// Where a command's output goes. Commands never touch process.stdout directly, so tests can run
// them in-process and capture both streams.

import { Chalk, type ChalkInstance } from 'chalk';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Registers a Ctrl-C handler for the duration of a command; returns the function that removes it. */
  onInterrupt?(handler: () => void): () => void;
  /** Width of the terminal standard output is, in characters; absent off a terminal. */
  readonly stdoutColumns?: number;
  /**
   * Why standard output could not be written (a full disk, a closed file), or null. A reader that
   * went away (EPIPE: `helix validate ... | head -1`) is not a failure: the rest of the output is
   * dropped and the command's own exit code stands.
   */
  outputFailure?(): string | null;
}

export function processIo(): Io {
  let failure: NodeJS.ErrnoException | null = null;
  // Without a listener a failed write is an unhandled 'error' event: a stack trace and exit 1,
  // which a CI gate would read as "invalid plan".
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    failure ??= e;
  });
  return {
    out: (t) => {
      if (!failure) process.stdout.write(t);
    },
    outputFailure: () => (failure && failure.code !== 'EPIPE' ? failure.message : null),
    err: (t) => process.stderr.write(t),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    ...(process.stdout.isTTY && process.stdout.columns > 0 ? { stdoutColumns: process.stdout.columns } : {}),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
    onInterrupt: (handler) => {
      process.once('SIGINT', handler);
      return () => process.removeListener('SIGINT', handler);
    },
  };
}

/**
 * Colour is decided once per command, by the usual conventions, strongest first: --no-color;
 * NO_COLOR (any non-empty value); FORCE_COLOR (on, even off a TTY, unless it is 0 or false);
 * otherwise only on a TTY whose TERM is not `dumb`.
 */
export function colorFor(io: Io, colorFlag: boolean | undefined): ChalkInstance {
  const set = (name: string): string | undefined => (io.env[name] !== undefined && io.env[name] !== '' ? io.env[name] : undefined);
  const force = set('FORCE_COLOR');
  const enabled =
    colorFlag === false || set('NO_COLOR') !== undefined
      ? false
      : force !== undefined
        ? force !== '0' && force.toLowerCase() !== 'false'
        : io.stdoutIsTTY && io.env.TERM !== 'dumb';
  return new Chalk({ level: enabled ? 1 : 0 });
}

/** Progress lines go to stderr only when someone is watching it. */
export function showProgress(io: Io, quiet: boolean | undefined): boolean {
  return !quiet && io.stderrIsTTY;
}
