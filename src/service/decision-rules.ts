import { canDecide } from '../domain/decide.js';
import { expiresAt, historyEntry, type ApprovalTimers } from '../domain/lifecycle.js';
import { refuse, type Refusal } from '../domain/outcome.js';
import type { DeletionRequest, HistoryEntry } from '../domain/request.js';
import type { Change } from '../store/port.js';
import type { MessageRef } from './ports.js';
import { notFound } from './refusals.js';

/**
 * A refused click is kept in the audit trail, in the same change that decides to refuse it. A click on
 * a request past its expiry expires it there and then (as the sweep would have).
 */
export function refused(
  request: DeletionRequest | undefined,
  refusal: Refusal,
  userId: string,
  now: Date,
): Change<Refusal> {
  if (!request) return { value: refusal };
  const entry: HistoryEntry = historyEntry(now, 'approval_refused', userId, refusal.code);
  if (refusal.code === 'EXPIRED') {
    return {
      value: refusal,
      request: {
        ...request,
        status: 'expired',
        history: [...request.history, entry, historyEntry(now, 'expired')],
      },
      notices: [{ kind: 'approval_update' }, { kind: 'expired_post' }, { kind: 'requester_outcome' }],
    };
  }
  return { value: refusal, request: { ...request, history: [...request.history, entry] } };
}

/** Why `userId` may not decide `request` from the message `at` now, or null when they may. */
export function decisionRefusal(
  request: DeletionRequest | undefined,
  userId: string,
  approvers: ReadonlySet<string>,
  at: MessageRef | undefined,
  clock: { now: Date; timers: ApprovalTimers },
): Refusal | null {
  if (!request) return notFound();
  const { approvalMessage } = request;
  if (at && approvalMessage && (approvalMessage.channelId !== at.channelId || approvalMessage.ts !== at.ts)) {
    return refuse({ code: 'WRONG_MESSAGE', requestId: request.id });
  }
  const verdict = canDecide({
    request,
    userId,
    approvers,
    now: clock.now,
    expiresAt: expiresAt(request, clock.timers),
  });
  return verdict.ok ? null : verdict;
}

/** A part of a group is decided through its lead's approval message only. */
export function partRefusal(request: DeletionRequest | undefined): Refusal | null {
  if (!request?.group || request.group.index === 0) return null;
  return refuse({ code: 'WRONG_MESSAGE', requestId: request.id, groupId: request.group.id });
}
