import { describe, expect, it } from 'vitest';
import { interchangeable, nodeClasses } from '../../src/graph/classes.js';
import { buildCluster, type NodeInit } from '../../src/spec/build.js';
import { testModel } from '../fixtures/clusters.js';

const gpu = (name: string, region: string, throughput: number[]): NodeInit => ({
  name, gpu: 'G', region, vramBytes: 16e9, maxLayers: throughput.length, nicBytesPerSec: 0, throughput, profileSource: 'measured',
});

function cluster(nodes: NodeInit[], opts: { noCoordinator?: number[]; slow?: [number, number][] } = {}) {
  return buildCluster({
    name: 'classes', model: testModel(6), nodes, coordinatorRegion: 'r0',
    link: (i, j) => ({ bandwidth: opts.slow?.some(([a, b]) => a === i && b === j) ? 1e3 : 1e10, latency: 0 }),
    coordinatorLink: (i) => (opts.noCoordinator?.includes(i) ? null : { bandwidth: 1e9, latency: 0 }),
  });
}

describe('node classes', () => {
  it('groups nodes with the same table, coordinator links and region', () => {
    const c = cluster([
      gpu('a', 'r0', [100, 50]),
      gpu('b', 'r0', [100, 50]),
      gpu('c', 'r1', [100, 50]), // another region
      gpu('d', 'r0', [100, 51]), // another table
      gpu('e', 'r0', [100, 50]), // no coordinator link
      gpu('f', 'r0', [100, 50]),
    ], { noCoordinator: [4] });
    const classes = nodeClasses(c);
    expect(classes.map((k) => k.members)).toEqual([[0, 1, 5], [2], [3], [4]]);
    expect(classes.map((k) => k.id)).toEqual([0, 1, 2, 3]);
    expect(classes[1].region).toBe('r1');
    expect(classes[3].sourceCapacity).toBe(0);
    expect(classes[0].capacity).toEqual([100, 50]);
  });

  it('calls two nodes interchangeable only when their links match too', () => {
    const nodes = [gpu('a', 'r0', [100]), gpu('b', 'r0', [100]), gpu('c', 'r0', [100]), gpu('d', 'r0', [90])];
    const plain = cluster(nodes);
    expect(interchangeable(plain, 0, 1)).toBe(true);
    expect(interchangeable(plain, 0, 3)).toBe(false);
    // A slow link out of node 0 only: 0 and 1 differ, 1 and 2 still match.
    const slow = cluster(nodes, { slow: [[0, 2]] });
    expect(interchangeable(slow, 0, 1)).toBe(false);
    expect(interchangeable(slow, 1, 3)).toBe(false);
    const oneWay = cluster(nodes, { slow: [[0, 1]] });
    expect(interchangeable(oneWay, 0, 1)).toBe(false);
    expect(interchangeable(oneWay, 2, 3)).toBe(false);
    expect(interchangeable(cluster(nodes, { noCoordinator: [1] }), 0, 1)).toBe(false);
  });
});
