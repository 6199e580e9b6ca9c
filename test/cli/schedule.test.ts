import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { helix } from '../fixtures/cli.js';
import { mutable } from '../fixtures/plans.js';
import { serializePlan } from '../../src/plan/io.js';
import { tinyChain, tinyFile } from '../sim/tiny-plan.js';
import type { RoutingJson } from '../../src/schedule/json.js';

let dir: string;
let planFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'helix-schedule-'));
  planFile = join(dir, 'plan.json');
  writeFileSync(planFile, serializePlan(tinyChain().plan));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('helix schedule (built binary)', () => {
  it('prints the routing tables as JSON for a runtime, and writes them with -o', () => {
    const out = join(dir, 'routes.json');
    const r = helix(['schedule', planFile, '--cluster', tinyFile, '--json', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as RoutingJson;
    expect(j.cluster).toBe('tiny');
    expect(j.tables.map((t) => t.from)).toEqual(['source', 't4-1', 'l4', 'a100-1', 't4-2', 'a100-2']);
    expect(j.tables[0].hops).toEqual([{ to: 't4-1', flow: j.throughput, weight: 1 }]);
    expect(j.tables[5].sequence).toEqual(['sink']);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(j);
  });

  it("passes on validate's warnings (a plan for a spec of another name), and --quiet silences them", () => {
    const renamed = join(dir, 'renamed.yaml');
    writeFileSync(renamed, readFileSync(tinyFile, 'utf8').replace(/^name: tiny$/m, 'name: tiny-staging').replace('../profiles', join(dirname(tinyFile), '..', 'profiles')));
    const r = helix(['schedule', planFile, '--cluster', renamed]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: .*plan\.json: the plan was made for cluster "tiny", and is checked against "tiny-staging"/m);
    const quiet = helix(['schedule', planFile, '--cluster', renamed, '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    const explained = helix(['explain', planFile, '--cluster', renamed, '--quiet']);
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stderr).toBe('');
  });

  it('prints a table of next hops in layer order', () => {
    const r = helix(['schedule', planFile, '-c', tinyFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Routing tables for tiny');
    const rows = r.stdout.split('\n').filter((l) => /^│ \S/.test(l)).map((l) => l.split('│')[1].trim());
    expect(rows).toEqual(['from', 'coordinator', 't4-1', 'l4', 'a100-1', 't4-2', 'a100-2']);
  });

  it('exits 2 without --cluster and 1 for an invalid plan', () => {
    const missing = helix(['schedule', planFile]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--cluster/);
    const bad = mutable(tinyChain().plan);
    bad.nodes[0].end = 59;
    const badFile = join(dir, 'bad.json');
    writeFileSync(badFile, JSON.stringify(bad));
    const r = helix(['schedule', badFile, '-c', tinyFile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });
});
