import { describe, expect, it } from 'vitest';
import { noKvRoomNote } from '../../src/delivered/attach.js';
import { identicalCluster, testModel } from '../fixtures/clusters.js';
import { planFor } from '../fixtures/plans.js';

// 2.5 GB cards: a serving engine may use 0.9 x 2.5 - 2 = 0.25 GB; a layer weighs 0.2 GB, so one
// layer leaves KV room and two do not.
const cluster = identicalCluster(['a', 'b', 'c', 'd', 'e', 'f'], { vramBytes: 2.5e9, linkTokensPerSec: 1e12 / testModel(6).activationBytesPerToken });

describe('noKvRoomNote', () => {
  it('names the nodes carrying flow whose weights leave no KV-cache room, with the memory arithmetic', () => {
    const plan = planFor(cluster, [{ start: 0, end: 2 }, { start: 2, end: 4 }, { start: 4, end: 6 }, null, null, null]);
    expect(plan.throughput).toBeGreaterThan(0);
    expect(noKvRoomNote(cluster, plan)).toBe(
      "no KV-cache room on a, b, c: a's 2 layers take 0.4 GB of the 0.3 GB a serving engine may use on an X (0.9 x VRAM - 2 GB per GPU), so no request can be admitted through them; a profile's maxLayers above what leaves room is for another memory budget",
    );
    const roomy = planFor(cluster, [0, 1, 2, 3, 4, 5].map((i) => ({ start: i, end: i + 1 })));
    expect(noKvRoomNote(cluster, roomy)).toBeNull();
  });
});
