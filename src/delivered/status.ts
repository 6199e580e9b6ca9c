// The status a delivered plan records: what ended the run as a whole, for `helix plan` and the
// delivered row of `helix compare` alike.

import type { PlanStatus } from '../plan/types.js';

/**
 * What ended a delivered run, which is several searches: the winning candidate's own status
 * would say `optimal` for a max-flow proof the objective does not claim, or `time-limit` for a
 * layout the model search found in a run that stopped well inside the limit.
 */
export function deliveredStatus(chosen: PlanStatus, aborted: boolean, wallSec: number, limitSec: number): PlanStatus {
  if (aborted) return 'interrupted';
  if (chosen === 'no-flow') return chosen;
  // Every phase has a share of the limit and ends early only when its search stops improving.
  return wallSec < DELIVERED_STALLED_SHARE * limitSec ? 'stalled' : 'time-limit';
}

/** Share of the time limit under which a delivered run counts as having stopped on its own. */
const DELIVERED_STALLED_SHARE = 0.9;
