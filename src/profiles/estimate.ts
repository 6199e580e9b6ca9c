// `helix profile estimate`: a profile for a GPU with no measurements. The roofline gives
// per-layer timings; the same derivation as for measured timings turns them into t(k).

import type { ModelCard } from '../spec/types.js';
import { deriveProfile, type DerivedProfile, type MachineTimes, type ServingSettings } from './build.js';
import type { PhaseTimes } from './derive.js';
import type { Hardware } from './hardware.js';
import { efficiencyFor, estimateLayerTimes, type Efficiency, type RooflineFactors } from './roofline.js';
import { meanDecodeContext } from './workload.js';

export interface Estimate {
  readonly profile: DerivedProfile;
  readonly times: PhaseTimes;
  readonly efficiency: Efficiency;
  /** False when the GPU's family was never measured and the fallback factors were used. */
  readonly fitted: boolean;
}

export function estimatedTimes(hw: Hardware, model: ModelCard, factors: RooflineFactors, settings: ServingSettings): PhaseTimes {
  const m = settings.weightBytesPerLayer ? { ...model, weightBytesPerLayer: settings.weightBytesPerLayer } : model;
  return estimateLayerTimes(hw, m, factors, meanDecodeContext(settings.workload));
}

export function estimateProfile(args: {
  readonly hardware: Hardware;
  readonly model: ModelCard;
  readonly factors: RooflineFactors;
  readonly settings: ServingSettings;
  /** Other types of a --pipeline mix. */
  readonly machines?: ReadonlyMap<string, MachineTimes>;
}): Estimate {
  const { hardware: hw, model, factors, settings } = args;
  const { efficiency, fitted } = efficiencyFor(factors, hw.family);
  const times = estimatedTimes(hw, model, factors, settings);
  const profile = deriveProfile({
    gpu: hw.name,
    cardModel: model,
    source: 'estimated',
    machine: { memory: hw, times },
    settings,
    timingsFrom: `roofline (${hw.family} factors${fitted ? '' : ', not fitted: family never measured'}: compute ${efficiency.compute.toFixed(2)}, memory ${efficiency.memory.toFixed(2)})`,
    ...(args.machines ? { machines: args.machines } : {}),
  });
  return { profile, times, efficiency, fitted };
}
