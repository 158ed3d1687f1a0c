import { DAY_MS } from './durations.js';
import { gdprDeadline, isCalendarDate } from './gdpr.js';
import { todayIn } from './zoned-time.js';
import { submittedAt } from './lifecycle.js';
import type { RequestNotice } from './notices.js';
import type { DeletionRequest, HistoryEntry } from './request.js';
import type { LpRecord } from './types.js';
import { startVerification } from './verification.js';

/*
 * Following a submitted request at LivePerson until it is final (DONE or CANCELED): what a fresh status
 * read changes, when a request is overdue, and whether it finished before the GDPR deadline. Pure.
 */

/** LivePerson guarantees deletion 25 days after the request (5-day window + 20 days); 30 is late. */
export const OVERDUE_AFTER_DAYS = 30;
/** A person's Refresh or status command reads LivePerson at most this often per request. */
export const REFRESH_MIN_INTERVAL_MS = 30_000;

const FINAL_LP_STATUSES: ReadonlySet<string> = new Set(['DONE', 'CANCELED']);

/** Submitted, known to LivePerson, and not yet final there: the follow-up keeps asking. */
export function awaitsLivePerson(request: DeletionRequest): boolean {
  return (
    request.status === 'submitted' &&
    request.lpRecord !== undefined &&
    !request.lpRecord.isCanceled &&
    !FINAL_LP_STATUSES.has(request.lpRecord.status ?? '')
  );
}

/** When LivePerson was last asked about the request (its submission counts as the first answer). */
export function lastCheckedAt(request: DeletionRequest): Date | undefined {
  return request.lpStatusCheckedAt ? new Date(request.lpStatusCheckedAt) : submittedAt(request);
}

/** Whether the follow-up should ask LivePerson now: never asked, or asked at least `intervalMs` ago. */
export function followUpDue(request: DeletionRequest, now: Date, intervalMs: number): boolean {
  if (!awaitsLivePerson(request)) return false;
  const last = lastCheckedAt(request);
  // A little slack so a timer firing a few milliseconds early does not skip a whole round.
  return !last || now.getTime() - last.getTime() >= intervalMs * 0.9;
}

/** Still not final 30 days after submission and not flagged yet: flag it once. */
export function overdueFlagDue(request: DeletionRequest, now: Date): boolean {
  const at = submittedAt(request);
  return (
    awaitsLivePerson(request) &&
    !request.overdueFlaggedAt &&
    at !== undefined &&
    now.getTime() - at.getTime() >= OVERDUE_AFTER_DAYS * DAY_MS
  );
}

/** LivePerson's newer answer wins field by field; a field it left out keeps what we knew. */
export function mergeRecord(old: LpRecord | undefined, fresh: LpRecord): LpRecord {
  if (!old) return fresh;
  const known = Object.entries(fresh).filter(([, value]) => value !== null);
  return { ...old, ...(Object.fromEntries(known) as Partial<LpRecord>) };
}

/**
 * What a fresh read of LivePerson's status does to a request: the record merged and the time of the read
 * kept; a cancel made elsewhere taken over; DONE seen for the first time completes the request and owes
 * the thread reply, the requester's confirmation and the re-rendered record and approval message.
 * With `verify`, the first read-back is due at once and the requester's confirmation waits for it (it
 * says whether the deletion was verified).
 */
export function takeLpStatus(
  request: DeletionRequest,
  fresh: LpRecord,
  now: Date,
  verify = false,
): { next: DeletionRequest; notices: RequestNotice[] } {
  const at = now.toISOString();
  const next: DeletionRequest = {
    ...request,
    lpRecord: mergeRecord(request.lpRecord, fresh),
    lpStatusCheckedAt: at,
  };
  const notices: RequestNotice[] = [];
  // Cancelled or done as LivePerson reported it on its own.
  const entry = (event: HistoryEntry['event']): HistoryEntry => ({
    at,
    event,
    facts: { kind: 'lp_reported' },
  });
  if (fresh.status === 'CANCELED' && request.status === 'submitted') {
    // Cancelled elsewhere (LivePerson's UI, `npm run lp -- cancel`): the request follows LivePerson.
    next.status = 'cancelled';
    if (request.cancellation) next.cancellation = { ...request.cancellation, state: 'done' };
    next.history = [...request.history, entry('cancelled')];
    notices.push({ kind: 'approval_update' });
  } else if (fresh.status === 'DONE' && request.status === 'submitted' && !request.completedAt) {
    next.completedAt = at;
    next.history = [...request.history, entry('completed')];
    notices.push({ kind: 'approval_update' });
    if (request.recordMessage) notices.push({ kind: 'record_update', ...request.recordMessage });
    notices.push({ kind: 'completed_post' });
    if (verify) next.verification = startVerification(now);
    else notices.push({ kind: 'completed_requester' });
  }
  return { next, notices };
}

export interface Completion {
  /** `yyyy-mm-dd` in the team's zone. */
  completedOn: string;
  /** Whether that was on or before the GDPR deadline; undefined when the request date is not known. */
  beforeDeadline?: boolean;
}

/** The completion date (`yyyy-mm-dd` in `timeZone`) and whether it was on or before the GDPR deadline. */
export function completion(request: DeletionRequest, timeZone: string): Completion | undefined {
  if (!request.completedAt) return undefined;
  const completedOn = todayIn(new Date(request.completedAt), timeZone);
  const received = request.subjectRequestedOn;
  if (!received || !isCalendarDate(received)) return { completedOn };
  return { completedOn, beforeDeadline: completedOn <= gdprDeadline(received) };
}
