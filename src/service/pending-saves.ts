import pRetry from 'p-retry';
import { errorCode } from '../domain/error-code.js';
import type { Logger } from '../log.js';
import { StoreError } from '../store/errors.js';

/**
 * Outcomes LivePerson gave that the store could not save yet (a full disk, a database away). Losing one
 * would leave its request `submitting` with nothing but LivePerson's list to find it by, so each is kept
 * here and written again with back-off (p-retry) until the store takes it: no restart needed. While any
 * waits, `/readyz` answers 503 (see app.ts).
 */
export class PendingSaves {
  private readonly waiting = new Map<string, Promise<void>>();
  private readonly stopped = new AbortController();

  constructor(
    private readonly log: Logger,
    private readonly backoff: { minMs: number; maxMs: number } = { minMs: 200, maxMs: 5_000 },
  ) {}

  /** How many outcomes wait for the store. */
  count(): number {
    return this.waiting.size;
  }

  /**
   * Writes now; when the store refuses, keeps the write and retries it in the background, and answers
   * undefined. Any other error is the caller's.
   */
  async save<T>(id: string, write: () => Promise<T>): Promise<T | undefined> {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      this.log.warn('submission_save_kept', { request: id, code: error.code });
      const retried = pRetry(write, {
        retries: Number.POSITIVE_INFINITY,
        minTimeout: this.backoff.minMs,
        maxTimeout: this.backoff.maxMs,
        randomize: true,
        signal: this.stopped.signal,
        shouldRetry: ({ error: e }) => e instanceof StoreError,
      }).then(
        () => this.log.info('submission_save_recovered', { request: id }),
        (e: unknown) => this.log.error('submission_save_lost', { request: id, code: errorCode(e) }),
      );
      const tracked = retried.finally(() => this.waiting.delete(id));
      this.waiting.set(id, tracked);
      return undefined;
    }
  }

  /** Resolves once every kept outcome is saved (or `stop` gave up on them). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.waiting.values()]);
  }

  /** Shutdown: stops retrying (what is still kept is reconciled from LivePerson's list at the next start). */
  stop(): void {
    this.stopped.abort();
  }
}
