import type { Notice } from '../domain/notices.js';
import type { DeletionRequest } from '../domain/request.js';
import type { Logger } from '../log.js';
import { CHANNEL_LANE, type OwedNotice, type RequestStore } from '../store/port.js';
import type { MessageRef } from './deletion-service.js';
import type { QuotaReport } from './quota-service.js';
import { historyEntry } from './request-steps.js';
import { errorCode } from '../domain/error-code.js';

/** What a failed delivery calls for. */
export type DeliveryVerdict =
  /** Slack is down, slow or rate-limiting: try again soon (after `afterMs` when Slack said). */
  | { kind: 'transient'; afterMs?: number; code: string }
  /** Something an admin can fix (token revoked, bot not in the channel…): keep trying, less often. */
  | { kind: 'admin'; code: string }
  /** Slack refused what we sent (invalid blocks, too long): a bug of ours; keep it and say so loudly. */
  | { kind: 'ours'; code: string; detail?: string };

/** A request that is one part of several under one approval: its lead and every part, latest state. */
export interface GroupState {
  lead: DeletionRequest;
  /** Every part, the lead first, in order. */
  parts: DeletionRequest[];
}

/** Sends one notice to Slack, rendered from the request's latest state; says where a post landed. */
export interface NoticeSender {
  send(
    notice: Notice,
    request: DeletionRequest | undefined,
    quota: QuotaReport,
    group?: GroupState,
  ): Promise<{ posted?: MessageRef }>;
  classify(error: unknown): DeliveryVerdict;
}

export interface NoticeDeliveryDeps {
  store: RequestStore;
  sender: NoticeSender;
  quota: () => Promise<QuotaReport>;
  log: Logger;
  now?: () => Date;
  /** First retry delay (default 1 s); doubles per attempt. */
  baseDelayMs?: number;
  /** Longest pause between tries of a transient failure (default 5 minutes). */
  maxTransientDelayMs?: number;
  /** Longest pause between tries of a failure an admin must fix (default 1 hour): tried for days. */
  maxAdminDelayMs?: number;
  /** How often waiting notices are looked for without a kick (other replicas add them too). */
  pollMs?: number;
  /** Lanes delivered at the same time. */
  concurrency?: number;
}

/**
 * Delivers the notices the store holds: each lane (a request's thread, DMs and updates; or the channel's
 * alerts) in order, one notice at a time; lanes in parallel. A delivery that fails is kept and retried
 * with growing back-off, however long that takes: a notice is never dropped. Delivering one costs the
 * same whatever the backlog (the store hands out due lane heads).
 */
export class NoticeDelivery {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly warned = new Set<string>();

  constructor(private readonly deps: NoticeDeliveryDeps) {}

  start(): void {
    this.stopped = false;
    this.kick();
  }

