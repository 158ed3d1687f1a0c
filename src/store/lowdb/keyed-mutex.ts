import { Mutex } from 'async-mutex';

/**
 * Runs work one at a time per key (async-mutex's Mutex, one per key); different keys run concurrently.
 * A key's mutex is kept while someone holds or waits for it, then dropped, so only keys in use are held.
 */
export class KeyedMutex {
  private readonly locks = new Map<string, { mutex: Mutex; users: number }>();

  async run<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    // Several keys are taken in a fixed order, so two callers never wait on each other in a circle.
    const [key, ...rest] = [...new Set(keys)].sort();
    if (key === undefined) return work();
    const lock = this.locks.get(key) ?? { mutex: new Mutex(), users: 0 };
    this.locks.set(key, lock);
    lock.users += 1;
    try {
      return await lock.mutex.runExclusive(() => this.run(rest, work));
    } finally {
      lock.users -= 1;
      if (lock.users === 0) this.locks.delete(key);
    }
  }

  /** Resolves once nothing is running or queued. */
  async idle(): Promise<void> {
    while (this.locks.size > 0) {
      await Promise.all([...this.locks.values()].map((lock) => lock.mutex.waitForUnlock()));
    }
  }
}
