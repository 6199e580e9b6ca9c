// One way to write a layer range everywhere a user reads one (tables, diffs, explanations,
// problems): half-open, as plans store it, so `[0, 7)` and the next node's `[7, 20)` visibly meet.

import type { LayerRange } from './types.js';

export function formatLayerRange(r: LayerRange | null, unused = 'unused'): string {
  return r ? `[${r.start}, ${r.end})` : unused;
}
