import type { Clock } from '../domain/clock.js';
import type { Notice } from '../domain/notices.js';
import type { DeletionRequest } from '../domain/request.js';
import type { Logger } from '../log.js';
import { performance } from 'node:perf_hooks';
import { CHANNEL_LANE, type ClaimedNotice, type RequestStore } from '../store/port.js';
import type { DeliveryVerdict, GroupState, MessageRef, NoticeSender, SendAttempt } from './ports.js';
import type { QuotaReport } from './quota-service.js';
import { historyEntry } from '../domain/lifecycle.js';
import { errorCode } from '../domain/error-code.js';
import { logFailure, retryDelay, type RetryTimings } from './notice-retry.js';
import { settledWithin } from './periodic.js';

export interface NoticeDeliveryDeps extends RetryTimings {
  store: RequestStore;
  sender: NoticeSender;
  quota: () => Promise<QuotaReport>;
  log: Logger;
  now?: Clock;
  /** How often waiting notices are looked for without a kick (other replicas add them too). */
  pollMs?: number;
  /** Lanes delivered at the same time. */
  concurrency?: number;
  /** How long a claim holds (default 30 s): longer than any Slack call may take (callTimeoutMs). */
  claimMs?: number;
  /** The Slack client's timeout per call (default 10 s). */
  callTimeoutMs?: number;
}

/** Room left between the end of the last call a claim may start and the end of the claim. */
const CLAIM_MARGIN_MS = 2_000;

/**
 * Delivers the notices the store holds: each lane (a request's thread, DMs and updates; or the channel's
 * alerts) in order, one notice at a time; up to `concurrency` lanes at once, each on its own, so a slow
 * or hanging Slack call holds only its own lane. A delivery that fails is kept and retried with growing
 * back-off, however long that takes: a notice is never dropped. Delivering one costs the same whatever
 * the backlog (the store hands out due lane heads).
 *
 * Exactly once in Slack: a claim is settled only by its holder (the store fences it), a post starts only
 * while the claim has time left for it (on a monotonic clock, which counts a pause too), and after an
 * attempt that may have posted the sender asks Slack before posting again. When the store cannot record
 * an outcome (a full disk, a database away), delivery pauses with the same growing back-off instead of
 * trying again at once: the notice stays stored, marked as possibly posted.
 */
export class NoticeDelivery {
  private timer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly warned = new Set<string>();
  /** Lane → its delivery under way. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Store failures in a row, and until when (monotonic ms) delivery waits because of them. */
  private storeFailures = 0;
  private pausedUntil = 0;

  constructor(private readonly deps: NoticeDeliveryDeps) {}

  start(): void {
    this.stopped = false;
    this.kick();
  }

