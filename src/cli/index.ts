// Wires the command specs into commander. Knows nothing about planning; maps errors to exit codes.

import { statSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { HelixError, exitCodeFor, inputError, renderError, usageError } from '../errors.js';
import type { CommandSpec } from './command.js';
import { commands } from './registry.js';
import { processIo, type Io } from './io.js';
import { commonOptions } from './options.js';
import { VERSION } from '../version.js';
import { readStdinAhead } from '../spec/yaml-file.js';
import { STDIN_FILE } from '../stdin.js';
import { checkOutputPath, writeTarget } from './write-file.js';

function addCommand(program: Command, spec: CommandSpec, io: Io, exit: { code: number }): void {
  const cmd = program.command(spec.name).description(spec.summary);
  for (const a of spec.args) {
    const name = a.variadic ? `${a.name}...` : a.name;
    cmd.argument(a.required ? `<${name}>` : `[${name}]`, a.description);
  }
  for (const o of [...spec.options, ...commonOptions]) {
    const opt = new Option(o.flags, o.description);
    if (o.parse) opt.argParser(o.parse as (value: string, previous: unknown) => unknown);
    // Defaults read as the user would type them (`iwrr`, `glpk`), not as JSON (`["iwrr"]`, `"glpk"`).
    if (o.defaultValue !== undefined) opt.default(o.defaultValue, Array.isArray(o.defaultValue) ? o.defaultValue.join(',') : String(o.defaultValue));
    cmd.addOption(opt);
  }
  if (spec.examples.length > 0) {
    cmd.addHelpText('after', `\nExamples:\n${spec.examples.map((e) => `  ${e}`).join('\n')}\n`);
  }
  cmd.action(async (...received: unknown[]) => {
    // commander passes the declared arguments, then the options object, then the command.
    const args = received.slice(0, spec.args.length).flatMap((a) => (a === undefined ? [] : Array.isArray(a) ? a : [a])) as string[];
    const options = received[spec.args.length] as Record<string, unknown>;
    // An empty path (`-o ""`, often an unset shell variable) would otherwise be skipped silently.
    for (const o of spec.options) {
      const opt = new Option(o.flags);
      if (/<(file|dir|path)>/.test(o.flags) && options[opt.attributeName()] === '') {
        throw usageError('empty-path', `${opt.long ?? opt.flags} needs a path, not an empty string`);
      }
    }
    checkOutputs(spec, args, options);
    if (checkStdinUse(spec, args, options)) {
      try {
        await readStdinAhead();
      } catch (e) {
        if (e instanceof HelixError) throw e;
        throw inputError('unreadable', `cannot read standard input (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: STDIN_FILE });
      }
    }
    const command = received[spec.args.length + 1] as Command;
    const given = new Set(spec.options.map((o) => new Option(o.flags).attributeName()).filter((k) => command.getOptionValueSource(k) === 'cli'));
    exit.code = await spec.run(args, options, io, given);
  });
}

/** Flags that name a file a command writes. */
const OUTPUT_FLAGS = new Set(['--output', '--svg']);

/**
 * Output paths are checked before the command runs (a plan can take minutes; a path it cannot
 * write should cost none of them), and two outputs may not name one file.
 */
function checkOutputs(spec: CommandSpec, args: readonly string[], options: Record<string, unknown>): void {
  const seen = new Map<string, string>();
  // An output may not replace an input either (a plan written over its cluster spec), but for
  // replan's plan in force: updating it in place is a runbook's step, and the write is atomic.
  for (const [key, name] of inputFiles(spec, args, options)) for (const k of fileKeys(key)) seen.set(k, name);
  for (const o of spec.options) {
    const opt = new Option(o.flags);
    const flag = opt.long ?? opt.flags;
    const value = options[opt.attributeName()];
    if (!OUTPUT_FLAGS.has(flag) || typeof value !== 'string' || value === '' || value === STDIN_FILE) continue;
    // Compared where the writes land, through symlinks: a link to the other output is the same file.
    checkOutputPath(value);
    const keys = fileKeys(value);
    const same = keys.map((k) => seen.get(k)).find((f) => f !== undefined);
    if (same?.startsWith('the input ')) throw usageError('output-is-input', `${flag} names ${same} (${value}): writing there would replace it; choose another file`);
    if (same) throw usageError('same-output', `${same} and ${flag} name the same file (${value}); each output needs its own`);
    for (const k of keys) seen.set(k, flag);
  }
}

/** The declared argument each given one fills, in order, the last one variadic where it is. */
function argSpecsOf(spec: CommandSpec, args: readonly string[]) {
  return args.map((_, i) => spec.args[Math.min(i, spec.args.length - 1)]);
}

/** Where a write to `path` lands (through symlinks) and, where the file exists, its inode: a hard link is the same file under another name. */
function fileKeys(path: string): string[] {
  const target = writeTarget(path);
  let node: ReturnType<typeof statSync> | undefined;
  try {
    node = statSync(target);
  } catch {
    // A file still to be made.
  }
  return [target, ...(node ? [`inode ${node.dev}:${node.ino}`] : [])];
}

/** The files a command reads, by path and how to name them in a message. */
function inputFiles(spec: CommandSpec, args: readonly string[], options: Record<string, unknown>): [string, string][] {
  const argSpecs = argSpecsOf(spec, args);
  const files: [string, string][] = args
    .map((a, i) => [a, i] as const)
    .filter(([a, i]) => a !== STDIN_FILE && !argSpecs[i].word && !(spec.name === 'replan' && i === 0))
    .map(([a, i]) => [a, `the input ${argSpecs[i].name.replace(/s$/, '')} file`]);
  for (const o of spec.options) {
    const opt = new Option(o.flags);
    const flag = opt.long ?? opt.flags;
    // A value parsed from the file it names (profile --workload) keeps that name as `file`.
    const raw = options[opt.attributeName()];
    const value = typeof raw === 'object' && raw !== null && typeof (raw as { file?: unknown }).file === 'string' ? (raw as { file: string }).file : raw;
    if (!(/<file>/.test(o.flags) || o.reads) || OUTPUT_FLAGS.has(flag) || typeof value !== 'string' || value === '' || value === STDIN_FILE) continue;
    files.push([value, `the input file of ${flag}`]);
  }
  // Only files: a device such as /dev/stdin is the same inode as /dev/stdout on a terminal, and
  // writing one does not replace the other; a value that names no file (`--workload 750:240`) reads none.
  return files.filter(([path]) => {
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * `-` reads an input from standard input (spec/yaml-file.ts): at most once per run, and never as
 * a file to write, where it would create a file called `-`. True when an input is `-`.
 */
function checkStdinUse(spec: CommandSpec, args: readonly string[], options: Record<string, unknown>): boolean {
  const argSpecs = argSpecsOf(spec, args);
  const readers: string[] = args.filter((a, i) => a === STDIN_FILE && !argSpecs[i].word).map(() => 'an argument');
  for (const o of spec.options) {
    const opt = new Option(o.flags);
    // Folders (`<dir>`, `<path>`) cannot come on standard input.
    if (!/<file>/.test(o.flags) || options[opt.attributeName()] !== STDIN_FILE) continue;
    const flag = opt.long ?? opt.flags;
    if (OUTPUT_FLAGS.has(flag)) {
      throw usageError('stdin-as-output', `${flag} needs a file to write; "-" is standard input here`, { expected: spec.name === 'render' ? 'a file name (leave -o out to write the SVG to standard output)' : 'a file name (--json writes to standard output)' });
    }
    readers.push(flag);
  }
  if (readers.length > 1) {
    throw usageError('stdin-twice', `standard input ("-") can be read only once, but ${readers.length} inputs name it`, { expected: 'at most one "-" among the files' });
  }
  return readers.length === 1;
}

export function buildProgram(io: Io, exit: { code: number }): Command {
  const program = new Command('helix')
    .description('Plan LLM serving on heterogeneous GPU clusters: layer placement + max-flow routing (Helix)')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  program.addHelpText(
    'after',
    '\nExit codes: 0 success; 1 plan invalid, infeasible or no flow (diff: plans differ); 2 bad input or usage; 130 interrupted (Ctrl-C; plan still prints its best plan so far).\n',
  );
  for (const spec of commands) addCommand(program, spec, io, exit);
  for (const c of program.commands) c.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  return program;
}

/** Runs helix with the given arguments; returns the exit code. Never throws for user errors. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const code = await run(argv, io);
  // Output that never arrived is an error whatever the command concluded (writes fail
  // asynchronously, so this is known only once the command is done).
  await new Promise((resolve) => setImmediate(resolve));
  const failure = io.outputFailure?.() ?? null;
  if (failure) {
    io.err(`helix: cannot write to standard output (${failure})\n`);
    return 2;
  }
  return code;
}

/**
 * Exit code of a command that Ctrl-C stopped early (128 + SIGINT, as a shell reports it): `plan`
 * still prints and writes its best verified plan so far, `simulate` its figures so far, but a
 * script's `helix plan -o p.json && deploy` must not go on as if the search had run its course.
 */
export const EXIT_INTERRUPTED = 130;

async function run(argv: readonly string[], outer: Io): Promise<number> {
  const exit = { code: 0 };
  let interrupted = false;
  const io: Io = outer.onInterrupt
    ? {
        ...outer,
        onInterrupt: (handler) =>
          outer.onInterrupt!(() => {
            interrupted = true;
            handler();
          }),
      }
    : outer;
  const program = buildProgram(io, exit);
  try {
    if (argv.length === 0) {
      // A usage error like any other: the help goes to stderr, so a script's stdout stays empty.
      program.outputHelp({ error: true });
      return 2;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return interrupted && exit.code === 0 ? EXIT_INTERRUPTED : exit.code;
  } catch (e) {
    if (e instanceof HelixError) {
      io.err(`helix: ${renderError(e)}\n`);
      return exitCodeFor(e);
    }
    if (e instanceof CommanderError) {
      // --help and --version end with a CommanderError whose exitCode is 0.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return 0;
      // commander has already printed its message; an option parser's HelixError arrives wrapped.
      const cause = (e as CommanderError & { cause?: unknown }).cause;
      if (cause instanceof HelixError) io.err(`helix: ${renderError(cause)}\n`);
      return 2;
    }
    throw e;
  }
}
