// The fitted roofline factors as a file (profiles/catalog/efficiency.yaml), written by
// `npm run calibrate` and read by `helix profile estimate`.

import { Fields } from '../spec/fields.js';
import { readYamlFile } from '../spec/yaml-file.js';
import type { Efficiency, RooflineFactors } from './roofline.js';

export interface FactorsFile extends RooflineFactors {
  /** Family -> the measured types its factors were fitted on. */
  readonly fittedOn: ReadonlyMap<string, readonly string[]>;
  readonly file: string;
}

function efficiency(f: Fields): Efficiency {
  return { compute: f.num('compute', { above: 0 }), memory: f.num('memory', { above: 0 }) };
}

export function loadFactors(file: string): FactorsFile {
  const root = Fields.root(readYamlFile(file), file).onlyKeys(['decodeCompute', 'interconnect', 'families', 'fallback']);
  const fams = root.obj('families');
  const families = new Map<string, Efficiency>();
  const fittedOn = new Map<string, string[]>();
  for (const name of Object.keys(fams.data)) {
    const f = fams.obj(name).onlyKeys(['compute', 'memory', 'fittedOn']);
    families.set(name, efficiency(f));
    fittedOn.set(name, (f.optStr('fittedOn') ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  }
  return {
    families,
    fallback: efficiency(root.obj('fallback').onlyKeys(['compute', 'memory'])),
    decodeCompute: root.num('decodeCompute', { above: 0 }),
    interconnect: root.num('interconnect', { above: 0 }),
    fittedOn,
    file,
  };
}

const r3 = (x: number): string => x.toFixed(3);

export function formatFactorsYaml(factors: RooflineFactors, fittedOn: ReadonlyMap<string, readonly string[]>, header: readonly string[]): string {
  const lines = [...header.map((h) => `# ${h}`), `decodeCompute: ${r3(factors.decodeCompute)}`, `interconnect: ${r3(factors.interconnect)}`, 'families:'];
  for (const [name, e] of [...factors.families].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${name}: { compute: ${r3(e.compute)}, memory: ${r3(e.memory)}, fittedOn: "${(fittedOn.get(name) ?? []).join(', ')}" }`);
  }
  lines.push('# Families never measured (hopper, cdna3, ...) use the mean of the fitted ones.');
  lines.push(`fallback: { compute: ${r3(factors.fallback.compute)}, memory: ${r3(factors.fallback.memory)} }`);
  return `${lines.join('\n')}\n`;
}
