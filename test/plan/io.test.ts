import { describe, expect, it } from 'vitest';
import { parsePlan, readPlan, serializePlan } from '../../src/plan/io.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderError } from '../../src/errors.js';
import { flowDepth } from '../../src/plan/assemble.js';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { HelixError } from '../../src/errors.js';
import { randomSmallCluster, bruteForceOptimum } from '../fixtures/clusters.js';
import { mutable, planFor } from '../fixtures/plans.js';

const cluster = randomSmallCluster(7, { nodes: 3, layers: 4, maxLayers: 2 });
const plan = planFor(cluster, bruteForceOptimum(cluster).placement);

describe('plan files', () => {
  it('round-trip through JSON unchanged, keys in a fixed order', () => {
    const text = serializePlan(plan);
    expect(parsePlan(text, 'p.json')).toEqual(plan);
    expect(Object.keys(JSON.parse(text))).toEqual([
      'formatVersion', 'tool', 'cluster', 'settings', 'status', 'throughput', 'bound', 'gap', 'depth', 'nodes', 'flows', 'stats',
    ]);
    expect(serializePlan(parsePlan(text, 'p.json'))).toBe(text);
  });

  it('reject a field of the wrong type, naming it', () => {
    const p = mutable(plan);
    p.nodes[1].start = 'zero';
    try {
      parsePlan(JSON.stringify(p), 'p.json');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(HelixError);
      expect((e as HelixError).details).toMatchObject({ file: 'p.json', field: 'nodes[1].start' });
    }
  });

  it('reject a status, routing table or delivered figure of the wrong kind', () => {
    const fieldOf = (edit: (p: ReturnType<typeof mutable>) => void): unknown => {
      const p = mutable(plan);
      edit(p);
      try {
        parsePlan(JSON.stringify(p), 'p.json');
      } catch (e) {
        expect(e).toBeInstanceOf(HelixError);
        return (e as HelixError).details.field;
      }
      return 'accepted';
    };
    expect(fieldOf((p) => (p.status = 'great'))).toBe('status');
    expect(fieldOf((p) => (p.routing = 'x'))).toBe('routing');
    expect(fieldOf((p) => (p.routing = [{ from: 'source', hops: [{ to: 'n0', weight: -1 }] }]))).toBe('routing[0].hops[0]');
    expect(fieldOf((p) => (p.delivered = { throughput: 'x' }))).toBe('delivered.throughput');
    expect(fieldOf((p) => (p.routing = [{ from: 'source', hops: [{ to: 'n0', weight: 2 }] }]))).toBe('accepted');
  });

  it('check every field against the published schema, naming the field and what it expects', () => {
    // Each of these once read as valid and showed as undefined or NaN further on.
    const failure = (edit: (p: any) => void) => {
      const p = mutable(plan);
      edit(p);
      try {
        parsePlan(JSON.stringify(p), 'p.json');
      } catch (e) {
        return renderError(e as HelixError);
      }
      return 'accepted';
    };
    expect(failure((p) => (p.nodes[0].capacity = 'unlimited'))).toBe('p.json: nodes[0].capacity: not a valid helix plan (expected a number >= 0, found "unlimited")');
    expect(failure((p) => (p.gap = 'none'))).toBe('p.json: gap: not a valid helix plan (expected a number from 0 to 1, found "none")');
    expect(failure((p) => delete p.depth)).toBe('p.json: depth: not a valid helix plan (expected an integer >= 0, found nothing)');
    expect(failure((p) => delete p.nodes[1].gpu)).toBe('p.json: nodes[1].gpu: not a valid helix plan (expected a string, found nothing)');
    expect(failure((p) => (p.cluster.nodes = '5'))).toBe('p.json: cluster.nodes: not a valid helix plan (expected an integer >= 0, found "5")');
    // A key the schema does not know is let through: a newer helix may add optional ones.
    expect(failure((p) => (p.comment = 'moved by hand'))).toBe('accepted');
  });

  it('say where the plan is in a report that holds one (replan --json)', () => {
    expect(() => parsePlan(JSON.stringify({ throughput: 1, moves: 0, plan: mutable(plan) }), 'r.json')).toThrow(/not a plan but a report that holds one under "plan"/);
  });

  it('read a file with a UTF-8 byte-order mark (as specs are), and name a folder given for a file as specs do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helix-plan-io-'));
    const file = join(dir, 'bom.json');
    writeFileSync(file, `\uFEFF${serializePlan(plan)}`);
    expect(readPlan(file)).toEqual(plan);
    try {
      readPlan(dir);
      expect.unreachable();
    } catch (e) {
      expect(renderError(e as HelixError)).toBe(`${dir}: is a folder, not a file`);
    }
  });

  it('reject another format version and non-JSON', () => {
    expect(() => parsePlan(JSON.stringify({ ...mutable(plan), formatVersion: 99 }), 'p.json')).toThrow(/format version 99/);
    expect(() => parsePlan('{nope', 'p.json')).toThrow(/not valid JSON/);
  });
});

describe('flowDepth', () => {
  it('counts stages on the longest path with flow', () => {
    const chain = [{ start: 0, end: 2 }, { start: 2, end: 3 }, { start: 3, end: 4 }];
    const c = randomSmallCluster(3, { nodes: 3, layers: 4, maxLayers: 2 });
    const r = evaluatePlacement(c, chain);
    expect(flowDepth(c, r)).toBe(r.throughput > 0 ? 3 : 0);
  });
});
