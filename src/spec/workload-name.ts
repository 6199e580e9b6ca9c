// Names of request workloads: a bundled trace under profiles/workloads (lengths sampled from it),
// or `IN:OUT`, every request that long. Plans record the name, so reading a plan checks it here.

export const BUNDLED_TRACES = ['azure-conv', 'azure-code'] as const;

/** What Helix served, and what plans made before `--workload` existed were made for. */
export const DEFAULT_WORKLOAD = 'azure-conv';
export type TraceName = (typeof BUNDLED_TRACES)[number];

const FIXED = /^\s*(\d+)\s*:\s*(\d+)\s*$/;

/** The canonical form of a workload name (`0750:240 ` -> `750:240`), or null when it is none. */
export function canonicalWorkloadName(value: string): string | null {
  const name = value.trim();
  if ((BUNDLED_TRACES as readonly string[]).includes(name)) return name;
  const m = FIXED.exec(name);
  return m && Number(m[1]) >= 1 && Number(m[2]) >= 1 ? `${Number(m[1])}:${Number(m[2])}` : null;
}

/** Fixed lengths of an `IN:OUT` name; null for a trace. */
export function fixedLengths(name: string): { input: number; output: number } | null {
  const m = FIXED.exec(name);
  return m ? { input: Number(m[1]), output: Number(m[2]) } : null;
}
