// The shape every command file exports. index.ts turns these into commander commands.

import type { Io } from './io.js';
import type { ArgumentSpec, OptionSpec } from './options.js';

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly args: readonly ArgumentSpec[];
  readonly options: readonly OptionSpec[];
  /** Shown under --help: `helix ...` lines with a comment. */
  readonly examples: readonly string[];
  /** Returns the exit code; never calls process.exit. Throw HelixError for user errors. */
  run(args: readonly string[], options: Record<string, unknown>, io: Io): Promise<number>;
}
