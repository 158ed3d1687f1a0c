import type { Permission } from './outcome.js';
import type { DeletionRequest, RequestStatus } from './request.js';

export type { Permission, Refusal } from './outcome.js';

export type DecideRefusalCode = 'NOT_APPROVER' | 'OWN_REQUEST' | 'ALREADY_DECIDED' | 'EXPIRED';
export type RequestRefusalCode = 'NOT_REQUESTER';

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
export function canDecide({
  request,
  userId,
  approvers,
  now,
  expiresAt,
}: DecideInput): Permission<DecideRefusalCode> {
  if (request.status !== 'pending_approval') {
    return { ok: false, code: 'ALREADY_DECIDED', message: alreadyDecidedMessage(request) };
  }
  // At the click, not only when the sweep runs: an approval that waited too long is not taken.
  if (now && expiresAt && now.getTime() >= expiresAt.getTime()) {
    return {
      ok: false,
      code: 'EXPIRED',
      message: `${request.id} waited too long for a decision and has expired, so nothing was sent to LivePerson. File it again if the deletion is still needed.`,
    };
  }
  if (request.requestedBy === userId) {
    return {
      ok: false,
      code: 'OWN_REQUEST',
      message: `You filed ${request.id}, so someone else must approve or reject it — ask another approver.`,
    };
  }
  if (!approvers.has(userId)) {
    return { ok: false, code: 'NOT_APPROVER', message: notApproverMessage(approvers) };
  }
  return { ok: true };
}

export interface RequestInput {
  userId: string;
  /** Resolved requesters; null when no requester list is configured, so anyone may file. */
  requesters: ReadonlySet<string> | null;
}

/** May this person file a deletion request? */
export function canRequest({ userId, requesters }: RequestInput): Permission<RequestRefusalCode> {
  if (requesters === null || requesters.has(userId)) return { ok: true };
  return {
    ok: false,
    code: 'NOT_REQUESTER',
    message:
      'Only people on the requester list can file deletion requests, and you are not on it. ' +
      'Ask someone who is to file it, or ask an admin to add you to REQUESTER_USER_IDS or the requester user group.',
  };
}

function notApproverMessage(approvers: ReadonlySet<string>): string {
  if (approvers.size === 0) {
    return (
      'No approvers are configured, so nobody can approve deletion requests yet. ' +
      'Ask an admin to set APPROVER_USER_IDS or APPROVER_USERGROUP_ID.'
    );
  }
  return (
    'Only configured approvers can approve or reject deletion requests, and you are not one of them. ' +
    `Ask one of them (${mentionList([...approvers])}) to decide, or ask an admin to add you to APPROVER_USER_IDS.`
  );
}

/** Names a handful of approvers; a long list would drown the message. */
function mentionList(userIds: readonly string[]): string {
  const shown = userIds.slice(0, 5).map((id) => `<@${id}>`);
  const rest = userIds.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

const STATUS_AFTER_APPROVAL: Partial<Record<RequestStatus, string>> = {
  submitting: 'It is being sent to LivePerson now.',
  submitted: 'It has been sent to LivePerson.',
  failed: 'LivePerson refused it; see the request for the error.',
  outcome_unknown: 'Whether LivePerson received it is unknown; check the request before filing it again.',
  cancelled: 'It has since been cancelled.',
};

function alreadyDecidedMessage(request: DeletionRequest): string {
  const { decision } = request;
  const prefix = `${request.id} is no longer waiting for a decision.`;
  if (request.status === 'expired') {
    return `${prefix} It expired without one; file a new request if the deletion is still needed.`;
  }
  if (!decision) {
    // A status past approval without a recorded decision should not happen; still say what we know.
    return `${prefix} Its status is ${request.status.replace(/_/g, ' ')}.`;
  }
  const verb = decision.outcome === 'approved' ? 'approved' : 'rejected';
  const after = STATUS_AFTER_APPROVAL[request.status];
  return `${prefix} Already ${verb} by <@${decision.by}> at ${formatUtc(decision.at)}.${after ? ` ${after}` : ''}`;
}

/** `2026-11-30 14:03 UTC`; falls back to the stored text when it is not a valid timestamp. */
function formatUtc(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
