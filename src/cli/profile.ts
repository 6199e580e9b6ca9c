// `helix profile import|estimate`: build a profile (t(k) and max layers) for one GPU type and
// model, from measured per-layer timings (import) or from hardware figures (estimate).

import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { HelixError, usageError } from '../errors.js';
import { deriveProfile, formatProfileYaml, type DerivedProfile, type ServingSettings } from '../profiles/build.js';
import { HELIX_KV_FILL } from '../profiles/derive.js';
import { estimateProfile } from '../profiles/estimate.js';
import { hardwareFor } from '../profiles/hardware.js';
import type { LayerTimeTable } from '../spec/layer-time.js';
import { parseMix } from '../profiles/pipeline.js';
import { factorsFile, findModel, measuredTimings, mixMachines, profileSources, type ProfileSources } from '../profiles/sources.js';
import { readTimings, type Timings } from '../profiles/timings.js';
import { HELIX_WORKLOAD, parseWorkloadArg, type Workload } from '../profiles/workload.js';
import { formatDerivedProfile, type DerivedProfileView } from '../report/profiles-table.js';
import { derivedMaxLayers, DEFAULT_KV_RESERVE, loadProfile } from '../spec/profile.js';
import { formatLayerTimeYaml, loadLayerTimeFile } from '../spec/layer-time.js';
import type { ModelCard } from '../spec/types.js';
import { parseBytes } from '../spec/units.js';
import type { CommandSpec } from './command.js';
import { colorFor } from './io.js';
import { parseFraction, parsePositiveInt, type CommonFlags } from './options.js';
import { writeFilesAtomic } from './write-file.js';
import { article, plural } from '../report/format.js';

const ACTIONS = ['import', 'estimate'] as const;
type Action = (typeof ACTIONS)[number];

interface ProfileFlags extends CommonFlags {
  readonly gpu?: string;
  readonly model?: string;
  readonly timings?: string;
  readonly workload?: Workload;
  readonly kvFill?: number;
  readonly kvReserve?: number;
  readonly maxLayers?: number;
  readonly usableMemory?: number;
  readonly weightsPerLayer?: number;
  readonly pipeline?: string;
  readonly profiles?: string;
  readonly factors?: string;
  readonly output?: string;
  readonly compare?: string;
}

function parseSize(flag: string) {
  return (value: string): number => {
    let n: number;
    try {
      n = parseBytes(value);
    } catch {
      throw usageError('bad-option', `${flag} must be a size such as 70GB or 1.71GB`, { found: JSON.stringify(value) });
    }
    if (!(n > 0)) throw usageError('bad-option', `${flag} must be a size > 0`, { found: JSON.stringify(value) });
    return n;
  };
}

function parseFill(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1) {
    throw usageError('bad-option', '--kv-fill must be a fraction in (0, 1]', { found: JSON.stringify(value) });
  }
  return n;
}

function settingsFrom(flags: ProfileFlags, sources: ProfileSources, model: ModelCard): ServingSettings {
  // As `plan --workload` does: a mean request longer than the model's context is no workload,
  // given or the default one.
  const w = flags.workload ?? HELIX_WORKLOAD;
  if (w.meanInput + w.meanOutput > model.contextLength) {
    throw usageError('workload-too-long', `${flags.workload ? '--workload' : 'the default workload'}: ${w.source}, ${Math.round(w.meanInput + w.meanOutput)} tokens a request, more than ${model.id}'s context of ${model.contextLength}`, {
      expected: `--workload IN:OUT with IN + OUT <= ${model.contextLength}`,
    });
  }
  const maxLayersOf = (gpu: string): number => {
    const entry = sources.catalog.get(gpu);
    if (!entry) throw usageError('bad-option', `--pipeline names unknown GPU type "${gpu}"`, { expected: `one of ${[...sources.catalog.keys()].join(', ')}` });
    const weights = flags.weightsPerLayer ?? model.weightBytesPerLayer;
    return Math.min(model.layers, derivedMaxLayers(entry.type.vramBytes, { ...model, weightBytesPerLayer: weights }, flags.kvReserve ?? DEFAULT_KV_RESERVE));
  };
  return {
    workload: flags.workload ?? HELIX_WORKLOAD,
    kvFill: flags.kvFill ?? HELIX_KV_FILL,
    kvReserve: flags.kvReserve ?? DEFAULT_KV_RESERVE,
    ...(flags.maxLayers !== undefined ? { maxLayers: flags.maxLayers } : {}),
    ...(flags.usableMemory !== undefined ? { usableBytes: flags.usableMemory } : {}),
    ...(flags.weightsPerLayer !== undefined ? { weightBytesPerLayer: flags.weightsPerLayer } : {}),
    ...(flags.pipeline !== undefined ? { pipeline: parseMix(flags.pipeline, maxLayersOf) } : {}),
  };
}

