import { DAY_MS, HOUR_MS } from './durations.js';
import { cancelWindowEnds } from './dates.js';
import type { DecideInput } from './decide.js';
import { refuse, type Permission } from './outcome.js';
import type { DeletionRequest, HistoryEntry } from './request.js';

/*
 * What may happen to a request after it was filed: cancelling it at LivePerson inside the window, and
 * reminding or expiring an approval nobody decided. Pure: the clock and the approvers are arguments.
 */

/** A cancel claim older than this with LivePerson not reporting it cancelled was interrupted. */
export const STALE_CANCEL_MS = 2 * 60 * 1000;

type CancelRefusalCode =
  'NOT_SUBMITTED' | 'ALREADY_CANCELLED' | 'CANCEL_IN_PROGRESS' | 'WINDOW_CLOSED' | 'NOT_ALLOWED';

/**
 * When LivePerson's clock started for the request: its own request time when it sent one, otherwise
 * when lp-delete recorded the submission. Undefined before submission.
 */
export function submittedAt(request: DeletionRequest): Date | undefined {
  const lpTime = request.lpRecord?.requestTime;
  if (lpTime && !Number.isNaN(Date.parse(lpTime))) return new Date(lpTime);
  const entry = [...request.history].reverse().find((e) => e.event === 'submitted');
  return entry && !Number.isNaN(Date.parse(entry.at)) ? new Date(entry.at) : undefined;
}

/** Until when the request can be cancelled at LivePerson; undefined when it never reached LivePerson. */
export function cancellableUntil(request: DeletionRequest): Date | undefined {
  const at = submittedAt(request);
  return request.lpRecord && at ? cancelWindowEnds(at) : undefined;
}

/** True when the thread record should offer Cancel: submitted, not cancelled, window open. */
export function cancelOffered(request: DeletionRequest, now: Date): boolean {
  const until = cancellableUntil(request);
  return (
    request.status === 'submitted' &&
    request.cancellation?.state !== 'done' &&
    until !== undefined &&
    now.getTime() < until.getTime()
  );
}

type CancelInput = Required<Omit<DecideInput, 'expiresAt'>>;

/**
 * May `userId` cancel the request at LivePerson now? The requester and any approver may, while the
 * window is open and nobody else is already cancelling it.
 */
export function canCancel({ request, userId, approvers, now }: CancelInput): Permission<CancelRefusalCode> {
  if (request.status === 'cancelled' || request.cancellation?.state === 'done') {
    const by = request.cancellation?.by;
    return refuse({ code: 'ALREADY_CANCELLED', requestId: request.id, ...(by ? { by } : {}) });
  }
  if (request.status !== 'submitted' || !request.lpRecord) {
    return refuse({ code: 'NOT_SUBMITTED', requestId: request.id, status: request.status });
  }
  if (request.cancellation?.state === 'in_progress') {
    return refuse({ code: 'CANCEL_IN_PROGRESS', requestId: request.id, by: request.cancellation.by });
  }
  const until = cancellableUntil(request);
  if (!until || now.getTime() >= until.getTime()) {
    return refuse({ code: 'WINDOW_CLOSED', requestId: request.id, ...(until ? { until } : {}) });
  }
  if (userId !== request.requestedBy && !approvers.has(userId)) {
    return refuse({ code: 'NOT_ALLOWED', requestId: request.id, requester: request.requestedBy });
  }
  return { ok: true };
}

export interface ApprovalTimers {
  reminderHours: number;
  expiryDays: number;
}

/** What the sweep should do with a request: nothing, remind the approvers once, or expire it. */
export function approvalDue(
  request: DeletionRequest,
  now: Date,
  timers: ApprovalTimers,
): 'remind' | 'expire' | null {
  if (request.status !== 'pending_approval') return null;
  const filed = Date.parse(request.createdAt);
  if (Number.isNaN(filed)) return null;
  const age = now.getTime() - filed;
  if (age >= timers.expiryDays * DAY_MS) return 'expire';
  if (age >= timers.reminderHours * HOUR_MS && !request.reminderSentAt) return 'remind';
  return null;
}

export function expiresAt(request: DeletionRequest, timers: ApprovalTimers): Date {
  return new Date(Date.parse(request.createdAt) + timers.expiryDays * DAY_MS);
}

/** One line of a request's audit trail. */
export function historyEntry(
  at: Date,
  event: HistoryEntry['event'],
  by?: string,
  detail?: string,
): HistoryEntry {
  return { at: at.toISOString(), event, ...(by ? { by } : {}), ...(detail ? { detail } : {}) };
}
