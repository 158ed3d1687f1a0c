import { canDecide } from '../domain/decide.js';
import { expiresAt, type ApprovalTimers } from '../domain/lifecycle.js';
import { canSubmit } from '../domain/quota.js';
import type { RequestNotice } from '../domain/notices.js';
import type { DeletionRequest, HistoryEntry } from '../domain/request.js';
import type { DeletionType } from '../domain/types.js';
import type { LivePersonClient } from '../liveperson/client.js';
import type { Logger } from '../log.js';
import { StoreError } from '../store/errors.js';
import type { Change, RequestStore } from '../store/port.js';
import type { Outcome, QuotaReport, QuotaService, Refusal } from './quota-service.js';
import { historyEntry } from './request-steps.js';
import { Submission } from './submission.js';

export type { Outcome, QuotaReport, Refusal } from './quota-service.js';

/** Who may approve: resolved at the moment of the click (user groups can change). */
export interface Directory {
  approvers(): Promise<ReadonlySet<string>>;
}

export interface MessageRef {
  channelId: string;
  ts: string;
}

export interface DeletionServiceDeps {
  store: RequestStore;
  lp: LivePersonClient;
  quota: QuotaService;
  directory: Directory;
  accountId: string;
  /** When a pending request expires: a decision after that is refused (and the request expired) at the click. */
  timers: ApprovalTimers;
  now: () => Date;
  log: Logger;
}

export interface FileInput {
  userId: string;
  type: DeletionType;
  ids: string[];
  reason: string;
  duplicatesDropped: number;
  notes: string[];
  /** When the data subject made the request (`yyyy-mm-dd`), for the GDPR deadline. */
  subjectRequestedOn?: string;
}

/**
 * Filing and the four-eyes decision. Every state change is one store call that also queues the Slack
 * notices it causes, so a crash at any point loses nothing and never re-submits silently.
 */
export class DeletionService {
  readonly submission: Submission;

  constructor(private readonly deps: DeletionServiceDeps) {
    this.submission = new Submission(deps);
  }

  private clock(now: Date = this.deps.now()): { now: Date; timers: ApprovalTimers } {
    return { now, timers: this.deps.timers };
  }

  request(id: string): Promise<DeletionRequest | undefined> {
    return this.deps.store.get(id);
  }

  quota(): Promise<QuotaReport> {
    return this.deps.quota.report();
  }

  quotaRefusal(): Promise<Refusal | null> {
    return this.deps.quota.refusalToFile();
  }

  /** Resolves when no submission is under way, or after `timeoutMs`; true when idle. */
  idle(timeoutMs: number): Promise<boolean> {
    return this.submission.idle(timeoutMs);
  }

  /**
   * Stores a new request (pending approval) with its two notices: the approval message, then the
   * requester's DM (delivered after it, so it can link to it and never says "sent" before it exists).
   */
  async file(input: FileInput): Promise<Outcome<{ request: DeletionRequest }>> {
    const refusal = await this.quotaRefusal();
    if (refusal) return refusal;
    const now = this.deps.now();
    const at = now.toISOString();
    let request: DeletionRequest;
    try {
      request = await this.deps.store.create(
        this.deps.quota.key(now).month,
        (id) => ({
          id,
          accountId: this.deps.accountId,
          type: input.type,
          ids: input.ids,
          reason: input.reason,
          requestedBy: input.userId,
          createdAt: at,
          status: 'pending_approval',
          ...(input.subjectRequestedOn ? { subjectRequestedOn: input.subjectRequestedOn } : {}),
          history: [
            {
              at,
              event: 'filed',
              by: input.userId,
              detail: `${input.ids.length} ${input.type} id(s)${input.duplicatesDropped ? `, ${input.duplicatesDropped} duplicate(s) dropped` : ''}`,
            },
          ],
        }),
        [
          { kind: 'approval_post' },
          { kind: 'requester_filed', duplicatesDropped: input.duplicatesDropped, notes: input.notes },
        ],
      );
    } catch (error) {
      return notSaved(error, 'Nothing was filed');
    }
    this.deps.log.info('request_filed', {
      request: request.id,
      type: request.type,
      count: request.ids.length,
    });
    return { ok: true, request };
  }