/**
 * Where a profile written to `<profiles>/<model>/<GPU>.yaml` keeps its timings:
 * `<profiles>/layer-time/<model>/<GPU>.yaml`. Null where the output is laid out otherwise (then
 * no folder would find them), or where the timings were read from that very file. `readFrom`
 * null: timings made here (an estimate's roofline), always written.
 */
function layerTimeBeside(output: string, model: ModelCard, gpu: string, readFrom: string | null): string | null {
  // Only a profile where plan finds it (<model>/<GPU>.yaml) gets timings under the GPU's name:
  // one written as T4-estimate.yaml is a side copy, and its timings would replace the T4's.
  if (basename(dirname(resolve(output))) !== model.id || basename(output) !== `${gpu}.yaml`) return null;
  const target = join(dirname(dirname(resolve(output))), 'layer-time', model.id, `${gpu}.yaml`);
  return readFrom !== null && resolve(readFrom) === target ? null : target;
}

function targetTimings(flags: ProfileFlags, sources: ProfileSources, model: ModelCard, gpu: string): Timings {
  if (flags.timings) {
    const t = readTimings(flags.timings);
    // A layer-time file names what it measured; another GPU's or model's times would be passed off as these.
    if (t.measured && (t.measured.gpu !== gpu || t.measured.model !== model.id)) {
      throw usageError('timings-mismatch', `--timings ${flags.timings} holds ${t.measured.gpu} timings for ${t.measured.model}, not ${gpu} for ${model.id}`, {
        field: '--timings',
        expected: `a layer-time file with gpu: ${gpu} and model: ${model.id}, or a folder of CSVs`,
      });
    }
    return t;
  }
  const bundled = measuredTimings(sources, model.id).get(gpu);
  if (!bundled) {
    throw usageError('no-timings', `no per-layer timings for ${gpu} serving ${model.id}: give --timings`, {
      field: '--timings',
      expected: 'a folder with prompt_bs2time.csv and decode_bs2time.csv, or a layer-time .yaml',
    });
  }
  return bundled;
}

interface Built {
  readonly profile: DerivedProfile;
  readonly notes: string[];
  readonly extra: Record<string, unknown>;
  /** The timings an import read, or an estimate's roofline (written beside the profile with --output). */
  readonly timings?: Timings & { readonly estimated?: boolean };
}

function runImport(flags: ProfileFlags, sources: ProfileSources, model: ModelCard, gpu: string, settings: ServingSettings): Built {
  const entry = sources.catalog.get(gpu);
  if (!entry) throw usageError('unknown-gpu', `unknown GPU type "${gpu}"`, { field: '--gpu', expected: `one of ${[...sources.catalog.keys()].join(', ')}` });
  const timings = targetTimings(flags, sources, model, gpu);
  checkTimingsPhysical(sources, flags.weightsPerLayer ?? model.weightBytesPerLayer, gpu, timings.times.decode, timings.from);
  const machines = settings.pipeline ? mixMachines(sources, model, settings.pipeline, settings, () => factorsFile(sources, flags.factors)) : undefined;
  const profile = deriveProfile({
    gpu,
    cardModel: model,
    source: 'imported',
    machine: { memory: { vramBytes: entry.type.vramBytes, gpus: entry.type.gpus }, times: timings.times },
    settings,
    timingsFrom: timings.from,
    ...(machines ? { machines } : {}),
  });
  return { profile, notes: [], extra: {}, timings };
}

