import type { SubjectDateProblem } from './gdpr.js';
import type { IdValidationError } from './ids.js';
import type { DeletionRequest, RequestStatus } from './request.js';

/** What the month's quota looks like when a rule is checked (built by quotaStatus in quota.ts). */
export interface QuotaStatus {
  /** Requests counted against this month (by lp-delete and, where known, outside it). */
  used: number;
  limit: number;
  remaining: number;
  /** True when LivePerson refused with 429 or our count reached the limit. */
  spent: boolean;
  pendingApprovals: number;
  /** When known, refusals say exactly when the quota resets (see nextQuotaReset). */
  resetsAt?: Date;
  /** Zone `resetsAt` is shown in; UTC when absent. */
  timeZone?: string;
}

type Decision = NonNullable<DeletionRequest['decision']>;

/**
 * An expected "no" (refused approval, quota spent, not yours to see): a return value, never thrown. It
 * carries a code and the facts the words need, never the words: `src/slack/blocks/refusal-text.ts` says it
 * to a person, logs and tests read the code. The one definition for the domain and the services.
 */
export type RefusalFacts =
  // The four-eyes decision (domain/decide.ts, service/decisions.ts).
  | { code: 'ALREADY_DECIDED'; requestId: string; status: RequestStatus; decision?: Decision }
  | { code: 'EXPIRED'; requestId: string }
  | { code: 'OWN_REQUEST'; requestId: string }
  | { code: 'NOT_APPROVER'; approvers: readonly string[] }
  | { code: 'WRONG_MESSAGE'; requestId: string; groupId?: string }
  // Who may file and what (domain/decide.ts, domain/filing-rules.ts).
  | { code: 'NOT_REQUESTER' }
  | { code: 'NO_REASON' }
  | { code: 'SUBJECT_DATE'; problem: SubjectDateProblem }
  | { code: 'INVALID_IDS'; errors: readonly IdValidationError[] }
  // The month's quota (domain/quota.ts): at filing or at approval.
  | { code: 'QUOTA_SPENT'; at: QuotaMoment; quota: QuotaStatus }
  | { code: 'QUOTA_SHORT'; at: QuotaMoment; needed: number; quota: QuotaStatus }
  // Cancelling at LivePerson (domain/lifecycle.ts, service/cancellation.ts).
  | { code: 'ALREADY_CANCELLED'; requestId: string; by?: string }
  | { code: 'NOT_SUBMITTED'; requestId: string; status: RequestStatus }
  | { code: 'CANCEL_IN_PROGRESS'; requestId: string; by: string }
  | { code: 'WINDOW_CLOSED'; requestId: string; until?: Date }
  | { code: 'NOT_ALLOWED'; requestId: string; requester: string }
  /** LivePerson refused or failed the cancel; `cause` is the error, described where it is shown. */
  | { code: 'CANCEL_FAILED'; requestId: string; lpCode: string; cause: unknown }
  // Finding and reading requests (service/refusals.ts, service/status-reads.ts).
  /** `ref` is what the person typed; absent for a click on a message whose request is gone. */
  | { code: 'NOT_FOUND'; ref?: string }
  /** Not theirs to see or cancel: nothing about the request is said, not even whose it is. */
  | { code: 'NOT_YOURS'; ref: string; asked: 'see' | 'cancel' | 'look_up_elsewhere' }
  | { code: 'RATE_LIMITED'; perMinute: number; retryInSeconds: number }
  /** A write failed (disk full, database down): nothing was saved, so nothing was done. */
  | { code: 'NOT_SAVED'; action: 'file' | 'approve' | 'reject' }
  // Erasing a person (service/person-erasure.ts).
  | { code: 'SEARCH_GONE' }
  /** No requester list: only approvers may search a person (issue 19). */
  | { code: 'SEARCH_NOT_ALLOWED'; approvers: readonly string[] }
  | { code: 'IDENTIFIER_INVALID'; problem: 'empty' | 'too_long'; max: number }
  /** Their earlier search is still running (one at a time); it is given up on at `retryAt` at the latest. */
  | { code: 'SEARCH_BUSY'; retryAt: Date }
  | { code: 'SEARCH_LIMIT'; limit: number; windowMinutes: number; retryAt: Date }
  /** The search belongs to someone else, or was already sent for approval. */
  | { code: 'SEARCH_NOT_YOURS' }
  | { code: 'SEARCH_USED'; filing: boolean }
  | { code: 'NOTHING_TO_DELETE'; openHeldBack: number }
  | { code: 'ALREADY_FILED'; justNow: boolean }
  // Proof of erasure (service/verification.ts, service/file-again.ts).
  /** Not finished at LivePerson yet: nothing to read back. */
  | { code: 'NOT_DONE'; requestId: string; status: RequestStatus }
  /** File again: nothing was left readable at the last check. */
  | { code: 'NOTHING_LEFT'; requestId: string };

export type RefusalCode = RefusalFacts['code'];

/** When a quota rule is checked: filing a request, or approving one (sending it to LivePerson). */
export type QuotaMoment = 'filing' | 'approval';

/** A refusal with one of the codes `Code` (all of them by default). */
export type Refusal<Code extends RefusalCode = RefusalCode> = { ok: false } & Extract<
  RefusalFacts,
  { code: Code }
>;

/** A rule's verdict: allowed, or refused with a code. */
export type Permission<Code extends RefusalCode = RefusalCode> = { ok: true } | Refusal<Code>;

/** A use case's result: what it produced, or why it refused. */
export type Outcome<T, Code extends RefusalCode = RefusalCode> = ({ ok: true } & T) | Refusal<Code>;

/** Builds a refusal: `refuse({ code: 'EXPIRED', requestId })`. */
export function refuse<F extends RefusalFacts>(facts: F): { ok: false } & F {
  return { ok: false, ...facts };
}
