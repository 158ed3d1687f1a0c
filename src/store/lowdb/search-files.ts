import { SEARCH_TOKEN, storedSearchSchema, type StoredPersonSearch } from '../schemas.js';
import type { PersonSearchStore, SearchChange } from '../port.js';
import { JsonFolder, type FolderStore } from './json-folder.js';

/*
 * Person searches in the data folder: searches/<token>.json, one owner-only file per search (written
 * atomically, like a request's), holding its kind of identifier but never the identifier. This process
 * owns the folder (lp-delete.lock), so an index of who searched when is kept in memory, read at start-up;
 * a search's findings are read from its file only when it is filed.
 */

const SEARCHES = {
  folder: 'searches',
  id: SEARCH_TOKEN,
  idRule: 'a search token is 32 hex digits',
  schema: storedSearchSchema,
};
type Stamp = Omit<StoredPersonSearch, 'result'>;

export class SearchFiles implements PersonSearchStore {
  private readonly index = new Map<string, Stamp>();
  private readonly files: JsonFolder<StoredPersonSearch>;

  constructor(
    dataFolder: string,
    private readonly store: FolderStore,
  ) {
    this.files = new JsonFolder(dataFolder, SEARCHES, store.health);
  }

  /**
   * Reads the index. A file that does not parse is left alone (never overwritten) and not indexed: a
   * search is worth an hour at most, so it must not stop the app from starting.
   */
  async load(): Promise<void> {
    for (const token of await this.files.ids()) {
      const search = await this.files.read(token).catch(() => undefined);
      if (search) this.index.set(search.token, stamp(search));
    }
  }

  start<T>(userId: string, admit: (earlier: StoredPersonSearch[]) => SearchChange<T>): Promise<T> {
    this.store.writable();
    return this.store.mutex.run([`search-user:${userId}`], async () => {
      const earlier = [...this.index.values()].filter((s) => s.userId === userId);
      const { value, search } = admit(structuredClone(earlier));
      if (search) {
        if (search.userId !== userId || this.index.has(search.token)) {
          throw new RangeError('start(): a new search of this user, with a new token');
        }
        await this.write(search);
      }
      return value;
    });
  }

  change<T>(token: string, change: (current: StoredPersonSearch | undefined) => SearchChange<T>): Promise<T> {
    this.store.writable();
    return this.store.mutex.run([`search:${token}`], async () => {
      const current = await this.get(token);
      const { value, search } = change(current);
      if (search) {
        if (search.token !== token || !current) throw new RangeError('change(): the same, existing search');
        await this.write(search);
      }
      return value;
    });
  }

  async get(token: string): Promise<StoredPersonSearch | undefined> {
    if (!this.index.has(token)) return undefined;
    return this.files.read(token);
  }

  async purge(now: Date, keep: number): Promise<number> {
    this.store.writable();
    const at = now.getTime();
    const newestFirst = [...this.index.values()].sort(
      (a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt),
    );
    const gone = newestFirst.filter((s, i) => Date.parse(s.expiresAt) <= at || i >= keep);
    for (const search of gone) {
      await this.store.mutex.run([`search:${search.token}`], async () => {
        await this.files.remove(search.token);
        this.index.delete(search.token);
      });
    }
    return gone.length;
  }

  private async write(search: StoredPersonSearch): Promise<void> {
    await this.files.write(search.token, search);
    this.index.set(search.token, stamp(search));
  }
}

function stamp(search: StoredPersonSearch): Stamp {
  const { result: _result, ...rest } = search;
  return rest;
}
