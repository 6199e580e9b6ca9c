// Writes a model in CPLEX LP format: what HiGHS reads, and a way to inspect a model by eye
// (`helix plan --verbose` can dump it). Ranged rows become two rows so any LP reader takes them.

import { isPlainBinary, mergedTerms, type MilpModel, type Term } from './model.js';

const num = (x: number): string => (Number.isInteger(x) ? String(x) : x.toPrecision(15).replace(/\.?0+(e|$)/, '$1'));

function expression(all: readonly Term[]): string {
  const terms = mergedTerms(all);
  if (terms.length === 0) return '0';
  return terms
    .map((t, i) => {
      const sign = t.coef < 0 ? '-' : i === 0 ? '' : '+';
      return `${sign} ${num(Math.abs(t.coef))} ${t.name}`;
    })
    .join('\n   ');
}

export function toLpFormat(model: MilpModel): string {
  const out: string[] = [model.sense === 'max' ? 'Maximize' : 'Minimize', ` obj: ${expression(model.objective)}`, 'Subject To'];
  for (const r of model.rows) {
    const lhs = expression(r.terms);
    if (r.lb === r.ub) out.push(` ${r.name}: ${lhs} = ${num(r.ub)}`);
    else {
      if (Number.isFinite(r.lb)) out.push(` ${r.name}${Number.isFinite(r.ub) ? '_lo' : ''}: ${lhs} >= ${num(r.lb)}`);
      if (Number.isFinite(r.ub)) out.push(` ${r.name}${Number.isFinite(r.lb) ? '_hi' : ''}: ${lhs} <= ${num(r.ub)}`);
    }
  }
  out.push('Bounds');
  for (const v of model.variables) {
    if (isPlainBinary(v)) continue;
    const lb = Number.isFinite(v.lb) ? num(v.lb) : '-inf';
    const ub = Number.isFinite(v.ub) ? num(v.ub) : '+inf';
    if (lb === '-inf' && ub === '+inf') out.push(` ${v.name} free`);
    else out.push(` ${lb} <= ${v.name} <= ${ub}`);
  }
  const generals = model.variables.filter((v) => v.kind !== 'continuous' && !isPlainBinary(v)).map((v) => v.name);
  const binaries = model.variables.filter(isPlainBinary).map((v) => v.name);
  if (generals.length > 0) out.push('General', ...chunk(generals));
  if (binaries.length > 0) out.push('Binary', ...chunk(binaries));
  out.push('End', '');
  return out.join('\n');
}

function chunk(names: readonly string[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i < names.length; i += 8) lines.push(` ${names.slice(i, i + 8).join(' ')}`);
  return lines;
}
