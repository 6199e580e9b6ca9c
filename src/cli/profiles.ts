// `helix profiles --model M [--profiles DIR]`: which machine types have a profile for a model,
// where it came from (measured / imported / estimated), and its range.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { findModel, measuredTimings, profileSources } from '../profiles/sources.js';
import { formatProfileList, type ProfileListRow } from '../report/profiles-table.js';
import { bundledProfilesDir } from '../spec/bundled.js';
import { DEFAULT_KV_RESERVE, loadProfileSet } from '../spec/profile.js';
import type { CommandSpec } from './command.js';
import { colorFor } from './io.js';
import { parseFraction, type CommonFlags } from './options.js';

interface ProfilesFlags extends CommonFlags {
  readonly model?: string;
  readonly profiles?: string;
  readonly kvReserve?: number;
}

/** Bundled profile sets: every folder under profiles/ holding <model>/<GPU>.yaml files. */
/** The profile sets for the model under a profiles root (each a folder holding <model>/). */
function setsUnder(root: string, modelId: string): string[] {
  return readdirSync(root)
    .map((d) => join(root, d))
    .filter((d) => statSync(d).isDirectory() && existsSync(join(d, modelId)) && basename(d) !== 'layer-time')
    .sort();
}

/** What to do when a folder holds no profile of the model: where there are some, how to make one. */
function noProfilesHint(dir: string | undefined, modelId: string): string {
  // One level too deep (-p set/<model>): the set is the folder above.
  if (dir && basename(resolve(dir)) === modelId) {
    const parent = dirname(resolve(dir));
    // layer-time/<model>: timings, whose profile folder is two levels up.
    if (basename(parent) === 'layer-time') return `${dir} holds per-layer timings, not profiles: give the profile folder, -p ${dirname(parent)}`;
    return `${dir} is the model's own folder: give the profile set above it, -p ${parent}`;
  }
  const bundled = setsUnder(bundledProfilesDir, modelId).map((d) => basename(d));
  const where = bundled.length > 0 ? `bundled sets with ${modelId}: ${bundled.join(', ')} (helix profiles --model ${modelId} lists them); ` : '';
  return `${where}make one for a GPU with \`helix profile estimate --gpu <GPU> --model ${modelId} -o <folder>/${modelId}/<GPU>.yaml\` (or \`profile import\` from measured per-layer timings)`;
}

export const profilesCommand: CommandSpec = {
  name: 'profiles',
  summary: 'list the profiles available for a model: type, source (measured/imported/estimated), max layers, t(1), t(max)',
  args: [],
  options: [
    { flags: '--model <id>', description: 'model card id (required), e.g. llama2-70b' },
    { flags: '-p, --profiles <dir>', description: 'one profile folder to list (default: every bundled set)' },
    { flags: '--kv-reserve <fraction>', description: 'share of VRAM kept for the KV cache where a profile omits maxLayers (default 0.5)', parse: parseFraction('--kv-reserve') },
  ],
  examples: ['helix profiles --model llama3.1-70b', 'helix profiles --model llama2-70b --profiles profiles/helix-set-b --json'],
  async run(_args, options, io) {
    const flags = options as ProfilesFlags;
    if (!flags.model) throw usageError('missing-option', '--model is required', { expected: 'a model card id, e.g. --model llama2-70b' });
    if (flags.profiles && !existsSync(flags.profiles)) throw usageError('no-profiles', `profile folder not found: ${flags.profiles}`, { field: '--profiles' });
    // A timings folder holds files of another shape: say what it is rather than fail on a field.
    if (flags.profiles && basename(resolve(flags.profiles)) === 'layer-time') {
      throw usageError('not-profiles', `${flags.profiles} is a folder of per-layer timings (layer-time/), not of profiles`, { field: '--profiles', expected: `the profile folder above it: -p ${dirname(resolve(flags.profiles))}` });
    }
    const sources = profileSources(flags.profiles);
    const model = findModel(sources, flags.model);
    // -p names one set (holding <model>/), or a root of sets as the bundled folder is.
    const sets = flags.profiles ? (existsSync(join(flags.profiles, model.id)) ? [flags.profiles] : setsUnder(flags.profiles, model.id)) : setsUnder(bundledProfilesDir, model.id);
    const timings = measuredTimings(sources, model.id);
    const rows: ProfileListRow[] = [];
    for (const dir of sets) {
      if (!existsSync(join(dir, model.id))) continue;
      const set = loadProfileSet(dir, model.id, { model, kvReserve: flags.kvReserve ?? DEFAULT_KV_RESERVE });
      for (const p of set.values()) {
        const usable = p.throughput.slice(0, p.maxLayers);
        rows.push({
          set: basename(dir),
          gpu: p.gpu,
          source: p.source,
          maxLayers: p.maxLayers,
          first: usable[0] ?? 0,
          last: usable[usable.length - 1] ?? 0,
          timings: timings.has(p.gpu),
        });
      }
    }
    if (flags.json) {
      io.out(`${JSON.stringify({ model: model.id, profiles: rows }, null, 2)}\n`);
    } else {
      io.out(formatProfileList({ model: model.id, rows }, { color: colorFor(io, flags.color), width: io.stdoutColumns }));
    }
    if (rows.length === 0 && !flags.quiet) io.err(`${noProfilesHint(flags.profiles, model.id)}\n`);
    return rows.length > 0 ? 0 : 1;
  },
};
