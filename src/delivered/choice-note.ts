// The note a delivered plan carries about which candidate was chosen: written by the planner,
// read back by the summary table (a chosen max-flow candidate traded no max flow for delivery).

const CHOSE = 'objective delivered: chose';

export function choiceNote(label: string, candidates: number, list: string): string {
  return `${CHOSE} ${label} of ${candidates} candidates (${list})`;
}

/** The label of the candidate a delivered plan's notes say was chosen (`max flow`, `delivered search 2`, ...), or null. */
export function chosenCandidate(notes: readonly string[]): string | null {
  for (const note of notes) {
    const m = note.startsWith(CHOSE) ? /^ (.+?) of \d+ candidates/.exec(note.slice(CHOSE.length)) : null;
    if (m) return m[1];
  }
  return null;
}