  /** Looks for due notices now (after a change that queued some, or a lane that became free). */
  kick(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
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
      const due = await this.deps.store.nextNoticeDueAt().catch(() => undefined);
      if (!due || due.getTime() > this.now().getTime()) return true;
      this.kick();
      await pause(20);
    }
    return false;
  }

  /**
   * Takes no more notices and waits for the deliveries under way, at most `timeoutMs` (default: until
   * they end; each Slack call ends within its timeout). One still running then settles, or its claim
   * runs out and the next delivery asks Slack whether it posted.
   */
  async stop(timeoutMs?: number): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const all = Promise.all([this.pumping, ...this.inFlight.values()]);
    if (timeoutMs === undefined) await all;
    else await settledWithin([all], Math.max(0, timeoutMs));
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const poll = this.deps.pollMs ?? 2_000;
    const paused = this.pausedUntil - performance.now();
    if (paused > 0) {
      this.timer = setTimeout(() => this.kick(), paused);
      this.timer.unref();
      return;
    }
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

  /** Claims due lane heads while lanes are free and starts each one's delivery on its own. */
  private async pump(): Promise<void> {
    const concurrency = this.deps.concurrency ?? 4;
    while (!this.stopped && performance.now() >= this.pausedUntil) {
      const free = concurrency - this.inFlight.size;
      if (free <= 0) return;
      const claimedAt = performance.now();
      let claimed: ClaimedNotice[];
      try {
        // A claim may not write (the file store marks a notice once): only a recorded outcome counts as
        // the store working again.
        claimed = await this.deps.store.claimDueNotices(this.now(), free, this.claimMs());
      } catch (error) {
        this.storeFailed('claim', error);
        return;
      }
      for (const owed of claimed) {
        // A claim of our own that ran out while its delivery still runs: that one settles it.
        if (this.inFlight.has(owed.lane)) continue;
        const run = this.deliver(owed, claimedAt).finally(() => {
          this.inFlight.delete(owed.lane);
          this.kick();
        });
        this.inFlight.set(owed.lane, run);
      }
      if (claimed.length < free) return;
    }
  }

  private claimMs(): number {
    return this.deps.claimMs ?? 30_000;
  }

  private async deliver(owed: ClaimedNotice, claimedAt: number): Promise<void> {
    const latestStart = claimedAt + this.claimMs() - (this.deps.callTimeoutMs ?? 10_000) - CLAIM_MARGIN_MS;
    const attempt: SendAttempt = {
      noticeId: `${owed.lane}#${owed.seq}`,
      queuedAt: new Date(owed.queuedAt),
      maybePosted: owed.maybePosted,
      mayPost: () => {
        const at = performance.now();
        return !this.stopped && at < latestStart && at < (this.deps.store.claimsSafeUntil?.() ?? Infinity);
      },
    };
    let posted: MessageRef | undefined;
    try {
      const request = owed.lane === CHANNEL_LANE ? undefined : await this.deps.store.get(owed.lane);
      if (owed.lane !== CHANNEL_LANE && !request) {
        // Cannot happen short of hand-editing; drop nothing silently: say so and keep it.
        throw Object.assign(new Error('request missing'), { code: 'request_missing' });
      }
      const group = request?.group ? await this.groupOf(request) : undefined;
      const quota = await this.deps.quota();
      ({ posted } = await this.deps.sender.send(owed.notice, request, quota, group, attempt));
    } catch (error) {
      await this.failed(owed, error);
      return;
    }
    const settled = await this.record(() =>
      this.deps.store.noticeDelivered(owed, effectOf(owed.notice, posted, this.now())),
    );
    if (settled === false) this.deps.log.warn('notice_claim_lost', { kind: owed.notice.kind });
    else if (settled && owed.attempts > 0)
      this.deps.log.info('notice_delivered', { kind: owed.notice.kind, attempts: owed.attempts + 1 });
  }

  private async failed(owed: ClaimedNotice, error: unknown): Promise<void> {
    const code = errorCode(error);
    const verdict: DeliveryVerdict =
      code === 'request_missing'
        ? { kind: 'ours', code }
        : code.startsWith('STORE_')
          ? { kind: 'transient', code }
          : this.deps.sender.classify(error);
    const delay = retryDelay(this.deps, verdict, owed.attempts);
    logFailure(this.deps.log, this.warned, owed, verdict, delay);
    const maybePosted = owed.maybePosted || (verdict.kind !== 'ours' && verdict.unknown === true);
    const retryAt = new Date(this.now().getTime() + delay);
    await this.record(() =>
      this.deps.store.noticeFailed(owed, { error: verdict.code, retryAt, maybePosted }),
    );
  }

  /** Runs a store write of delivery bookkeeping; a failure pauses all delivery (undefined returned). */
  private async record(write: () => Promise<boolean>): Promise<boolean | undefined> {
    try {
      const settled = await write();
      this.storeFailures = 0;
      return settled;
    } catch (error) {
      this.storeFailed('record', error);
      return undefined;
    }
  }

  /** The store refused: every lane waits, with growing back-off, rather than trying again at once. */
  private storeFailed(step: 'claim' | 'record', error: unknown): void {
    const delay = retryDelay(this.deps, { kind: 'transient', code: 'store' }, this.storeFailures);
    this.storeFailures += 1;
    this.pausedUntil = Math.max(this.pausedUntil, performance.now() + delay);
    this.deps.log.error('notice_bookkeeping_failed', { step, code: errorCode(error), retryInMs: delay });
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