  /** Checks whether `userId` may decide this request now (before opening the reject dialog). */
  async mayDecide(requestId: string, userId: string, at?: MessageRef): Promise<Refusal | null> {
    const approvers = await this.deps.directory.approvers();
    return decisionRefusal(await this.deps.store.get(requestId), userId, approvers, at, this.clock());
  }

  /**
   * Approves and submits. The check, the quota reservation and the move to `submitting` are one store
   * change under the month's lock, so however many clicks arrive (on any replica) one wins.
   */
  async approve(
    requestId: string,
    userId: string,
    at?: MessageRef,
  ): Promise<Outcome<{ request: DeletionRequest }>> {
    const approvers = await this.deps.directory.approvers();
    const now = this.deps.now();
    const key = this.deps.quota.key(now);
    let outcome: Outcome<{ request: DeletionRequest }>;
    try {
      outcome = await this.deps.store.update(
        requestId,
        (request, context): Change<Outcome<{ request: DeletionRequest }>> => {
          const quota = context.usage
            ? canSubmit(this.deps.quota.reportFrom(key.month, context.usage, now))
            : ({ ok: true } as const);
          const refusal =
            decisionRefusal(request, userId, approvers, at, this.clock(now)) ?? (quota.ok ? null : quota);
          if (refusal || !request) return refused(request, refusal ?? notFound(), userId, now);
          const next: DeletionRequest = {
            ...request,
            quotaMonth: key.month,
            status: 'submitting',
            decision: { outcome: 'approved', by: userId, at: now.toISOString() },
            history: [...request.history, historyEntry(now, 'approved', userId)],
          };
          return {
            value: { ok: true, request: next },
            request: next,
            notices: [{ kind: 'approval_update' }],
          };
        },
        { quota: key },
      );
    } catch (error) {
      return notSaved(error, 'Nothing was approved or sent to LivePerson');
    }
    if (!outcome.ok) {
      this.deps.log.info('decision_refused', { request: requestId, code: outcome.code });
      return outcome;
    }
    this.deps.log.info('request_approved', { request: requestId });
    return { ok: true, request: await this.submission.submit(outcome.request) };
  }

  async reject(
    requestId: string,
    userId: string,
    reason: string,
    at?: MessageRef,
  ): Promise<Outcome<{ request: DeletionRequest }>> {
    const approvers = await this.deps.directory.approvers();
    const now = this.deps.now();
    let outcome: Outcome<{ request: DeletionRequest }>;
    try {
      outcome = await this.deps.store.update(
        requestId,
        (request): Change<Outcome<{ request: DeletionRequest }>> => {
          const refusal = decisionRefusal(request, userId, approvers, at, this.clock(now));
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
        },
      );
    } catch (error) {
      return notSaved(error, 'The request was not rejected');
    }
    if (outcome.ok) this.deps.log.info('request_rejected', { request: requestId });
    else this.deps.log.info('decision_refused', { request: requestId, code: outcome.code });
    return outcome;
  }
}

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

function decisionRefusal(
  request: DeletionRequest | undefined,
  userId: string,
  approvers: ReadonlySet<string>,
  at: MessageRef | undefined,
  clock: { now: Date; timers: ApprovalTimers },
): Refusal | null {
  if (!request) return notFound();
  const { approvalMessage } = request;
  if (at && approvalMessage && (approvalMessage.channelId !== at.channelId || approvalMessage.ts !== at.ts)) {
    return {
      ok: false,
      code: 'WRONG_MESSAGE',
      message: `This button does not belong to request ${request.id}'s approval message. Use the buttons on that message.`,
    };
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

export function notFound(): Refusal {
  return {
    ok: false,
    code: 'NOT_FOUND',
    message:
      'lp-delete has no record of this request. Check the request number (DR-…) in the approval message.',
  };
}

/** A write that failed (disk full, …) is never reported as saved: the person hears it at once. */
export function notSaved(error: unknown, what: string): Refusal {
  if (error instanceof StoreError && error.code !== 'STORE_UNREADABLE') {
    return {
      ok: false,
      code: 'NOT_SAVED',
      message: `${what}: lp-delete could not save it (its data storage is failing). Try again in a few minutes; if it keeps failing, tell the lp-delete admins (npm run doctor shows the cause).`,
    };
  }
  throw error;
}
