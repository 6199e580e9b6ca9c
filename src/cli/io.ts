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
  /** Width of the terminal standard error is; absent off a terminal. */
  readonly stderrColumns?: number;
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
    ...(process.stderr.isTTY && process.stderr.columns > 0 ? { stderrColumns: process.stderr.columns } : {}),
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

export interface StatusLine {
  /** Redraws the line in place with this text. */
  show(text: string): void;
  /** A line that stays (a -v log line): printed above the status line, which is then redrawn. */
  log(text: string): void;
  /** Removes the line, leaving the cursor where it was before the first `show`. */
  clear(): void;
}

/**
 * One line of progress on stderr, redrawn in place. Cut to the terminal's width: a line that
 * wraps cannot be redrawn, and every update left one more behind (92 lines on a 60-column
 * terminal). Erased with an escape code, or with spaces where TERM=dumb has none.
 */
export function statusLine(io: Io): StatusLine {
  const dumb = io.env.TERM === 'dumb';
  let current = '';
  const fit = (text: string) => (io.stderrColumns && text.length >= io.stderrColumns ? `${text.slice(0, Math.max(0, io.stderrColumns - 2))}…` : text);
  const erase = () => (current ? (dumb ? `\r${' '.repeat(current.length)}\r` : '\r\u001b[2K') : '');
  return {
    show(text) {
      const line = fit(text);
      io.err(`${erase()}${line}`);
      current = line;
    },
    log(text) {
      const again = current;
      io.err(`${erase()}${text}\n`);
      current = '';
      if (again) this.show(again);
    },
    clear() {
      io.err(erase());
      current = '';
    },
  };
}
