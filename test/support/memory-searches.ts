import { KeyedMutex } from '../../src/store/lowdb/keyed-mutex.js';
import type { PersonSearchStore, SearchChange } from '../../src/store/port.js';
import type { StoredPersonSearch } from '../../src/store/schemas.js';

/**
 * Person searches in memory, with the stores' rules: copies in and out, starts serialised per user,
 * changes per token (the contract suite runs it beside the file and PostgreSQL stores).
 */
export class MemorySearches implements PersonSearchStore {
  private readonly mutex = new KeyedMutex();

  constructor(readonly kept: Map<string, StoredPersonSearch> = new Map()) {}

  start<T>(userId: string, admit: (earlier: StoredPersonSearch[]) => SearchChange<T>): Promise<T> {
    return this.mutex.run([`user:${userId}`], async () => {
      const earlier = [...this.kept.values()].filter((s) => s.userId === userId);
      const { value, search } = admit(structuredClone(earlier));
      if (search) {
        if (search.userId !== userId || this.kept.has(search.token))
          throw new RangeError('start(): new search');
        this.kept.set(search.token, structuredClone(search));
      }
      return value;
    });
  }

  change<T>(token: string, change: (current: StoredPersonSearch | undefined) => SearchChange<T>): Promise<T> {
    return this.mutex.run([`search:${token}`], async () => {
      const current = this.kept.get(token);
      const { value, search } = change(current ? structuredClone(current) : undefined);
      if (search) {
        if (search.token !== token || !current) throw new RangeError('change(): same, existing search');
        this.kept.set(token, structuredClone(search));
      }
      return value;
    });
  }

  async get(token: string): Promise<StoredPersonSearch | undefined> {
    const search = this.kept.get(token);
    return search ? structuredClone(search) : undefined;
  }

  async purge(now: Date, keep: number): Promise<number> {
    const newestFirst = [...this.kept.values()].sort(
      (a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt),
    );
    const gone = newestFirst.filter((s, i) => Date.parse(s.expiresAt) <= now.getTime() || i >= keep);
    for (const search of gone) this.kept.delete(search.token);
    return gone.length;
  }
}