/**
 * A decode step reads every weight of the layer once: where the catalog gives the machine's memory
 * bandwidth, timings far below that floor are in another unit (a table in seconds read as ms gave
 * a 13B model 212 million tokens/s on one GPU; that is 1,000x off, and the bundled tables sit at
 * 1.35-1.8x the floor). Header-less tables cannot say their unit.
 */
function checkTimingsPhysical(sources: ProfileSources, weightBytesPerLayer: number, gpu: string, decode: LayerTimeTable, from: string): void {
  const bandwidth = sources.catalog.get(gpu)?.type.memoryBandwidth;
  if (bandwidth === undefined || !(bandwidth > 0)) return; // no figure to check against
  const floorMs = (weightBytesPerLayer / bandwidth) * 1000;
  // The first measured batch (tables start at a [0, 0] point).
  const first = decode.points.find(([b]) => b > 0);
  if (!first) return;
  const [batch, ms] = first;
  // A hundred times the floor is no GPU either: a table in microseconds (T4, LLaMA-2-70B: 5,200
  // "ms" per layer at batch 16 against a floor of 4.8 ms) would read as 7 tokens/s.
  if (ms > floorMs * 100) {
    throw usageError('implausible-timings', `${from}: decode takes ${ms} ms per layer at a batch of ${batch}, over a hundred times the ${floorMs.toFixed(3)} ms that reading one layer's ${(weightBytesPerLayer / 1e9).toFixed(2)} GB of weights takes at ${article(gpu)} ${gpu}'s memory bandwidth`, {
      expected: 'decode times in milliseconds per layer (convert a table in microseconds, and title its column ms)',
    });
  }
  if (ms < floorMs / 10) {
    throw usageError('implausible-timings', `${from}: decode takes ${ms} ms per layer at a batch of ${batch}, under a tenth of the ${floorMs.toFixed(3)} ms that reading one layer's ${(weightBytesPerLayer / 1e9).toFixed(2)} GB of weights takes at ${article(gpu)} ${gpu}'s memory bandwidth`, {
      expected: 'decode times in milliseconds per layer (convert a table in seconds, and title its column ms); --weights-per-layer for quantized weights',
    });
  }
}

function runEstimate(flags: ProfileFlags, sources: ProfileSources, model: ModelCard, gpu: string, settings: ServingSettings): Built {
  const factors = factorsFile(sources, flags.factors);
  // A type the catalogs lack is the flag's mistake, not the catalog's (whose file the error named).
  if (!sources.catalog.has(gpu)) throw usageError('unknown-gpu', `unknown GPU type "${gpu}"`, { field: '--gpu', expected: `one of ${[...sources.catalog.keys()].join(', ')}` });
  const hardware = hardwareFor(sources.catalog, gpu, sources.catalogFiles.join(' + '));
  const machines = settings.pipeline ? mixMachines(sources, model, settings.pipeline, settings, () => factors) : undefined;
  const est = estimateProfile({ hardware, model, factors, settings, ...(machines ? { machines } : {}) });
  const eff = est.efficiency;
  const notes = [
    `roofline factors (${factors.file}): ${hardware.family} compute ${eff.compute.toFixed(3)}, memory ${eff.memory.toFixed(3)}` +
      (est.fitted ? ` (fitted on ${(factors.fittedOn.get(hardware.family) ?? []).join(', ')})` : ` (family never measured: the mean of the fitted families)`),
  ];
  return {
    profile: est.profile,
    notes,
    extra: { efficiency: eff, familyFitted: est.fitted, factorsFile: factors.file },
    // Written beside the profile too: plan's delivered objective and simulate need per-layer
    // timings, and an estimated GPU has no others.
    timings: { times: est.times, from: `the roofline (${hardware.family} factors from ${factors.file})`, estimated: true },
  };
}