  /** Looks for due notices now (after a change that queued some). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      } else this.schedule();
    });
  }

  /**
   * Delivers until nothing is due or `timeoutMs` passes; true when nothing due is left. What is not
   * delivered by then stays stored and goes out after the next start.
   */
  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const pause = (ms: number) =>
      new Promise((r) => setTimeout(r, Math.max(0, Math.min(ms, deadline - Date.now()))));
    while (Date.now() < deadline) {
      const due = await this.deps.store.nextNoticeDueAt();
      if (!due || due.getTime() > this.now().getTime()) return true;
      this.kick();
      await pause(20);
    }
    return false;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const poll = this.deps.pollMs ?? 2_000;
    void this.deps.store
      .nextNoticeDueAt()
      .then((due) => {
        if (this.stopped) return;
        const wait = due ? Math.max(0, Math.min(poll, due.getTime() - this.now().getTime())) : poll;
        this.timer = setTimeout(() => this.kick(), wait);
        this.timer.unref();
      })
      .catch(() => {
        this.timer = setTimeout(() => this.kick(), poll);
        this.timer.unref();
      });
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stopped && (await this.deliverDue()) > 0) {
        // more may be due: the next notice of each lane just delivered
      }
    } catch (error) {
      this.deps.log.error('notice_delivery_failed', { code: errorCode(error) });
    }
  }

  /** One round: the due head of up to `concurrency` lanes, in parallel. Returns how many were tried. */
  private async deliverDue(): Promise<number> {
    const claimed = await this.deps.store.claimDueNotices(this.now(), this.deps.concurrency ?? 4);
    await Promise.all(claimed.map((owed) => this.deliver(owed)));
    return claimed.length;
  }

  private async deliver(owed: OwedNotice): Promise<void> {
    const ref = { lane: owed.lane, seq: owed.seq };
    const request = owed.lane === CHANNEL_LANE ? undefined : await this.deps.store.get(owed.lane);
    try {
      if (owed.lane !== CHANNEL_LANE && !request) {
        // Cannot happen short of hand-editing; drop nothing silently: say so and keep it.
        throw Object.assign(new Error('request missing'), { code: 'request_missing' });
      }
      const group = request?.group ? await this.groupOf(request) : undefined;
      const { posted } = await this.deps.sender.send(owed.notice, request, await this.deps.quota(), group);
      await this.deps.store.noticeDelivered(ref, effectOf(owed.notice, posted, this.now()));
      if (owed.attempts > 0)
        this.deps.log.info('notice_delivered', { kind: owed.notice.kind, attempts: owed.attempts + 1 });
    } catch (error) {
      const verdict: DeliveryVerdict =
        errorCode(error) === 'request_missing'
          ? { kind: 'ours', code: 'request_missing' }
          : this.deps.sender.classify(error);
      const delay = this.delay(verdict, owed.attempts);
      const fields = {
        kind: owed.notice.kind,
        request: owed.lane === CHANNEL_LANE ? undefined : owed.lane,
        attempts: owed.attempts + 1,
        slackError: verdict.code,
        retryInMs: delay,
      };
      if (verdict.kind === 'transient') this.deps.log.warn('notice_retry', fields);
      else {
        // Logged loudly once per notice and cause; later tries are quieter.
        const key = `${owed.lane}:${owed.seq}:${verdict.code}`;
        if (!this.warned.has(key)) {
          this.warned.add(key);
          this.deps.log.error(verdict.kind === 'ours' ? 'notice_rejected_by_slack' : 'notice_needs_admin', {
            ...fields,
            ...(verdict.kind === 'ours' && verdict.detail ? { detail: verdict.detail } : {}),
          });
        } else this.deps.log.warn('notice_retry', fields);
      }
      try {
        await this.deps.store.noticeFailed(ref, {
          error: verdict.code,
          retryAt: new Date(this.now().getTime() + delay),
        });
      } catch (storeError) {
        // The notice stays as it was (due now); the claim expires and it is tried again.
        this.deps.log.error('notice_bookkeeping_failed', { code: errorCode(storeError) });
      }
    }
  }

  /** The lead and every part of `request`'s group, read now (the approval message shows them all). */
  private async groupOf(request: DeletionRequest): Promise<GroupState | undefined> {
    const leadId = request.group?.id ?? request.id;
    const lead = leadId === request.id ? request : await this.deps.store.get(leadId);
    if (!lead) return undefined;
    const parts: DeletionRequest[] = [];
    for (const id of lead.group?.members ?? [lead.id]) {
      const part = id === request.id ? request : await this.deps.store.get(id);
      if (part) parts.push(part);
    }
    return { lead, parts };
  }

  private delay(verdict: DeliveryVerdict, attempts: number): number {
    const base = this.deps.baseDelayMs ?? 1_000;
    const growth = base * 2 ** Math.min(attempts, 20);
    if (verdict.kind === 'transient') {
      const cap = this.deps.maxTransientDelayMs ?? 5 * 60_000;
      return Math.min(cap, Math.max(growth, verdict.afterMs ?? 0));
    }
    return Math.min(this.deps.maxAdminDelayMs ?? 60 * 60_000, Math.max(growth, base * 4));
  }
}

/** What a delivered post changes on the request: where it landed (decisions and the sweep need it). */
function effectOf(
  notice: Notice,
  posted: MessageRef | undefined,
  now: Date,
): ((request: DeletionRequest) => DeletionRequest) | undefined {
  if (!posted) return undefined;
  if (notice.kind === 'approval_post') {
    return (r) => ({
      ...r,
      approvalMessage: posted,
      history: [...r.history, historyEntry(now, 'posted_for_approval')],
    });
  }
  if (notice.kind === 'record_post') return (r) => ({ ...r, recordMessage: posted });
  return undefined;
}
