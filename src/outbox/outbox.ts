import { Low } from 'lowdb';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { OutboxFile } from './outbox-file.js';

/**
 * A durable queue of Slack deliveries. The request's state is already stored when a delivery is queued;
 * the outbox makes sure Slack eventually shows it: each item is written to disk before anyone waits on
 * it, retried with back-off (honouring Retry-After) while Slack is down or rate-limiting, kept across
 * restarts, and delivered in order per request (so a thread reads in the order things happened).
 *
 * Items hold only the local request id, the operation name and small non-personal arguments; the
 * message is rendered at delivery time from the request's latest stored state.
 */
const itemSchema = z.object({
  id: z.number().int(),
  requestId: z.string(),
  op: z.string(),
  args: z.array(z.unknown()),
  attempts: z.number().int().min(0),
  nextAttemptAt: z.number(),
  lastError: z.string().optional(),
});
export type OutboxItem = z.infer<typeof itemSchema>;

const fileSchema = z.object({
  version: z.literal(1),
  nextId: z.number().int().min(1),
  items: z.array(itemSchema),
  /** Deliveries Slack refused for good (e.g. channel_not_found): kept for the operator, never retried. */
  dead: z.array(itemSchema.extend({ deadAt: z.string() })),
});
type OutboxData = z.infer<typeof fileSchema>;

/** How a failed delivery should be treated. */
export type DeliveryVerdict = { retry: true; afterMs?: number } | { retry: false };

export interface OutboxOptions {
  file: string;
  deliver: (item: OutboxItem) => Promise<void>;
  classify: (error: unknown) => DeliveryVerdict;
  log: Logger;
  now?: () => number;
  /** First retry delay; doubles per attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A delivery Slack refuses for good is tried this many times before it is set aside. */
  maxPermanentAttempts?: number;
}

export class Outbox {
  private readonly db: Low<OutboxData>;
  private writes: Promise<unknown> = Promise.resolve();
  private draining: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly now: () => number;

  /** Call `load()` before use. */
  constructor(private readonly options: OutboxOptions) {
    this.db = new Low<OutboxData>(new OutboxFile(options.file, fileSchema), {
      version: 1,
      nextId: 1,
      items: [],
      dead: [],
    });
    this.now = options.now ?? Date.now;
  }

  /** Reads what an earlier run left queued; an unreadable file stops start-up (StoreError), never overwritten. */
  async load(): Promise<void> {
    await this.db.read();
    this.stopped = false;
  }

  get file(): string {
    return this.options.file;
  }

  /** Items still to deliver (oldest first). */
  get pending(): readonly OutboxItem[] {
    return this.db.data.items;
  }

  get dead(): readonly OutboxItem[] {
    return this.db.data.dead;
  }

  has(requestId: string, op: string): boolean {
    return this.db.data.items.some((i) => i.requestId === requestId && i.op === op);
  }

  /** Persists one delivery and starts delivering; resolves once it is on disk, not when Slack has it. */
  async enqueue(requestId: string, op: string, args: unknown[]): Promise<void> {
    await this.write((data) => {
      data.items.push({ id: data.nextId++, requestId, op, args, attempts: 0, nextAttemptAt: 0 });
    });
    this.kick();
  }

  /** Starts (or re-runs) delivery of whatever is due. */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = null;
    });
  }

  /**
   * Delivers everything queued, waiting out back-offs that end within `timeoutMs`; used at shutdown and
   * in tests. Resolves true when the outbox is empty.
   */
  async flush(timeoutMs: number): Promise<boolean> {
    const until = this.now() + timeoutMs;
    for (;;) {
      this.kick();
      await this.draining;
      await this.writes;
      if (this.db.data.items.length === 0) return true;
      const next = Math.min(...this.db.data.items.map((i) => i.nextAttemptAt));
      if (next > until || this.stopped) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - this.now())));
    }
  }

  /** Stops timers; queued items stay on disk for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.draining;
    await this.writes;
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      for (const item of this.dueItems()) {
        if (this.stopped) return;
        await this.attempt(item);
      }
    } while (this.again && !this.stopped);
    this.schedule();
  }

  /** The first undelivered item of each request, when it is due: later items wait for it (order). */
  private dueItems(): OutboxItem[] {
    const seen = new Set<string>();
    const due: OutboxItem[] = [];
    for (const item of this.db.data.items) {
      if (seen.has(item.requestId)) continue;
      seen.add(item.requestId);
      if (item.nextAttemptAt <= this.now()) due.push(item);
    }
    return due;
  }

  private async attempt(item: OutboxItem): Promise<void> {
    try {
      await this.options.deliver(item);
    } catch (error) {
      await this.failed(item, error);
      return;
    }
    await this.write((data) => {
      data.items = data.items.filter((i) => i.id !== item.id);
    });
    if (item.attempts > 0)
      this.options.log.info('outbox_delivered', {
        op: item.op,
        request: item.requestId,
        attempts: item.attempts + 1,
      });
    // Delivering one item may make the next of the same request due at once.
    this.again = true;
  }

  private async failed(item: OutboxItem, error: unknown): Promise<void> {
    const verdict = this.options.classify(error);
    const attempts = item.attempts + 1;
    const reason = errorName(error);
    const { baseDelayMs = 1000, maxDelayMs = 5 * 60_000, maxPermanentAttempts = 3 } = this.options;
    if (!verdict.retry && attempts >= maxPermanentAttempts) {
      this.options.log.error('outbox_gave_up', { op: item.op, request: item.requestId, attempts, reason });
      await this.write((data) => {
        data.items = data.items.filter((i) => i.id !== item.id);
        data.dead.push({ ...item, attempts, lastError: reason, deadAt: new Date(this.now()).toISOString() });
      });
      this.again = true;
      return;
    }
    const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempts - 1));
    const delay =
      verdict.retry && verdict.afterMs !== undefined ? Math.max(verdict.afterMs, backoff) : backoff;
    this.options.log.warn('outbox_retry', {
      op: item.op,
      request: item.requestId,
      attempts,
      reason,
      delayMs: delay,
    });
    await this.write((data) => {
      const stored = data.items.find((i) => i.id === item.id);
      if (!stored) return;
      stored.attempts = attempts;
      stored.lastError = reason;
      stored.nextAttemptAt = this.now() + delay;
    });
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const next = Math.min(...this.db.data.items.map((i) => i.nextAttemptAt));
    if (!Number.isFinite(next)) return;
    this.timer = setTimeout(() => this.kick(), Math.max(0, next - this.now()));
  }

  private write(change: (data: OutboxData) => void): Promise<void> {
    const run = async () => {
      const previous = this.db.data;
      const draft = structuredClone(previous);
      change(draft);
      this.db.data = draft;
      try {
        await this.db.write();
      } catch (error) {
        this.db.data = previous;
        throw error;
      }
    };
    const next = this.writes.then(run, run);
    this.writes = next.catch(() => undefined);
    return next;
  }
}

function errorName(error: unknown): string {
  const e = error as { code?: string; data?: { error?: string }; statusCode?: number; name?: string };
  return [e.code ?? e.name ?? 'error', e.data?.error, e.statusCode].filter(Boolean).join(':');
}
