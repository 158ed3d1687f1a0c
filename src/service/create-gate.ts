import pLimit from 'p-limit';
import pRetry from 'p-retry';
import type { RequestStore } from '../store/port.js';

/**
 * At most one create in flight per LivePerson account, across every process on the store: one at a time
 * is plenty at 100 a month, and it is what lets reconciliation tell our creates apart in LivePerson's
 * list (reconcile-match.ts). In this process a one-slot queue (p-limit); across replicas the store's
 * named lock (`exclusive`: a PostgreSQL advisory lock held on its own connection, so a replica that
 * stalls or dies mid-create holds it exactly as long as its connection lives). Reconciliation takes the
 * same lock (taking its turn), so it never runs while any create of ours is under way.
 */

class LockBusy extends Error {}

export class CreateGate {
  private readonly queue = pLimit(1);
  private readonly name: string;
  private readonly stopped = new AbortController();

  constructor(
    private readonly store: RequestStore,
    accountId: string,
  ) {
    this.name = `lp-create:${accountId}`;
  }

  /** Runs `work` holding the lock, waiting for it (backing off while another replica holds it). */
  run<T>(work: () => Promise<T>): Promise<T> {
    return this.queue(() =>
      pRetry(
        async () => {
          const held = await this.store.exclusive(this.name, async () => ({ value: await work() }));
          if (!held) throw new LockBusy('another replica is creating');
          return held.value;
        },
        {
          retries: Number.POSITIVE_INFINITY,
          minTimeout: 50,
          maxTimeout: 1_000,
          randomize: true,
          signal: this.stopped.signal,
          // Only a busy lock is waited out: an error of the work itself (LivePerson's) is the caller's.
          shouldRetry: ({ error }) => error instanceof LockBusy,
        },
      ),
    );
  }

  /** Stops waiting for the lock (shutdown): waiting creates reject and stay unsent. */
  stop(): void {
    this.stopped.abort();
  }
}
