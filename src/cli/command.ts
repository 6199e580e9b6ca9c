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
  /**
   * Returns the exit code; never calls process.exit. Throw HelixError for user errors. `given`
   * holds the options (by attribute name) typed on the command line rather than defaulted, for
   * refusing a flag the rest of the command line would make it ignore.
   */
  run(args: readonly string[], options: Record<string, unknown>, io: Io, given?: ReadonlySet<string>): Promise<number>;
}
