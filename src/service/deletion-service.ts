import { canDecide } from '../domain/decide.js';
import { expiresAt, type ApprovalTimers } from '../domain/lifecycle.js';
import { canSubmit, canTakePlan } from '../domain/quota.js';
import type { PlanSummary } from '../domain/plan.js';
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
  /** What the officer searched for (erasing a person): kept like the reason, never logged. */
  subject?: string;
}

/** Several requests (one type each, at most 100 ids) under one approval. */
export interface FilePlanInput extends Omit<FileInput, 'type' | 'ids'> {
  requests: readonly { type: DeletionType; ids: string[] }[];
  summary: PlanSummary;
  /** Open conversations left out: checked again by the sweep. */
  heldBack?: string[];
  /** Filed for conversations held back from this group (its lead's id). */
  heldBackFrom?: string;
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
          ...(input.subject ? { subject: input.subject } : {}),
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

  /**
   * Files a plan: one request when it is one request with nothing held back (exactly as `file`), otherwise
   * a group. The parts are stored first (pending, nothing posted), then the lead learns every part's id
   * in the change that queues the one approval message, so the message never shows a partial group.
   * Refused up front when the month has fewer requests left than the plan needs.
   */
  async filePlan(input: FilePlanInput): Promise<Outcome<{ request: DeletionRequest }>> {
    const [first, ...rest] = input.requests;
    if (!first) throw new RangeError('a plan has at least one request');
    const grouped = rest.length > 0 || (input.heldBack?.length ?? 0) > 0 || input.heldBackFrom !== undefined;
    if (!grouped) return this.file({ ...input, type: first.type, ids: first.ids });
    const refusal = await this.quotaRefusal();
    if (refusal) return refusal;
    const short = canTakePlan(await this.deps.quota.report(), input.requests.length);
    if (!short.ok) return short;
    const now = this.deps.now();
    const at = now.toISOString();
    const month = this.deps.quota.key(now).month;
    const size = input.requests.length;
    const part = (
      id: string,
      request: { type: DeletionType; ids: string[] },
      index: number,
      lead: string,
    ) => ({
      id,
      accountId: this.deps.accountId,
      type: request.type,
      ids: request.ids,
      reason: input.reason,
      requestedBy: input.userId,
      createdAt: at,
      status: 'pending_approval' as const,
      group: { id: lead, index, size },
      ...(input.subjectRequestedOn ? { subjectRequestedOn: input.subjectRequestedOn } : {}),
      ...(input.subject ? { subject: input.subject } : {}),
      history: [
        historyEntry(
          now,
          'filed',
          input.userId,
          `${request.ids.length} ${request.type} id(s), part ${index + 1} of ${size}`,
        ),
      ],
    });
    let lead: DeletionRequest;
    try {
      lead = await this.deps.store.create(month, (id) => part(id, first, 0, id));
      const members = [lead.id];
      for (const [i, request] of rest.entries()) {
        const created = await this.deps.store.create(month, (id) => part(id, request, i + 1, lead.id));
        members.push(created.id);
      }
      lead = await this.deps.store.update(lead.id, (r): Change<DeletionRequest> => {
        if (!r?.group) throw new Error(`request ${lead.id} vanished from the store`);
        const next: DeletionRequest = {
          ...r,
          group: {
            ...r.group,
            members,
            summary: input.summary,
            ...(input.heldBack?.length ? { heldBack: input.heldBack } : {}),
            ...(input.heldBackFrom ? { heldBackFrom: input.heldBackFrom } : {}),
          },
        };
        return {
          value: next,
          request: next,
          notices: [
            { kind: 'approval_post' },
            { kind: 'requester_filed', duplicatesDropped: input.duplicatesDropped, notes: input.notes },
          ],
        };
      });
    } catch (error) {
      return notSaved(error, 'Nothing was filed');
    }
    this.deps.log.info('request_filed', {
      request: lead.id,
      group: size,
      heldBack: input.heldBack?.length ?? 0,
    });
    return { ok: true, request: lead };
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
          const plan = context.usage
            ? canTakePlan(
                this.deps.quota.reportFrom(key.month, context.usage, now),
                request?.group?.size ?? 1,
              )
            : ({ ok: true } as const);
          const refusal =
            partRefusal(request) ??
            decisionRefusal(request, userId, approvers, at, this.clock(now)) ??
            (quota.ok ? null : quota) ??
            (plan.ok ? null : plan);
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
    if (!outcome.request.group) return { ok: true, request: await this.submission.submit(outcome.request) };
    // Every part moves to `submitting` (each in its own change) before any is sent: after a crash, a part
    // still pending is continued by `recover`, one left submitting is looked up, never re-sent.
    const parts = await this.decideParts(outcome.request);
    const lead = await this.submission.submit(outcome.request);
    for (const part of parts) await this.submission.submit(part);
    return { ok: true, request: lead };
  }

