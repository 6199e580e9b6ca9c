// Generated benchmark clusters: N nodes drawn from the seven Set B machine types, spread over R
// regions, written as ordinary cluster YAML so the benchmark exercises the real loader too.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../src/search/rng.js';

const TYPES = ['A100-40G', 'V100', 'L4', '2xL4', 'T4', '2xT4', '4xT4'];

export interface GeneratedSpec {
  readonly nodes: number;
  readonly regions: number;
  readonly types: number;
  readonly seed: number;
}

export function generateCluster(spec: GeneratedSpec, dir: string, profilesDir: string): string {
  const rng = createRng(spec.seed);
  const types = TYPES.slice(0, Math.min(spec.types, TYPES.length));
  const regions = Array.from({ length: spec.regions }, (_, r) => `region-${r + 1}`);
  const counts = new Map<string, number>();
  for (let i = 0; i < spec.nodes; i++) {
    const key = `${rng.pick(types)}\u0000${regions[i % regions.length]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const name = `gen${spec.nodes}-r${spec.regions}`;
  const lines = [
    `# Generated: ${spec.nodes} nodes, ${types.length} GPU types, ${spec.regions} regions, seed ${spec.seed}.`,
    `name: ${name}`,
    'model: llama2-70b',
    `profiles: ${profilesDir}`,
    'coordinator: { region: region-1, bandwidth: 1GB/s, latency: 1ms }',
    'network:',
    `  seed: ${spec.seed}`,
    '  default: { bandwidth: 12.5MB/s, jitter: 0.2, latency: 50ms, latencyJitter: 10ms }',
    '  regions:',
    ...regions.map((r) => `    ${r}: { bandwidth: 1GB/s, latency: 1ms }`),
    'nodes:',
  ];
  for (const [key, count] of [...counts.entries()].sort()) {
    const [gpu, region] = key.split('\u0000');
    lines.push(`  - { name: ${region}-${gpu.toLowerCase()}, gpu: ${gpu}, count: ${count}, region: ${region} }`);
  }
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
