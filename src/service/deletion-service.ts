import { canDecide } from '../domain/decide.js';
import { newRequestId } from '../domain/dates.js';
import {
  canFile,
  canSubmit,
  nextQuotaReset,
  quotaMonth,
  quotaStatus,
  type QuotaStatus,
} from '../domain/quota.js';
import type { DeletionRequest, Failure, HistoryEntry } from '../domain/request.js';
import type { DeletionType, LpRecord } from '../domain/types.js';
import { effectiveUsed, type UsageSources } from '../domain/quota-usage.js';
import { describeForPeople, LivePersonError } from '../liveperson/errors.js';
import type { LivePersonClient } from '../liveperson/client.js';
import type { Logger } from '../log.js';
import { requestsIn, usageIn, type Store, type StoreData } from '../store/store.js';
import { bestEffort, changeRequest, historyEntry } from './request-steps.js';

/** An expected "no": the listener shows `message` to the person who asked. */
export interface Refusal {
  ok: false;
  code: string;
  message: string;
}
export type Outcome<T> = ({ ok: true } & T) | Refusal;

export interface QuotaReport extends QuotaStatus {
  month: string;
  resetsAt: Date;
  /** Where `used` comes from: lp-delete's count and LivePerson's list at the last sync. */
  sources?: UsageSources;
}

/** What the service needs from Slack: posting and updating; rendering lives on the Slack side. */
export interface SlackGateway {
  /** Posts the approval message; where it landed is reported through `DeletionService.approvalPosted`. */
  postApprovalRequest(request: DeletionRequest, quota: QuotaReport): Promise<void>;
  updateApprovalMessage(request: DeletionRequest, quota: QuotaReport): Promise<void>;
  postRecord(request: DeletionRequest): Promise<void>;
  postFailure(request: DeletionRequest, explanation: { what: string; next: string }): Promise<void>;
  postDecisionNote(request: DeletionRequest): Promise<void>;
  notifyRequesterFiled(request: DeletionRequest, duplicatesDropped: number, notes: string[]): Promise<void>;
  notifyRequesterOutcome(
    request: DeletionRequest,
    explanation?: { what: string; next: string },
  ): Promise<void>;
  /** Re-renders a thread record (LivePerson status, Cancel button) in the message at `at`. */
  updateRecordMessage(request: DeletionRequest, at: MessageRef): Promise<void>;
  /** In the thread: who cancelled the request at LivePerson. */
  postCancelled(request: DeletionRequest): Promise<void>;
  /** In the thread: the approval still waits, and when it expires. */
  postReminder(request: DeletionRequest, expiresAt: Date): Promise<void>;
  /** In the thread: the approval expired undecided. */
  postExpired(request: DeletionRequest): Promise<void>;
  /** To the privacy channel: the month's quota reached `level` percent. */
  postQuotaAlert(level: number, quota: QuotaReport): Promise<void>;
}

/** Who may approve: resolved at the moment of the click (user groups can change). */
export interface Directory {
  approvers(): Promise<ReadonlySet<string>>;
}

