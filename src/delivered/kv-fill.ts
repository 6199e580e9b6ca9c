// How many requests each path of a plan holds once the KV caches are full: requests admitted in
// proportion to the paths' flows until some node on a path has no room left, that path then
// frozen while the others keep filling the room it leaves (progressive filling). The simulator's
// admission does the same: IWRR picks hops by flow and skips a node whose cache is full while
// another can take the request, so room a tight path cannot use goes to the paths beside it.

/** A path of the plan's flow: the nodes it crosses (indices) and the flow it carries. */
export interface RoomPath {
  readonly nodes: readonly number[];
  readonly flow: number;
}

/**
 * Requests in flight per path, given each node's KV room in requests. Every open path holds the
 * same multiple t of its flow; t rises until some node is full, which closes the paths through
 * it; repeat until every path is closed. A path without flow holds nothing.
 */
export function fillKvRoom(paths: readonly RoomPath[], room: ArrayLike<number>): number[] {
  const n = room.length;
  const held: number[] = paths.map(() => 0);
  const used = new Float64Array(n);
  // Flow and number of the open paths through each node, and which paths those are. The count,
  // not the flow, says whether any path is still open there: flow left after subtractions need
  // not come to exactly 0.
  const live = new Float64Array(n);
  const openThrough = new Int32Array(n);
  const through: number[][] = Array.from({ length: n }, () => []);
  const open = paths.map((p) => p.flow > 0 && p.nodes.length > 0);
  paths.forEach((p, k) => {
    if (!open[k]) return;
    for (const v of p.nodes) {
      live[v] += p.flow;
      openThrough[v]++;
      through[v].push(k);
    }
  });
  for (;;) {
    let level = Infinity;
    let full = -1;
    for (let v = 0; v < n; v++) {
      if (openThrough[v] === 0) continue;
      const t = Math.max(0, room[v] - used[v]) / live[v];
      if (t < level) {
        level = t;
        full = v;
      }
    }
    if (full < 0) return held;
    for (const k of through[full]) {
      if (!open[k]) continue;
      open[k] = false;
      held[k] = level * paths[k].flow;
      for (const v of paths[k].nodes) {
        used[v] += held[k];
        live[v] -= paths[k].flow;
        openThrough[v]--;
      }
    }
  }
}
