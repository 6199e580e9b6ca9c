#!/usr/bin/env node
// The only place that sets the process exit code: commands return it, crashes become exit 2.
import { main } from '../dist/src/cli/index.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`helix: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.HELIX_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
    process.exitCode = 2;
  },
);