export interface DeletionServiceDeps {
  store: Store;
  lp: LivePersonClient;
  slack: SlackGateway;
  directory: Directory;
  accountId: string;
  monthlyLimit: number;
  quotaTimeZone: string;
  now: () => Date;
  log: Logger;
  /** Whether a Slack delivery for this request is already queued (the durable outbox), so recovery does not queue it twice. */
  isQueued?: (requestId: string, op: keyof SlackGateway) => boolean;
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
 * The deletion workflow: filing, four-eyes decision, submission to LivePerson, and recovery after a
 * restart. Every state change is persisted before the next outside call, so a crash at any point loses
 * nothing and never re-submits silently.
 */
export class DeletionService {
  /** Submissions under way: shutdown waits for them so none is cut between LivePerson and the store. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly deps: DeletionServiceDeps) {}

  /** Resolves when no submission is under way, or after `timeoutMs`; true when idle. */
  async idle(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const settled = Promise.allSettled([...this.inFlight]).then(() => true);
    const result = await Promise.race([settled, timeout]);
    clearTimeout(timer);
    return result;
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  request(id: string): DeletionRequest | undefined {
    return this.deps.store.getRequest(id);
  }

  quota(): QuotaReport {
    const at = this.deps.now();
    const month = quotaMonth(at, this.deps.quotaTimeZone);
    return { month, ...this.quotaIn(this.deps.store.data(), month, at) };
  }

  /** A refusal when this month's quota is already spent, for the modal. */
  quotaRefusal(): Refusal | null {
    const verdict = canFile(this.quota());
    return verdict.ok ? null : verdict;
  }

  private quotaIn(
    data: Readonly<StoreData>,
    month: string,
    at: Date,
  ): QuotaStatus & { resetsAt: Date; sources: UsageSources } {
    const usage = data.quota[this.deps.accountId]?.[month] ?? { used: 0 };
    const resetsAt = nextQuotaReset(at, this.deps.quotaTimeZone);
    // Requests made outside lp-delete (LivePerson's list, see quota-sync.ts) count against the same limit.
    const sources: UsageSources = { counted: usage.used, livePerson: usage.livePerson };
    return {
      ...quotaStatus({
        used: effectiveUsed(sources),
        limit: this.deps.monthlyLimit,
        spent: usage.spentAt !== undefined,
        pendingApprovals: requestsIn(data, (r) => r.status === 'pending_approval').length,
        resetsAt,
        timeZone: this.deps.quotaTimeZone,
      }),
      resetsAt,
      sources,
    };
  }

  /** Stores a new request (pending approval). Announcing it in Slack is `announce`, done after the ack. */
  async file(input: FileInput): Promise<Outcome<{ request: DeletionRequest }>> {
    const refusal = this.quotaRefusal();
    if (refusal) return refusal;
    const at = this.deps.now().toISOString();
    const request: DeletionRequest = {
      id: newRequestId(),
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
    };
    await this.deps.store.transact((draft) => {
      while (draft.requests[request.id]) request.id = newRequestId();
      draft.requests[request.id] = request;
    });
    this.deps.log.info('request_filed', {
      request: request.id,
      type: request.type,
      count: request.ids.length,
    });
    return { ok: true, request };
  }

  /** Posts a stored request for approval and tells the requester. Safe to call again after a crash. */
  async announce(requestId: string, duplicatesDropped = 0, notes: string[] = []): Promise<void> {
    const request = this.deps.store.getRequest(requestId);
    if (!request || request.approvalMessage) return;
    await this.deps.slack.postApprovalRequest(request, this.quota());
    // Delivered after the approval post (same request, in order), so it can link to it.
    await this.deps.slack.notifyRequesterFiled(request, duplicatesDropped, notes);
  }

  /**
   * Slack accepted the approval message: remember where, since decisions are only taken on that message.
   * A second post of the same request (a delivery repeated after a crash) replaces the first, whose
   * buttons are then refused.
   */
  async approvalPosted(requestId: string, location: MessageRef): Promise<void> {
    await this.change(requestId, (r) => {
      r.approvalMessage = location;
      r.history.push(this.entry('posted_for_approval'));
    });
    this.deps.log.info('request_posted_for_approval', { request: requestId });
  }

  /** Slack accepted the thread record: remember where, so the sweep can take its Cancel button away later. */
  async recordPosted(requestId: string, location: MessageRef): Promise<void> {
    await this.change(requestId, (r) => {
      r.recordMessage = location;
    });
  }

  /** Checks whether `userId` may decide this request now (before opening the reject dialog). */
  async mayDecide(requestId: string, userId: string, at?: MessageRef): Promise<Refusal | null> {
    const approvers = await this.deps.directory.approvers();
    return this.decisionRefusal(this.deps.store.getRequest(requestId), userId, approvers, at);
  }

  /**
   * Approves and submits. The check and the move to `submitting` (with the quota reserved) happen in
   * one transaction, so however many clicks arrive, one wins and the rest are refused.
   */
  async approve(
    requestId: string,
    userId: string,
    at?: MessageRef,
  ): Promise<Outcome<{ request: DeletionRequest }>> {
    const approvers = await this.deps.directory.approvers();
    const now = this.deps.now();
    const month = quotaMonth(now, this.deps.quotaTimeZone);
    const outcome = await this.deps.store.transact((draft): Outcome<{ request: DeletionRequest }> => {
      const request = draft.requests[requestId];
      const quota = canSubmit(this.quotaIn(draft, month, now));
      const refusal = this.decisionRefusal(request, userId, approvers, at) ?? (quota.ok ? null : quota);
      if (refusal || !request) return refusal ?? notFound();
      usageIn(draft, this.deps.accountId, month).used += 1;
      request.quotaMonth = month;
      request.status = 'submitting';
      request.decision = { outcome: 'approved', by: userId, at: now.toISOString() };
      request.history.push(this.entry('approved', userId));
      return { ok: true, request: structuredClone(request) };
    });
    if (!outcome.ok) {
      this.deps.log.info('decision_refused', { request: requestId, code: outcome.code });
      await this.recordRefusal(requestId, userId, outcome.code);
      return outcome;
    }
    this.deps.log.info('request_approved', { request: requestId });
    await this.safely('update_approval_message', () =>
      this.deps.slack.updateApprovalMessage(outcome.request, this.quota()),
    );
    return { ok: true, request: await this.track(this.submit(outcome.request)) };
  }

  async reject(
    requestId: string,
    userId: string,
    reason: string,
    at?: MessageRef,
  ): Promise<Outcome<{ request: DeletionRequest }>> {
    const approvers = await this.deps.directory.approvers();
    const now = this.deps.now().toISOString();
    const outcome = await this.deps.store.transact((draft): Outcome<{ request: DeletionRequest }> => {
      const request = draft.requests[requestId];
      const refusal = this.decisionRefusal(request, userId, approvers, at);
      if (refusal || !request) return refusal ?? notFound();
      request.status = 'rejected';
      request.decision = { outcome: 'rejected', by: userId, at: now, reason };
      request.history.push(this.entry('rejected', userId));
      return { ok: true, request: structuredClone(request) };
    });
    if (!outcome.ok) {
      await this.recordRefusal(requestId, userId, outcome.code);
      return outcome;
    }
    this.deps.log.info('request_rejected', { request: requestId });
    const { request } = outcome;
    await this.safely('update_approval_message', () =>
      this.deps.slack.updateApprovalMessage(request, this.quota()),
    );
    await this.safely('post_decision_note', () => this.deps.slack.postDecisionNote(request));
    await this.safely('notify_requester', () => this.deps.slack.notifyRequesterOutcome(request));
    return outcome;
  }

  /**
   * Start-up recovery. A request found `submitting` was being sent when the app stopped: LivePerson may
   * or may not have it, so it is never re-sent; it is marked outcome unknown and posted with what to check.
   * A request filed but never posted for approval is posted now.
   */
  async recover(): Promise<void> {
    const unsure = (r: DeletionRequest) =>
      r.status === 'submitting' ||
      (r.status === 'outcome_unknown' &&
        UNSURE_CODES.includes(r.failure?.code ?? '') &&
        this.deps.now().getTime() - Date.parse(r.createdAt) < RECONCILE_MAX_AGE_MS);
    for (const request of this.deps.store.listRequests(unsure)) {
      await this.safely('reconcile', () => this.reconcile(request));
    }
    const unposted = (r: DeletionRequest) =>
      r.status === 'pending_approval' &&
      !r.approvalMessage &&
      !this.deps.isQueued?.(r.id, 'postApprovalRequest');
    for (const request of this.deps.store.listRequests(unposted)) {
      await this.safely('announce_after_restart', () => this.announce(request.id));
    }
  }

  /**
   * Looks for a request whose submission was cut off (a crash, a timeout) in LivePerson's own list. That
   * list has no ids, so a match is a request made within minutes of the submission that no other stored
   * request claims; exactly one such match completes the request as if nothing had happened. None, or
   * more than one, leaves it `outcome_unknown` with what to check: never a silent second submission.
   */
  private async reconcile(request: DeletionRequest): Promise<void> {
    const startedAt = new Date(request.decision?.at ?? request.createdAt).getTime();
    const from = startedAt - RECONCILE_WINDOW_MS;
    const to = startedAt + RECONCILE_WINDOW_MS;
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    let candidates: LpRecord[] | undefined;
    try {
      const claimed = new Set(
        this.deps.store.listRequests((r) => Boolean(r.lpRecord)).map((r) => r.lpRecord?.requestId),
      );
      const listed = await this.deps.lp.list({ fromDate: day(from - DAY_MS), toDate: day(to + DAY_MS) });
      candidates = listed.filter((record) => {
        const time = record.requestTime ? Date.parse(record.requestTime) : NaN;
        return time >= from && time <= to && !claimed.has(record.requestId);
      });
    } catch (error) {
      this.deps.log.warn('reconcile_unavailable', {
        request: request.id,
        code: (error as { code?: string }).code,
      });
    }
    const match = candidates?.length === 1 ? candidates[0] : undefined;
    if (match) {
      const updated = await this.change(request.id, (r) => {
        r.status = 'submitted';
        r.lpRecord = match;
        delete r.failure;
        r.history.push(
          this.entry(
            'submitted',
            undefined,
            `LivePerson request ${match.requestId}, found after an interruption`,
          ),
        );
      });
      this.deps.log.info('submission_reconciled', { request: request.id, lpRequestId: match.requestId });
      await this.publishOutcome(updated);
      return;
    }
    // A request already posted as unknown (after a timeout or an earlier restart) has nothing new to say.
    if (request.status !== 'submitting') return;
    const found = candidates ?? [];
    const explanation = {
      what:
        request.status === 'submitting'
          ? 'lp-delete stopped while this request was being sent to LivePerson, so it may or may not exist there.'
          : 'LivePerson did not answer in time, so this request may or may not exist there.',
      next:
        candidates === undefined
          ? 'lp-delete could not reach LivePerson to check. Check its list of deletion requests (`npm run lp -- list`) before filing it again; do not file it twice.'
          : found.length > 1
            ? `LivePerson has ${found.length} requests from around that time (${found.map((c) => c.requestId).join(', ')}); check which one is this before filing it again.`
            : 'LivePerson’s list shows no request from that time, but check it (`npm run lp -- list`) before filing it again; do not file it twice.',
    };
    const updated = await this.change(request.id, (r) => {
      r.status = 'outcome_unknown';
      r.failure = { code: 'INTERRUPTED', message: explanation.what };
      r.history.push(this.entry('outcome_unknown', undefined, 'interrupted by a restart'));
    });
    this.deps.log.warn('submission_interrupted', { request: request.id, candidates: found.length });
    await this.publishOutcome(updated, explanation);
  }

  private async submit(request: DeletionRequest): Promise<DeletionRequest> {
    let record: LpRecord;
    const started = Date.now();
    try {
      record = await this.deps.lp.create(request.type, request.ids);
    } catch (error) {
      return this.submissionFailed(request, error);
    }
    const updated = await this.change(request.id, (r) => {
      r.status = 'submitted';
      r.lpRecord = record;
      r.history.push(this.entry('submitted', undefined, `LivePerson request ${record.requestId}`));
    });
    this.deps.log.info('request_submitted', {
      request: request.id,
      lpRequestId: record.requestId,
      ms: Date.now() - started,
    });
    await this.publishOutcome(updated);
    return updated;
  }

  private async submissionFailed(request: DeletionRequest, error: unknown): Promise<DeletionRequest> {
    const lpError = error instanceof LivePersonError ? error : undefined;
    const code = lpError?.code ?? 'UNEXPECTED';
    const explanation = lpError
      ? describeForPeople(lpError)
      : {
          what: 'lp-delete hit an unexpected error while sending the request; it may or may not exist at LivePerson.',
          next: 'Check LivePerson’s list of deletion requests (`npm run lp -- list`) before filing it again, and tell the lp-delete maintainers.',
        };
    const unknown = code === 'LP_OUTCOME_UNKNOWN' || !lpError;
    const failure: Failure = { code, message: explanation.what, httpStatus: lpError?.httpStatus };
    const updated = await this.deps.store.transact((draft: StoreData) => {
      const r = draft.requests[request.id];
      if (!r) throw new Error(`request ${request.id} vanished from the store`);
      const usage = usageIn(draft, this.deps.accountId, r.quotaMonth ?? '');
      // A definite failure did not spend LivePerson's quota; an unknown outcome may have, so it stays counted.
      if (!unknown) usage.used = Math.max(0, usage.used - 1);
      if (code === 'LP_QUOTA_REACHED') usage.spentAt = this.deps.now().toISOString();
      r.status = unknown ? 'outcome_unknown' : 'failed';
      r.failure = failure;
      r.history.push(this.entry(unknown ? 'outcome_unknown' : 'submission_failed', undefined, code));
      return structuredClone(r);
    });
    this.deps.log.warn('submission_failed', { request: request.id, code, httpStatus: lpError?.httpStatus });
    await this.publishOutcome(updated, explanation);
    return updated;
  }

  /** Thread post, approval message refresh and requester DM; each best effort, the state is already stored. */
  private async publishOutcome(request: DeletionRequest, explanation?: { what: string; next: string }) {
    await this.safely('post_outcome', () =>
      explanation ? this.deps.slack.postFailure(request, explanation) : this.deps.slack.postRecord(request),
    );
    await this.safely('update_approval_message', () =>
      this.deps.slack.updateApprovalMessage(request, this.quota()),
    );
    await this.safely('notify_requester', () => this.deps.slack.notifyRequesterOutcome(request, explanation));
  }

  private decisionRefusal(
    request: DeletionRequest | undefined,
    userId: string,
    approvers: ReadonlySet<string>,
    at: MessageRef | undefined,
  ): Refusal | null {
    if (!request) return notFound();
    const { approvalMessage } = request;
    if (
      at &&
      approvalMessage &&
      (approvalMessage.channelId !== at.channelId || approvalMessage.ts !== at.ts)
    ) {
      return {
        ok: false,
        code: 'WRONG_MESSAGE',
        message: `This button does not belong to request ${request.id}'s approval message. Use the buttons on that message.`,
      };
    }
    const verdict = canDecide({ request, userId, approvers });
    return verdict.ok ? null : verdict;
  }

  private async recordRefusal(requestId: string, userId: string, code: string): Promise<void> {
    if (!this.deps.store.getRequest(requestId)) return;
    // The audit trail keeps refused clicks too; a lost write here must not hide the refusal from the clicker.
    await this.safely('record_refusal', () =>
      this.change(requestId, (r) => {
        r.history.push(this.entry('approval_refused', userId, code));
      }),
    );
  }

  private change(requestId: string, mutate: (request: DeletionRequest) => void): Promise<DeletionRequest> {
    return changeRequest(this.deps.store, requestId, mutate);
  }

  private entry(event: HistoryEntry['event'], by?: string, detail?: string): HistoryEntry {
    return historyEntry(this.deps.now(), event, by, detail);
  }

  private safely(step: string, work: () => Promise<unknown>): Promise<void> {
    return bestEffort(this.deps.log, step, work);
  }
}

/** Failures after which LivePerson may hold the request: reconciled with its list at start-up. */
const UNSURE_CODES = ['INTERRUPTED', 'LP_OUTCOME_UNKNOWN', 'UNEXPECTED'];
/** How far from the submission a request in LivePerson's list may be and still be ours. */
const RECONCILE_WINDOW_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
/** Unknown outcomes are looked up again at each start for this long; after that a person must check. */
const RECONCILE_MAX_AGE_MS = 30 * DAY_MS;

export interface MessageRef {
  channelId: string;
  ts: string;
}

function notFound(): Refusal {
  return {
    ok: false,
    code: 'NOT_FOUND',
    message:
      'lp-delete has no record of this request. If it was filed long ago, ask an admin to check the data file.',
  };
}
