import type { RequestStore } from '../store/port.js';

/**
 * A round run on a timer under one of the store's named locks (with replicas, one runs it at a time); a
 * round already under way is joined rather than run twice at once.
 */
export abstract class Periodic<T> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<T> | undefined;

  constructor(
    private readonly schedule: { store: RequestStore; lock: string; intervalMs: number; idle: () => T },
  ) {}

  protected abstract round(): Promise<T>;

  /** One round (`idle()` when another replica holds the lock). */
  runOnce(): Promise<T> {
    this.running ??= this.schedule.store
      .exclusive(this.schedule.lock, () => this.round())
      .then((result) => result ?? this.schedule.idle())
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce().catch(() => undefined), this.schedule.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}

/** Waits for `work` to settle, at most `ms` (shutdown): true when it did, false when the time ran out. */
export async function settledWithin(work: readonly unknown[], ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([Promise.allSettled(work).then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
