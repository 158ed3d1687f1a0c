import { errorCode } from '../domain/error-code.js';
import type { ErasureCallback, StoredErasure } from '../domain/erasure.js';
import type { UseCaseDeps } from './ports.js';

/**
 * Delivers the callbacks erasures owe their DSR platform (issue 21), kept in the store like Slack
 * notices: the oldest undelivered one of an erasure first (in order per erasure), claimed in the store
 * before it is sent (one replica sends it; a claim whose replica died runs out after CLAIM_MS), tried
 * again with doubling waits until the platform answers 2xx, never dropped.
 *
 * At least once, as every webhook: a process that dies after the platform's 2xx and before saving it
 * sends that callback again after CLAIM_MS; the platform tells by the body's status and updated_at.
 */

/** Posts one signed callback; resolves with the HTTP status, rejects when no answer came. */
export type CallbackPost = (url: string, body: string) => Promise<number>;

export interface IntakeCallbacksDeps extends Pick<UseCaseDeps, 'store' | 'now' | 'log'> {
  post: CallbackPost;
  /** Brings open erasures up to date with their requests (Intake.refreshAll) before each round. */
  refresh: () => Promise<void>;
  /** How often a round runs (default 5 s). */
  intervalMs?: number;
  /** First retry wait (default 1 s), doubled per attempt up to an hour. */
  baseDelayMs?: number;
  /**
   * How often a round also brings erasures up to date with their requests (default 60 s): LivePerson's
   * DONE and the read-back arrive at the follow-up's pace (hours), and a decision is heard at once
   * (onDecided), so reading every open erasure's requests every 5 s would be load for nothing.
   */
  refreshEveryMs?: number;
}

export const CLAIM_MS = 60_000;
const MAX_DELAY_MS = 60 * 60_000;

export class IntakeCallbacks {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private refreshedAt = 0;

  constructor(private readonly deps: IntakeCallbacksDeps) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.deps.intervalMs ?? 5000);
    this.timer.unref();
    this.kick();
  }

  /** Runs a round now (or right after the one under way). */
  kick(): void {
    if (this.stopped) return;
    if (this.round) {
      this.again = true;
      return;
    }
    this.round = this.runOnce()
      .catch((error: unknown) => this.deps.log.warn('intake_round_failed', { code: errorCode(error) }))
      .finally(() => {
        this.round = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.round;
  }

  async runOnce(): Promise<void> {
    const now = Date.now();
    if (now - this.refreshedAt >= (this.deps.refreshEveryMs ?? 60_000)) {
      this.refreshedAt = now;
      await this.deps.refresh();
    }
    for (const erasure of await this.deps.store.erasures.listOpen()) {
      await this.deliverNext(erasure.id);
    }
  }

  /** Sends the erasure's oldest owed callback if it is due and unclaimed; then the next, in order. */
  private async deliverNext(id: string): Promise<void> {
    for (;;) {
      const claimed = await this.claim(id);
      if (!claimed) return;
      const { erasure, callback } = claimed;
      let status: number | undefined;
      let problem: string | undefined;
      try {
        status = await this.deps.post(erasure.callbackUrl ?? '', callback.body);
        if (status < 200 || status > 299) problem = `HTTP ${status}`;
      } catch (error) {
        problem = errorCode(error);
      }
      const at = this.deps.now();
      await this.settle(id, callback.seq, problem, at);
      this.deps.log[problem ? 'warn' : 'info'](
        problem ? 'intake_callback_failed' : 'intake_callback_delivered',
        {
          erasure: id,
          status: callback.status,
          attempt: callback.attempts + 1,
          ...(problem ? { code: problem } : {}),
        },
      );
      if (problem) return;
    }
  }

  private claim(id: string): Promise<{ erasure: StoredErasure; callback: ErasureCallback } | undefined> {
    const now = this.deps.now();
    return this.deps.store.erasures.change(id, (current) => {
      const owed = current?.callbacks.find((c) => !c.deliveredAt);
      if (!current || !current.callbackUrl || !owed) return { value: undefined };
      // A new callback is due at once; a retry when this deliverer's (wall) clock says so.
      if (owed.attempts > 0 && Date.parse(owed.nextAttemptAt) > now.getTime()) return { value: undefined };
      if (owed.claimedUntil && Date.parse(owed.claimedUntil) > now.getTime()) return { value: undefined };
      const callback: ErasureCallback = {
        ...owed,
        claimedBy: this.deps.store.replicaId,
        claimedUntil: new Date(now.getTime() + CLAIM_MS).toISOString(),
      };
      const erasure = {
        ...current,
        callbacks: current.callbacks.map((c) => (c.seq === owed.seq ? callback : c)),
      };
      return { value: { erasure, callback }, erasure };
    });
  }

  private async settle(id: string, seq: number, problem: string | undefined, at: Date): Promise<void> {
    const base = this.deps.baseDelayMs ?? 1000;
    await this.deps.store.erasures.change(id, (current) => {
      const owed = current?.callbacks.find((c) => c.seq === seq);
      if (!current || !owed || owed.deliveredAt || owed.claimedBy !== this.deps.store.replicaId) {
        return { value: undefined };
      }
      const { claimedBy: _by, claimedUntil: _until, ...rest } = owed;
      const attempts = owed.attempts + 1;
      const next: ErasureCallback = problem
        ? {
            ...rest,
            attempts,
            lastError: problem,
            nextAttemptAt: new Date(
              at.getTime() + Math.min(MAX_DELAY_MS, base * 2 ** (attempts - 1)),
            ).toISOString(),
          }
        : { ...rest, attempts, deliveredAt: at.toISOString() };
      return {
        value: undefined,
        erasure: { ...current, callbacks: current.callbacks.map((c) => (c.seq === seq ? next : c)) },
      };
    });
  }
}