export const profileCommand: CommandSpec = {
  name: 'profile',
  summary: 'build a profile t(k): import measured per-layer timings, or estimate from hardware figures',
  args: [{ name: 'action', description: 'import | estimate', required: true, word: true }],
  options: [
    { flags: '--gpu <type>', description: 'machine type from the GPU catalog (required)' },
    { flags: '--model <id>', description: 'model card id, e.g. llama3.1-70b (required)' },
    { flags: '--timings <path>', description: 'import: folder with prompt_bs2time.csv + decode_bs2time.csv, or a layer-time .yaml (default: bundled timings)', reads: true },
    { flags: '--workload <IN:OUT|file>', description: 'typical request: mean input:output tokens, or a CSV of input_tokens,output_tokens (default 750:240)', parse: (v: string) => parseWorkloadArg(v), reads: true },
    { flags: '--kv-fill <fraction>', description: 'share of KV-cache slots counted on for steady work (default 0.3, as Helix)', parse: parseFill },
    { flags: '--kv-reserve <fraction>', description: 'share of VRAM kept for the KV cache when deriving max layers (default 0.5)', parse: parseFraction('--kv-reserve') },
    { flags: '--max-layers <n>', description: 'most layers a machine holds (default: from VRAM and --kv-reserve)', parse: parsePositiveInt('--max-layers') },
    { flags: '--usable-memory <size>', description: 'weights + KV-cache bytes the engine can use (default: 0.9 x VRAM - 2 GB per GPU)', parse: parseSize('--usable-memory') },
    { flags: '--weights-per-layer <size>', description: "override the model card's weight bytes per layer", parse: parseSize('--weights-per-layer') },
    { flags: '--pipeline <mix>', description: 'cluster mix the node serves in, TYPE:COUNT[@LAYERS],... (default: a pipeline of this type alone)' },
    { flags: '-p, --profiles <dir>', description: 'your profiles folder: its gpus.yaml, gpu-specs.yaml, models/, layer-time/ overlay the bundled ones' },
    { flags: '--factors <file>', description: 'estimate: roofline factors (default: profiles/catalog/efficiency.yaml)' },
    { flags: '--compare <profile.yaml>', description: 'show the error against an existing profile, k by k', reads: true },
    { flags: '-o, --output <file>', description: 'write the profile YAML (loadable by clusters) to this file' },
  ],
  examples: [
    'helix profile estimate --gpu H100-80G --model llama3.1-70b',
    'helix profile estimate --gpu L40S --model llama3.1-70b --output my-profiles/llama3.1-70b/L40S.yaml',
    'helix profile import --gpu A100-40G --model llama2-70b --timings ./a100-profiling/ --workload 1379:28',
    'helix profile import --gpu T4 --model llama2-70b --pipeline A100-40G:4@8,L4:8@4,T4:12@3 --compare profiles/helix-set-a/llama2-70b/T4.yaml',
  ],
  async run(args, options, io) {
    const flags = options as ProfileFlags;
    const action = args[0] as Action;
    if (!ACTIONS.includes(action)) throw usageError('bad-action', `unknown profile action "${args[0]}"`, { expected: ACTIONS.join(' or ') });
    if (!flags.gpu) throw usageError('missing-option', '--gpu is required', { expected: 'a machine type, e.g. --gpu H100-80G' });
    if (!flags.model) throw usageError('missing-option', '--model is required', { expected: 'a model card id, e.g. --model llama3.1-70b' });
    if (action === 'estimate' && flags.timings) throw usageError('bad-option', '--timings is for `profile import`; estimate works from hardware figures');
    // Import reads roofline factors only for --pipeline machines it must estimate.
    if (action === 'import' && flags.factors && !flags.pipeline) throw usageError('bad-option', '--factors is for `profile estimate`, or for import with a --pipeline whose machines have no timings');
    // As `plan -p` does: a mistyped folder must not silently fall back to the bundled profiles.
    if (flags.profiles && !existsSync(flags.profiles)) {
      throw usageError('no-profiles', `profile folder not found: ${flags.profiles}`, { field: '--profiles', expected: 'an existing folder' });
    }
    const sources = profileSources(flags.profiles);
    const model = findModel(sources, flags.model);
    // The engine cannot use more memory than the machine has (1 TB on a 48 GB card inflated t(k)
    // by half). An unknown type is refused by import and estimate below, so after them it is there.
    const card = sources.catalog.get(flags.gpu);
    if (card && flags.usableMemory !== undefined && flags.usableMemory > card.type.vramBytes) {
      throw usageError('bad-option', `--usable-memory ${(flags.usableMemory / 1e9).toFixed(1)} GB is more than ${article(flags.gpu)} ${flags.gpu}'s ${(card.type.vramBytes / 1e9).toFixed(1)} GB`, {
        expected: `at most ${(card.type.vramBytes / 1e9).toFixed(1)} GB (default: 0.9 x VRAM - 2 GB per GPU)`,
      });
    }
    const settings = settingsFrom(flags, sources, model);
    const built = action === 'import' ? runImport(flags, sources, model, flags.gpu, settings) : runEstimate(flags, sources, model, flags.gpu, settings);
    const p = built.profile;
    // A table of zeros or NaN (hardware figures off by a unit: fp16Flops 312 for 312e12 gives
    // 6e-8 tokens/s) would be written, at three decimals, as zeros every cluster refuses.
    const bad = p.throughput.findIndex((t) => !(Number.isFinite(t) && t >= 0.001));
    if (bad >= 0) {
      throw usageError('bad-profile', `the ${action === 'estimate' ? 'estimated' : 'derived'} throughput at ${plural(bad + 1, 'layer')} is ${Number(p.throughput[bad].toPrecision(3))} tokens/s, which no cluster can use`, {
        expected: action === 'estimate' ? `hardware figures for ${flags.gpu} in their units (fp16Flops in FLOP/s such as 312e12, memoryBandwidth with a unit such as 2TB/s)` : 'per-layer timings in milliseconds',
      });
    }
    // Clusters load a profile against the model card's weight size and the card's VRAM: a
    // profile claiming more layers than fit there (a smaller --weights-per-layer) would be
    // written, then refused by every cluster using it.
    const vram = card!.type.vramBytes;
    const fit = derivedMaxLayers(vram, model, 0);
    if (Math.min(p.maxLayers, model.layers) > fit) {
      throw usageError('profile-over-memory', `the profile would claim ${p.maxLayers} layers, but at ${(model.weightBytesPerLayer / 1e9).toFixed(2)} GB a layer (${model.id}'s model card) ${article(flags.gpu)} ${flags.gpu}'s ${(vram / 1e9).toFixed(1)} GB hold ${fit}, and clusters load profiles against those`, {
        expected: `--max-layers ${fit} or fewer, or a model card with the weight size measured`,
      });
    }

    let reference: readonly number[] | undefined;
    let compare: DerivedProfileView['compare'];
    if (flags.compare) {
      const type = card!.type;
      try {
        reference = loadProfile(flags.compare, model, type).throughput;
      } catch (e) {
        // The file may well be named for its GPU or kept in another folder: what disagrees is
        // --gpu or --model (a missing field is the file's own fault, reported as it is).
        if (e instanceof HelixError && e.message.startsWith('profile names another GPU type')) {
          throw usageError('compare-other-gpu', `--compare ${flags.compare} is a profile of another GPU type than --gpu ${flags.gpu}`, { expected: `a ${flags.gpu} profile`, found: e.details.found });
        }
        if (e instanceof HelixError && e.message.startsWith('profile is for another model')) {
          throw usageError('compare-other-model', `--compare ${flags.compare} is a profile of another model than --model ${model.id}`, { expected: `a ${model.id} profile`, found: e.details.found });
        }
        throw e;
      }
      const n = Math.min(reference.length, p.throughput.length);
      const errs = Array.from({ length: n }, (_, i) => Math.abs(p.throughput[i] / reference![i] - 1));
      compare = { file: flags.compare, mean: errs.reduce((a, b) => a + b, 0) / Math.max(1, n), worst: Math.max(0, ...errs) };
    }

    const comment =
      p.source === 'estimated'
        ? [`Estimated, not measured: ${p.gpu} serving ${model.name} (helix profile estimate).`]
        : [`Imported from per-layer timings: ${p.gpu} serving ${model.name} (helix profile import).`];
    // An import's timings go beside the profile unless read from there, or from the bundled tables
    // (which plan and simulate find anyway); an estimate's always.
    const readFrom = built.timings?.estimated ? null : (flags.timings ?? undefined);
    const beside = built.timings && flags.output && readFrom !== undefined ? layerTimeBeside(flags.output, model, flags.gpu, readFrom) : null;
    // An estimate never replaces timings someone measured: the folder's clusters would then be
    // simulated on the roofline.
    const measuredThere = beside !== null && built.timings?.estimated === true && existsSync(beside) && !isEstimatedLayerTime(beside);
    const timingsOut = measuredThere ? null : beside;
    if (flags.output) {
      // Imported timings go beside the profile as well, where plan and simulate look for them:
      // without them a cluster using the profile cannot be predicted, only planned for max flow.
      const files = [{ path: flags.output, content: formatProfileYaml(p, comment) }];
      const t = built.timings;
      if (timingsOut && t) {
        const comment = t.estimated
          ? [`Estimated, not measured: per-layer timings of ${flags.gpu} serving ${model.name}, from ${t.from} (helix profile estimate).`]
          : [`Per-layer timings of ${flags.gpu} serving ${model.name}, from ${t.from} (helix profile import).`];
        files.push({ path: timingsOut, content: formatLayerTimeYaml({ gpu: flags.gpu, model: model.id, prompt: t.times.prompt, decode: t.times.decode, ...(t.estimated ? { source: 'estimated' } : {}), comment }) });
      }
      writeFilesAtomic(files);
    }

    if (flags.json) {
      io.out(
        `${JSON.stringify(
          {
            gpu: p.gpu,
            model: p.model,
            source: p.source,
            maxLayers: p.maxLayers,
            throughput: p.throughput,
            derivedFrom: p.derivedFrom,
            usableBytes: p.usableBytes,
            points: p.points,
            ...built.extra,
            ...(compare ? { compare: { ...compare, reference } } : {}),
            ...(flags.output ? { written: flags.output } : {}),
            ...(timingsOut ? { timingsWritten: timingsOut } : {}),
          },
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    const view: DerivedProfileView = {
      gpu: p.gpu,
      model: p.model,
      source: p.source,
      derivedFrom: p.derivedFrom,
      rows: p.points.map((pt, i) => ({
        k: pt.k,
        tokensPerSec: pt.tokensPerSec,
        decodeBatch: pt.decodeBatch,
        promptsPerStep: pt.promptsPerStep,
        share: pt.share,
        ...(reference && i < reference.length ? { reference: reference[i] } : {}),
      })),
      notes: built.notes,
      ...(compare ? { compare } : {}),
    };
    io.out(formatDerivedProfile(view, { color: colorFor(io, flags.color) }));
    // What was written goes where every command says it: stderr, silenced by --quiet.
    if (!flags.quiet) {
      io.err(flags.output ? `wrote ${flags.output}${timingsOut ? ` and its timings to ${timingsOut} (what plan and simulate read to predict delivered throughput)` : ''}\n` : 'write it with --output <profiles>/<model>/<GPU>.yaml\n');
      if (measuredThere) io.err(`kept the measured timings at ${beside}: the estimate's roofline timings were not written over them\n`);
    }
    return 0;
  },
};

/** A layer-time file an estimate wrote (`source: "estimated"`); unreadable ones count as not. */
function isEstimatedLayerTime(file: string): boolean {
  try {
    return loadLayerTimeFile(file).source === 'estimated';
  } catch {
    return false;
  }
}