  /**
   * Applies the lead's decision to the parts still pending, each in its own change; approved parts are
   * reserved against the month's quota. Returns the parts this call moved to `submitting` (only the caller
   * that moved a part submits it, so a concurrent sweep never sends one twice).
   */
  private async decideParts(lead: DeletionRequest, only?: readonly string[]): Promise<DeletionRequest[]> {
    const decision = lead.decision;
    // An expired lead has no decision: its parts expire with it.
    const outcome = lead.status === 'expired' ? 'expired' : decision?.outcome;
    if (!outcome) return [];
    const members = (lead.group?.members ?? []).filter(
      (id) => id !== lead.id && (!only || only.includes(id)),
    );
    const now = this.deps.now();
    const key = this.deps.quota.key(now);
    const moved: DeletionRequest[] = [];
    for (const id of members) {
      const next = await this.deps.store.update(
        id,
        (r): Change<DeletionRequest | undefined> => {
          if (r?.status !== 'pending_approval') return { value: undefined };
          const status =
            outcome === 'approved' ? 'submitting' : outcome === 'expired' ? 'expired' : 'rejected';
          const changed: DeletionRequest = {
            ...r,
            ...(outcome === 'approved' ? { quotaMonth: key.month } : {}),
            status,
            ...(decision && outcome !== 'expired' ? { decision } : {}),
            history: [
              ...r.history,
              historyEntry(now, outcome, outcome === 'expired' ? undefined : decision?.by, `with ${lead.id}`),
            ],
          };
          return { value: changed, request: changed, notices: [{ kind: 'approval_update' }] };
        },
        outcome === 'approved' ? { quota: key } : undefined,
      );
      if (next?.status === 'submitting') moved.push(next);
    }
    return moved;
  }

  /**
   * After a crash: parts still pending whose lead was decided get the lead's decision, and approved ones
   * are sent (they never were). Then, as always, interrupted submissions are looked up at LivePerson.
   */
  async recover(): Promise<void> {
    await this.submission.recover();
    const waiting = (await this.deps.store.listOpen()).filter(
      (r) => r.status === 'pending_approval' && r.group && r.group.index > 0,
    );
    const byLead = new Map<string, string[]>();
    for (const part of waiting) {
      const lead = part.group?.id ?? '';
      byLead.set(lead, [...(byLead.get(lead) ?? []), part.id]);
    }
    for (const [leadId, partIds] of byLead) {
      const lead = await this.deps.store.get(leadId);
      if (!lead || lead.status === 'pending_approval') continue;
      const parts = await this.decideParts(lead, partIds);
      for (const part of parts) await this.submission.submit(part);
      this.deps.log.info('group_continued', { request: leadId, parts: partIds.length });
    }
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
          const refusal =
            partRefusal(request) ?? decisionRefusal(request, userId, approvers, at, this.clock(now));
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
    if (outcome.ok) {
      this.deps.log.info('request_rejected', { request: requestId });
      if (outcome.request.group) await this.decideParts(outcome.request);
    } else this.deps.log.info('decision_refused', { request: requestId, code: outcome.code });
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

/** A part of a group is decided through its lead's approval message only. */
function partRefusal(request: DeletionRequest | undefined): Refusal | null {
  if (!request?.group || request.group.index === 0) return null;
  return {
    ok: false,
    code: 'WRONG_MESSAGE',
    message: `${request.id} is part of ${request.group.id}: decide it with the buttons on ${request.group.id}'s approval message.`,
  };
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
