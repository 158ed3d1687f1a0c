import { DAY_MS, HOUR_MS } from './durations.js';
import { cancelWindowEnds } from './dates.js';
import type { Permission } from './outcome.js';
import type { DeletionRequest } from './request.js';

/*
 * What may happen to a request after it was filed: cancelling it at LivePerson inside the window, and
 * reminding or expiring an approval nobody decided. Pure: the clock and the approvers are arguments.
 */

export type CancelRefusalCode =
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

export interface CancelInput {
  request: DeletionRequest;
  userId: string;
  approvers: ReadonlySet<string>;
  now: Date;
}

/**
 * May `userId` cancel the request at LivePerson now? The requester and any approver may, while the
 * window is open and nobody else is already cancelling it.
 */
export function canCancel({ request, userId, approvers, now }: CancelInput): Permission<CancelRefusalCode> {
  if (request.status === 'cancelled' || request.cancellation?.state === 'done') {
    const by = request.cancellation ? ` by <@${request.cancellation.by}>` : '';
    return {
      ok: false,
      code: 'ALREADY_CANCELLED',
      message: `${request.id} was already cancelled${by}. Nothing will be deleted.`,
    };
  }
  if (request.status !== 'submitted' || !request.lpRecord) {
    return {
      ok: false,
      code: 'NOT_SUBMITTED',
      message:
        `${request.id} was never accepted by LivePerson (its status is ${request.status.replace(/_/g, ' ')}), ` +
        'so there is nothing to cancel there.',
    };
  }
  if (request.cancellation?.state === 'in_progress') {
    return {
      ok: false,
      code: 'CANCEL_IN_PROGRESS',
      message: `<@${request.cancellation.by}> is already cancelling ${request.id}; you will see the result in its thread.`,
    };
  }
  const until = cancellableUntil(request);
  if (!until || now.getTime() >= until.getTime()) {
    return {
      ok: false,
      code: 'WINDOW_CLOSED',
      message:
        `${request.id} can no longer be cancelled: LivePerson accepts a cancel only for 5 days after the request ` +
        `time${until ? `, which ended ${until.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''}. ` +
        'The deletion is final. Use `/lp-delete status` to follow it.',
    };
  }
  if (userId !== request.requestedBy && !approvers.has(userId)) {
    return {
      ok: false,
      code: 'NOT_ALLOWED',
      message: `Only the requester (<@${request.requestedBy}>) or an approver can cancel ${request.id}. Ask one of them.`,
    };
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

/** When a pending request expires. */
export function expiresAt(request: DeletionRequest, timers: ApprovalTimers): Date {
  return new Date(Date.parse(request.createdAt) + timers.expiryDays * DAY_MS);
}
