import { DAY_MS } from './durations.js';
import type { VerificationTrigger } from './history-facts.js';
import type { RequestNotice } from './notices.js';
import type { DeletionRequest, HistoryEntry } from './request.js';
import type {
  VerificationCounts,
  VerificationOutcome,
  VerificationResult,
  VerificationState,
} from './verification-schema.js';

/*
 * Proof of erasure: after LivePerson reports a request DONE, lp-delete reads back what it covered and
 * counts what is masked. When checks are due, what one check changes, and what it owes people. Pure.
 *
 * Schedule: the first check when DONE is first seen, the second two days after the first answer
 * (masking can lag). A failed read is tried again on the follow-up schedule and never counts as erased;
 * after VERIFY_GIVE_UP_DAYS without an answer the automatic checks stop (`/lp-delete verify` still works).
 * The first answer is told at once (thread, requester's DM, approvers when something is left); the
 * second only when it differs from what was told.
 */

/** The second check runs this long after the first answer. */
export const SECOND_CHECK_AFTER_DAYS = 2;
/** Failed reads are retried until this many days after completion. */
export const VERIFY_GIVE_UP_DAYS = 14;

export function outcomeOf(counts: VerificationCounts): VerificationOutcome {
  if (counts.residual > 0) return 'residual';
  if (counts.erased === 0) return 'not_checkable';
  return 'verified';
}

/** Two answers are the same when outcome and counts are. */
export function answerKey(result: VerificationResult): string {
  return [result.outcome, result.total, result.erased, result.residual, result.notCheckable].join(':');
}

/** The state a request gets when DONE is first seen: the first check is due now. */
export function startVerification(now: Date): VerificationState {
  return { dueAt: now.toISOString(), round: 'first' };
}

export function verificationDue(request: DeletionRequest, now: Date): boolean {
  const due = request.verification?.dueAt;
  return request.status === 'submitted' && due !== undefined && Date.parse(due) <= now.getTime();
}

/**
 * What one check does to a request: the result kept, a history entry (who or what triggered it), the
 * next check scheduled, and the notices owed. An on-demand check (`by` set) changes no schedule and
 * tells no one but the person asking (the caller answers them).
 */
export function takeVerification(
  request: DeletionRequest,
  result: VerificationResult,
  now: Date,
  options: { retryMs: number; by?: string },
): { next: DeletionRequest; notices: RequestNotice[] } {
  const state: VerificationState = request.verification ?? { round: 'first' };
  const failed = result.outcome === 'not_verified';
  const automatic = options.by === undefined;
  const trigger: VerificationTrigger = !automatic
    ? 'on_demand'
    : state.last?.outcome === 'not_verified'
      ? 'retry'
      : state.round;
  const nextState: VerificationState = {
    ...state,
    last: result,
    ...(failed ? {} : { lastRead: result }),
  };
  const notices: RequestNotice[] = [];
  if (automatic) {
    const completedAt = Date.parse(request.completedAt ?? '') || now.getTime();
    const givenUp = now.getTime() - completedAt > VERIFY_GIVE_UP_DAYS * DAY_MS;
    if (failed) {
      if (givenUp) delete nextState.dueAt;
      else nextState.dueAt = new Date(now.getTime() + options.retryMs).toISOString();
    } else if (state.round === 'first') {
      nextState.round = 'second';
      nextState.dueAt = new Date(now.getTime() + SECOND_CHECK_AFTER_DAYS * DAY_MS).toISOString();
    } else {
      delete nextState.dueAt;
    }
    const key = answerKey(result);
    const firstWord = state.told === undefined;
    // The first answer is told whatever it is; later ones only when they differ from what was told.
    // A failure after a real answer was told is not news: the next read will say.
    const tell = firstWord || (key !== state.told && !(failed && state.lastRead !== undefined));
    if (tell) {
      nextState.told = key;
      notices.push({
        kind: 'verification_post',
        result,
        alert: result.outcome === 'residual' && !alreadyAlerted(state, result),
      });
    }
    if (firstWord) notices.push({ kind: 'completed_requester', verification: result });
  }
  const next: DeletionRequest = {
    ...request,
    verification: nextState,
    history: [...request.history, verificationEntry(result, trigger, now, options.by)],
  };
  return { next, notices };
}

/** The residual alert goes to the approvers once per set of residual ids. */
function alreadyAlerted(state: VerificationState, result: VerificationResult): boolean {
  const told = state.told?.split(':');
  return told?.[0] === 'residual' && told[3] === String(result.residual);
}

/** The history entry: counts and trigger only (the history is shown and exported; no ids). */
export function verificationEntry(
  result: VerificationResult,
  trigger: VerificationTrigger,
  now: Date,
  by?: string,
): HistoryEntry {
  const { total, erased, residual, notCheckable, outcome, code } = result;
  return {
    at: now.toISOString(),
    event: 'verified',
    ...(by ? { by } : {}),
    facts: {
      kind: 'verification',
      trigger,
      outcome,
      total,
      erased,
      residual,
      notCheckable,
      ...(code ? { code } : {}),
    },
  };
}

/** A failed check's result. */
export function failedResult(now: Date, code: string): VerificationResult {
  return {
    at: now.toISOString(),
    outcome: 'not_verified',
    total: 0,
    erased: 0,
    residual: 0,
    notCheckable: 0,
    code,
  };
}
