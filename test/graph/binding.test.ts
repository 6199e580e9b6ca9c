import { describe, expect, it } from 'vitest';
import { findBindingLinks, hubGroups, linkCanBind } from '../../src/graph/binding.js';
import { buildCluster, type NodeInit } from '../../src/spec/build.js';
import { testModel } from '../fixtures/clusters.js';

const model = testModel(4);
const act = model.activationBytesPerToken;
const gpu = (name: string, region: string, throughput: number[]): NodeInit => ({
  name, gpu: 'G', region, vramBytes: 16e9, maxLayers: throughput.length, nicBytesPerSec: 0, throughput, profileSource: 'measured',
});

/** Links given in tokens/s; every pair not listed gets `rest` tokens/s (0 = missing). */
function cluster(nodes: NodeInit[], links: Record<string, number>, rest: number) {
  return buildCluster({
    name: 'binding', model, nodes, coordinatorRegion: 'r0',
    link: (i, j) => {
      const tokens = links[`${i}>${j}`] ?? rest;
      return tokens > 0 ? { bandwidth: tokens * act, latency: 0 } : null;
    },
    coordinatorLink: () => ({ bandwidth: 1e9, latency: 0 }),
  });
}

describe('binding links', () => {
  // Best rates: 1000, 400, 300.
  const nodes = [gpu('a', 'r0', [1000, 500]), gpu('b', 'r0', [400, 200]), gpu('c', 'r1', [300])];

  it('needs each link to reach min(best rate of either end, U)', () => {
    const exact = cluster(nodes, { '0>1': 400, '1>0': 400, '0>2': 300, '2>0': 300, '1>2': 300, '2>1': 300 }, 0);
    expect(findBindingLinks(exact, 5000)).toEqual({ neverBind: true, pairs: [] });
    const short = cluster(nodes, { '0>1': 399, '1>0': 400, '0>2': 300, '2>0': 300, '1>2': 300, '2>1': 300 }, 0);
    const report = findBindingLinks(short, 5000);
    expect(report.neverBind).toBe(false);
    expect(report.pairs).toEqual([[0, 1]]);
    // A lower bound U relaxes the requirement: no flow above U exists anywhere.
    expect(findBindingLinks(short, 350).neverBind).toBe(true);
    expect(linkCanBind(short, 5000, 0, 1)).toBe(true);
    expect(linkCanBind(short, 5000, 1, 0)).toBe(false);
  });

  it('treats a missing link as binding and caps the report', () => {
    const missing = cluster(nodes, {}, 0);
    expect(findBindingLinks(missing, 5000).pairs.length).toBe(6);
    expect(findBindingLinks(missing, 5000, 2).pairs.length).toBe(2);
  });

  it('groups nodes for shared hubs only when no link inside a group can bind', () => {
    const four = [...nodes, gpu('d', 'r1', [300])];
    // Fast everywhere except both directions between node 0 and node 3, and 1 -> 2 one way.
    const c = cluster(four, { '0>3': 10, '3>0': 10, '1>2': 10 }, 2000);
    const groups = hubGroups(c, 5000);
    expect(groups.flat().sort()).toEqual([0, 1, 2, 3]);
    for (const g of groups) {
      for (const i of g) for (const j of g) if (i !== j) expect(linkCanBind(c, 5000, i, j)).toBe(false);
    }
    expect(groups).toEqual([[0, 1], [2, 3]]);
    // No binding links: one hub for everyone, whatever the regions.
    expect(hubGroups(cluster(four, {}, 2000), 5000)).toEqual([[0, 1, 2, 3]]);
  });
});
