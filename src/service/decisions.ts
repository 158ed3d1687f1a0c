import { canSubmit, canTakePlan } from '../domain/quota.js';
import { expiresAt, historyEntry, type ApprovalTimers } from '../domain/lifecycle.js';
import { canDecide } from '../domain/decide.js';
import { refuse, type Outcome, type Refusal } from '../domain/outcome.js';
import type { RequestNotice } from '../domain/notices.js';
import type { DeletionRequest, HistoryEntry } from '../domain/request.js';
import type { Change, ChangeFn, QuotaKey } from '../store/port.js';
import { GroupParts } from './group-parts.js';
import type { MessageRef, UseCaseDeps } from './ports.js';
import { notFound, notSaved } from './refusals.js';
import type { Submission } from './submission.js';

export interface DecisionsDeps extends Pick<UseCaseDeps, 'store' | 'quota' | 'directory' | 'now' | 'log'> {
  submission: Submission;
  /** When a pending request expires: a decision after that is refused (and the request expired) at the click. */
  timers: ApprovalTimers;
}

/**
 * The four-eyes decision, a group's parts following their lead (group-parts.ts). Every state change is
 * one store call that also queues the Slack notices it causes, so a crash at any point loses nothing and
 * never re-submits silently.
 */
export class Decisions {
  private readonly parts: GroupParts;
  private readonly decidedListeners: ((leadId: string) => void)[] = [];

  constructor(private readonly deps: DecisionsDeps) {
    this.parts = new GroupParts(deps);
  }

  /**
   * `listener` hears a lead's id once a decision on it has played out: approved and every part sent to
   * LivePerson, or rejected. The Workflow Builder step (service/workflow-steps.ts) completes then; the
   * sweep completes it anyway when this process dies first.
   */
  onDecided(listener: (leadId: string) => void): void {
    this.decidedListeners.push(listener);
  }

  private decided(leadId: string): void {
    for (const listener of this.decidedListeners) listener(leadId);
  }

  /**
   * After a crash: interrupted submissions are looked up at LivePerson, then parts still pending whose
   * lead was decided get the lead's decision, and approved ones are sent (they never were).
   */
  async recover(): Promise<void> {
    await this.deps.submission.recover();
    await this.parts.recover();
  }

  /** The request, when `userId` may decide it now (before opening the reject dialog); otherwise why not. */
  async mayDecide(requestId: string, userId: string, at?: MessageRef): Promise<Decided> {
    const approvers = await this.deps.directory.approvers();
    const request = await this.deps.store.get(requestId);
    const refusal = decisionRefusal(request, userId, approvers, at, this.deps.now(), this.deps.timers);
    return refusal ?? (request ? { ok: true, request } : notFound());
  }

  /**
   * Approves and submits. The check, the quota reservation and the move to `submitting` are one store
   * change under the month's lock, so however many clicks arrive (on any replica) one wins.
   */
  async approve(requestId: string, userId: string, at?: MessageRef): Promise<Decided> {
    const approvers = await this.deps.directory.approvers();
    const now = this.deps.now();
    const key = this.deps.quota.key(now);
    const outcome = await this.decideOnce(
      requestId,
      'approve',
      (request, context) => {
        const report = context.usage && this.deps.quota.reportFrom(key.month, context.usage, now);
        const quota = report ? canSubmit(report) : null;
        const plan = report ? canTakePlan(report, request?.group?.size ?? 1) : null;
        const refusal =
          partRefusal(request) ??
          decisionRefusal(request, userId, approvers, at, now, this.deps.timers) ??
          (quota?.ok === false ? quota : null) ??
          (plan?.ok === false ? plan : null);
        if (refusal || !request) return refused(request, refusal ?? notFound(), userId, now);
        const next: DeletionRequest = {
          ...request,
          quotaMonth: key.month,
          status: 'submitting',
          unsent: true,
          decision: { outcome: 'approved', by: userId, at: now.toISOString() },
          history: [...request.history, historyEntry(now, 'approved', userId)],
        };
        return { value: { ok: true, request: next }, request: next, notices: [{ kind: 'approval_update' }] };
      },
      { quota: key },
    );
    if (!outcome.ok) return outcome;
    this.deps.log.info('request_approved', { request: requestId });
    if (!outcome.request.group) {
      const sent = await this.deps.submission.submit(outcome.request);
      this.decided(requestId);
      return { ok: true, request: sent };
    }
    // Every part moves to `submitting` (each in its own change) before any is sent: after a crash, a part
    // still pending is continued by `recover`, one left submitting is looked up, never re-sent.
    const parts = await this.parts.decide(outcome.request);
    const lead = await this.deps.submission.submit(outcome.request);
    for (const part of parts) await this.deps.submission.submit(part);
    this.decided(requestId);
    return { ok: true, request: lead };
  }

  async reject(requestId: string, userId: string, reason: string, at?: MessageRef): Promise<Decided> {
    const approvers = await this.deps.directory.approvers();
    const now = this.deps.now();
    const outcome = await this.decideOnce(requestId, 'reject', (request) => {
      const refusal =
        partRefusal(request) ?? decisionRefusal(request, userId, approvers, at, now, this.deps.timers);
      if (refusal || !request) return refused(request, refusal ?? notFound(), userId, now);
      const next: DeletionRequest = {
        ...request,
        status: 'rejected',
        decision: { outcome: 'rejected', by: userId, at: now.toISOString(), reason },
        history: [...request.history, historyEntry(now, 'rejected', userId)],
      };
      const notices: RequestNotice[] = [
        { kind: 'approval_update' },
        { kind: 'decision_note' },
        { kind: 'requester_outcome' },
      ];
      return { value: { ok: true, request: next }, request: next, notices };
    });
    if (!outcome.ok) return outcome;
    this.deps.log.info('request_rejected', { request: requestId });
    if (outcome.request.group) await this.parts.decide(outcome.request);
    this.decided(requestId);
    return outcome;
  }

  /** The decision's one store change; a refusal is logged, a change the store could not save is said so. */
  private async decideOnce(
    requestId: string,
    action: 'approve' | 'reject',
    change: ChangeFn<Decided>,
    options?: { quota?: QuotaKey },
  ): Promise<Decided> {
    let outcome: Decided;
    try {
      outcome = await this.deps.store.update(requestId, change, options);
    } catch (error) {
      return notSaved(error, action);
    }
    if (!outcome.ok) this.deps.log.info('decision_refused', { request: requestId, code: outcome.code });
    return outcome;
  }
}

type Decided = Outcome<{ request: DeletionRequest }>;

/**
 * A refused click is kept in the audit trail, in the same change that decides to refuse it. A click on
 * a request past its expiry expires it there and then (as the sweep would have).
 */
function refused(
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
function decisionRefusal(
  request: DeletionRequest | undefined,
  userId: string,
  approvers: ReadonlySet<string>,
  at: MessageRef | undefined,
  now: Date,
  timers: ApprovalTimers,
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
    now,
    expiresAt: expiresAt(request, timers),
  });
  return verdict.ok ? null : verdict;
}

/** A part of a group is decided through its lead's approval message only. */
function partRefusal(request: DeletionRequest | undefined): Refusal | null {
  if (!request?.group || request.group.index === 0) return null;
  return refuse({ code: 'WRONG_MESSAGE', requestId: request.id, groupId: request.group.id });
}
