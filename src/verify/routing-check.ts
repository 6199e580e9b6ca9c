// The routing tables a plan embeds for its runtime (`routing`), as a whole: a runtime follows them,
// not the flows, so a stage whose table sends requests nowhere serves nothing however good the
// flows look. Tables written by this very helix must be exactly what it derives from the plan's
// placement (weights 100:1 where the flow is 1:1 once passed); older ones are held to the rest.

import type { Plan } from '../plan/types.js';
import { embeddedRouting } from '../schedule/json.js';
import type { Cluster } from '../spec/types.js';
import { VERSION } from '../version.js';
import type { Problem } from './verify.js';

export function checkRouting(plan: Plan, cluster: Cluster, problems: Problem[]): void {
  const routing = plan.routing;
  if (!routing) return;
  // Hops themselves are checked with the flows (verify.ts); here, what the tables add up to.
  const tables = new Map<string, number>();
  routing.forEach((table, t) => {
    if (tables.has(table.from)) problems.push({ field: `routing[${t}].from`, message: `a second table for ${table.from}` });
    else tables.set(table.from, t);
  });
  // Every stage that carries flow needs a table that sends requests on.
  const carrying = [{ name: 'source', flow: plan.throughput }, ...plan.nodes.map((pn) => ({ name: pn.name, flow: pn.flow }))];
  for (const { name, flow } of carrying) {
    if (!(flow > 0)) continue;
    const t = tables.get(name);
    const total = t === undefined ? 0 : routing[t].hops.reduce((s, h) => s + h.weight, 0);
    if (!(total > 0)) problems.push({ field: t === undefined ? 'routing' : `routing[${t}].hops`, message: `${name} carries ${flow} tokens/s, but its routing table sends no request on` });
  }
  if (problems.some((p) => p.field.startsWith('routing')) || plan.tool?.version !== VERSION) return;
  // Written by this helix: the tables must be the ones it derives from the plan's placement.
  const expected = new Map(embeddedRouting(cluster, plan)!.map((table) => [table.from, table.hops]));
  routing.forEach((table, t) => {
    const want = expected.get(table.from) ?? [];
    const key = (hops: readonly { to: string; weight: number }[]) => hops.map((h) => `${h.to}:${h.weight}`).sort().join(' ');
    if (key(table.hops) !== key(want)) {
      problems.push({ field: `routing[${t}]`, message: `${table.from}'s weights (${key(table.hops) || 'none'}) are not the plan's (${key(want) || 'none'})` });
    }
  });
}
