// Reading and writing plan files. Reading checks the shape field by field, then against the
// published schema, so a hand-edited or foreign JSON file is rejected with the field that is
// wrong, before any verification runs.

import { inputError } from '../errors.js';
import { readText } from '../spec/yaml-file.js';
import { BUNDLED_TRACES, canonicalWorkloadName } from '../spec/workload-name.js';
import { planSchemaViolation } from './schema-check.js';
import { PLAN_FORMAT_VERSION, PLAN_OBJECTIVES, PLAN_STATUSES, type Plan } from './types.js';

export function serializePlan(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

type Json = unknown;

function expect(file: string, field: string, ok: boolean, expected: string, value: Json): void {
  if (!ok) throw inputError('bad-plan', 'not a valid helix plan', { file, field, expected, found: describe(value) });
}

function describe(v: Json): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

const isNum = (v: Json): v is number => typeof v === 'number' && Number.isFinite(v);
const isObj = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIntOrNull = (v: Json): boolean => v === null || (isNum(v) && Number.isInteger(v));

export function parsePlan(text: string, file: string): Plan {
  let data: Json;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw inputError('bad-plan-json', `plan is not valid JSON: ${(e as Error).message}`, { file });
  }
  expect(file, '(top level)', isObj(data), 'a JSON object', data);
  const p = data as Record<string, Json>;
  // `replan --json` and `compare --json` wrap a plan with their own figures; saying where the plan
  // is beats "formatVersion: expected a number".
  if (p.formatVersion === undefined && isObj(p.plan) && (p.plan as Record<string, Json>).formatVersion !== undefined) {
    throw inputError('bad-plan', 'not a plan but a report that holds one under "plan" (as `helix replan --json` writes)', {
      file,
      field: 'formatVersion',
      expected: 'the plan itself: `helix replan ... -o FILE` writes it, or take `.plan` of the report',
    });
  }
  expect(file, 'formatVersion', isNum(p.formatVersion), 'a number', p.formatVersion);
  if (p.formatVersion !== PLAN_FORMAT_VERSION) {
    throw inputError('plan-version', `plan format version ${String(p.formatVersion)} is not supported by this helix`, {
      file,
      field: 'formatVersion',
      expected: String(PLAN_FORMAT_VERSION),
    });
  }
  expect(file, 'cluster', isObj(p.cluster), 'an object', p.cluster);
  const c = p.cluster as Record<string, Json>;
  expect(file, 'cluster.name', typeof c.name === 'string', 'a string', c.name);
  expect(file, 'cluster.model', typeof c.model === 'string', 'a string', c.model);
  expect(file, 'cluster.layers', isNum(c.layers), 'a number', c.layers);
  expect(file, 'cluster.inputHash', typeof c.inputHash === 'string', 'a string', c.inputHash);
  expect(file, 'settings', isObj(p.settings), 'an object', p.settings);
  const objective = (p.settings as Record<string, Json>).objective;
  expect(file, 'settings.objective', objective === undefined || (PLAN_OBJECTIVES as readonly Json[]).includes(objective), PLAN_OBJECTIVES.map((x) => `"${x}"`).join(' or '), objective);
  const workload = (p.settings as Record<string, Json>).workload;
  expect(file, 'settings.workload', workload === undefined || (typeof workload === 'string' && canonicalWorkloadName(workload) === workload), `${BUNDLED_TRACES.map((x) => `"${x}"`).join(' or ')} or "IN:OUT"`, workload);
  expect(file, 'status', (PLAN_STATUSES as readonly Json[]).includes(p.status), PLAN_STATUSES.map((x) => `"${x}"`).join(', '), p.status);
  expect(file, 'throughput', isNum(p.throughput), 'a number', p.throughput);
  expect(file, 'bound', isObj(p.bound) && isNum((p.bound as Record<string, Json>).value), 'an object with a numeric value', p.bound);
  expect(file, 'nodes', Array.isArray(p.nodes), 'an array', p.nodes);
  (p.nodes as Json[]).forEach((n, i) => {
    const f = `nodes[${i}]`;
    expect(file, f, isObj(n), 'an object', n);
    const o = n as Record<string, Json>;
    expect(file, `${f}.name`, typeof o.name === 'string', 'a string', o.name);
    expect(file, `${f}.start`, isIntOrNull(o.start), 'an integer or null', o.start);
    expect(file, `${f}.end`, isIntOrNull(o.end), 'an integer or null', o.end);
    expect(file, `${f}.flow`, isNum(o.flow), 'a number', o.flow);
  });
  // What a runtime or script reads besides the flows: checked for shape here, for truth by verify.
  if (p.routing !== undefined) {
    expect(file, 'routing', Array.isArray(p.routing), 'an array of routing tables', p.routing);
    (p.routing as Json[]).forEach((t, i) => {
      const o = t as Record<string, Json>;
      expect(file, `routing[${i}]`, isObj(t) && typeof o.from === 'string' && Array.isArray(o.hops), 'an object with "from" and "hops"', t);
      (o.hops as Json[]).forEach((h, k) => {
        const hop = h as Record<string, Json>;
        expect(file, `routing[${i}].hops[${k}]`, isObj(h) && typeof hop.to === 'string' && isNum(hop.weight) && (hop.weight as number) >= 0, 'an object with "to" and a weight >= 0', h);
      });
    });
  }
  if (p.delivered !== undefined) {
    expect(file, 'delivered', isObj(p.delivered), 'an object', p.delivered);
    const d = p.delivered as Record<string, Json>;
    for (const key of ['throughput', 'decodeThroughput', 'ttftSec', 'tpotSec', 'inflight'] as const) {
      expect(file, `delivered.${key}`, isNum(d[key]), 'a number', d[key]);
    }
  }
  expect(file, 'flows', Array.isArray(p.flows), 'an array', p.flows);
  (p.flows as Json[]).forEach((e, i) => {
    const f = `flows[${i}]`;
    expect(file, f, isObj(e), 'an object', e);
    const o = e as Record<string, Json>;
    expect(file, `${f}.from`, typeof o.from === 'string', 'a node name, "source" or "sink"', o.from);
    expect(file, `${f}.to`, typeof o.to === 'string', 'a node name, "source" or "sink"', o.to);
    expect(file, `${f}.flow`, isNum(o.flow), 'a number', o.flow);
  });
  // Everything else a reader may rely on, by the published schema.
  const violation = planSchemaViolation(data);
  if (violation) throw inputError('bad-plan', 'not a valid helix plan', { file, field: violation.field, expected: violation.expected, found: describe(violation.found) });
  return data as Plan;
}

export function readPlan(file: string): Plan {
  return parsePlan(readText(file), file);
}
