import type { ReconcileCheck } from './notices.js';
import type { LpRecord } from './types.js';

/**
 * Which record in LivePerson's list is an unsure create of ours, when that can be proved. Pure.
 *
 * LivePerson's list carries no ids of ours: `request_id`, `request_time`, `requested_by` and `status`
 * only. What makes a match provable:
 * - lp-delete sends at most one create at a time per account (the create lock), and saves each attempt
 *   with when it started before it is sent, so attempts follow one another on one time line;
 * - `requested_by` is what LivePerson answered to our own earlier creates; other records are not ours;
 * - times are compared on LivePerson's clock (the attempt's offset from its `Date` header);
 * - a record some stored request already holds is never a match.
 *
 * An unsure attempt's window runs from its start to the next attempt's start (or now): a create filed
 * late, after the next one began, is left unmatched rather than guessed. A match needs exactly one
 * unclaimed record of ours in the window, lying in no other unsure attempt's window, and no unclaimed
 * record of ours anywhere in the listed days that no unsure attempt can explain: such a record means
 * someone else creates with our key (or a create was filed too late to place), and then no record is
 * proof of anything.
 */

export interface AttemptWindow {
  /** The request id. */
  id: string;
  /** On LivePerson's clock, in ms. */
  fromMs: number;
  toMs: number;
  /** True for attempts whose outcome is unsure (they may be matched); false for one still under way. */
  unsure: boolean;
}

export interface MatchInput {
  windows: readonly AttemptWindow[];
  /** LivePerson's list for the listed days. */
  records: readonly LpRecord[];
  /** LivePerson request ids some stored request holds. */
  claimed: ReadonlySet<string>;
  /** `requested_by` of our own creates; undefined before lp-delete has seen one. */
  requestedBy: string | undefined;
  /** How far a time may be off on each side. */
  marginMs: number;
}

export interface MatchResult {
  /** The record that is provably this request's; absent when there is none or it cannot be proved. */
  match?: LpRecord;
  /** Unclaimed records in the window a person must compare (ours, or any before requested_by is known). */
  candidates: string[];
  /** What a person compares in LivePerson's list. */
  check: ReconcileCheck;
}

export function matchUnsure(input: MatchInput): Map<string, MatchResult> {
  const { windows, records, claimed, requestedBy, marginMs } = input;
  const unclaimed = records.filter((r) => !claimed.has(r.requestId));
  const ours = requestedBy === undefined ? [] : unclaimed.filter((r) => r.requestedBy === requestedBy);
  const timeOf = (r: LpRecord) => (r.requestTime ? Date.parse(r.requestTime) : NaN);
  const inside = (r: LpRecord, w: AttemptWindow) => {
    const t = timeOf(r);
    return t >= w.fromMs - marginMs && t <= w.toMs + marginMs;
  };
  // A record of ours no attempt can explain (or one without a time) makes every match unprovable.
  const stray = ours.some((r) => Number.isNaN(timeOf(r)) || !windows.some((w) => inside(r, w)));
  const results = new Map<string, MatchResult>();
  for (const w of windows) {
    if (!w.unsure) continue;
    const candidates = ours.filter((r) => inside(r, w));
    const [only] = candidates;
    const shared = only !== undefined && windows.some((other) => other !== w && inside(only, other));
    const provable = requestedBy !== undefined && !stray && candidates.length === 1 && !shared;
    // Before lp-delete knows its requested_by, every unclaimed record in the window is to be compared.
    const toCompare = (requestedBy === undefined ? unclaimed : ours).filter((r) => inside(r, w));
    results.set(w.id, {
      ...(provable && only ? { match: only } : {}),
      candidates: toCompare.map((r) => r.requestId),
      check: {
        from: new Date(w.fromMs - marginMs).toISOString(),
        to: new Date(w.toMs + marginMs).toISOString(),
        requestedBy: requestedBy ?? null,
        unexplained: toCompare.length,
      },
    });
  }
  return results;
}
