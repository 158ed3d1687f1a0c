import { refuse, type Permission } from './outcome.js';
import type { DeletionRequest } from './request.js';

export interface DecideInput {
  request: DeletionRequest;
  /** Slack user id of whoever clicked approve or reject. */
  userId: string;
  /** Resolved approvers (APPROVER_USER_IDS plus members of APPROVER_USERGROUP_ID). */
  approvers: ReadonlySet<string>;
  /** The time of the click and when the request expires: a decision after that is refused. */
  now?: Date;
  expiresAt?: Date;
}

/**
 * The four-eyes rule: a pending request may be approved or rejected only by a configured approver who
 * did not file it.
 *
 * Checked in this order: a request that is no longer pending is reported as such first (nobody can
 * act on it, and saying who decided is the most useful answer); then the requester is refused even when
 * they are an approver themselves; then anyone who is not an approver.
 */
export function canDecide(
  input: DecideInput,
): Permission<'NOT_APPROVER' | 'OWN_REQUEST' | 'ALREADY_DECIDED' | 'EXPIRED'> {
  const { request, userId, approvers, now, expiresAt } = input;
  if (request.status !== 'pending_approval') {
    return refuse({
      code: 'ALREADY_DECIDED',
      requestId: request.id,
      status: request.status,
      ...(request.decision ? { decision: request.decision } : {}),
    });
  }
  // At the click, not only when the sweep runs: an approval that waited too long is not taken.
  if (now && expiresAt && now.getTime() >= expiresAt.getTime()) {
    return refuse({ code: 'EXPIRED', requestId: request.id });
  }
  if (request.requestedBy === userId) return refuse({ code: 'OWN_REQUEST', requestId: request.id });
  if (!approvers.has(userId)) return refuse({ code: 'NOT_APPROVER', approvers: [...approvers] });
  return { ok: true };
}

export interface RequestInput {
  userId: string;
  /** Resolved requesters; null when no requester list is configured, so anyone may file. */
  requesters: ReadonlySet<string> | null;
}

/** May this person file a deletion request? */
export function canRequest({ userId, requesters }: RequestInput): Permission<'NOT_REQUESTER'> {
  if (requesters === null || requesters.has(userId)) return { ok: true };
  return refuse({ code: 'NOT_REQUESTER' });
}
