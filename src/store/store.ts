import { Low } from 'lowdb';
import { z } from 'zod';
import { deletionRequestSchema, type DeletionRequest } from '../domain/request.js';
import { StoreError, ValidatedJsonFile } from './json-file-adapter.js';

const monthUsageSchema = z.object({
  /** Requests this app submitted (or reserved while submitting) in that month. */
  used: z.number().int().min(0),
  /** Set when LivePerson answered 429: the month is spent whatever our count says. */
  spentAt: z.string().optional(),
});
export type MonthUsage = z.infer<typeof monthUsageSchema>;

export const storeDataSchema = z.object({
  version: z.literal(1),
  requests: z.record(z.string(), deletionRequestSchema),
  /** accountId → month (yyyy-mm in QUOTA_TIMEZONE) → usage. */
  quota: z.record(z.string(), z.record(z.string(), monthUsageSchema)),
});
export type StoreData = z.infer<typeof storeDataSchema>;

const emptyData = (): StoreData => ({ version: 1, requests: {}, quota: {} });

/**
 * The request repository. Reads are synchronous snapshots of memory; every change goes through
 * `transact`, which runs the change synchronously on a copy (so a check-and-set cannot interleave with
 * another click), writes the file, and only then makes the change visible. Transactions are serialised.
 */
export class Store {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly db: Low<StoreData>) {}

  /** Opens (or creates) the data file; throws StoreError with a clear message if it cannot be used. */
  static async open(file: string): Promise<Store> {
    const db = new Low<StoreData>(new ValidatedJsonFile(file, storeDataSchema), emptyData());
    await db.read();
    const store = new Store(db);
    return store;
  }

  get file(): string {
    return (this.db.adapter as ValidatedJsonFile<StoreData>).file;
  }

  /** The current data, read-only: change it only through `transact`. */
  data(): Readonly<StoreData> {
    return this.db.data;
  }

  getRequest(id: string): DeletionRequest | undefined {
    return this.db.data.requests[id];
  }

  listRequests(filter?: (request: DeletionRequest) => boolean): DeletionRequest[] {
    const all = Object.values(this.db.data.requests);
    return filter ? all.filter(filter) : all;
  }

  /**
   * Every request ever stored, including any kept outside the hot data (for audit exports and reports).
   * Async so that archived history can be read from disk without the callers changing.
   */
  async allRequests(): Promise<DeletionRequest[]> {
    return this.listRequests();
  }

  monthUsage(accountId: string, month: string): MonthUsage {
    return this.db.data.quota[accountId]?.[month] ?? { used: 0 };
  }

  /**
   * Runs `change` on a draft of the data and persists it before resolving. If `change` throws, or the
   * write fails, nothing changes (in memory or on disk). Returns whatever `change` returned.
   */
  transact<T>(change: (draft: StoreData) => T): Promise<T> {
    const run = async (): Promise<T> => {
      const draft = structuredClone(this.db.data);
      const result = change(draft);
      const previous = this.db.data;
      this.db.data = draft;
      try {
        await this.db.write();
      } catch (error) {
        this.db.data = previous;
        throw new StoreError(
          'STORE_WRITE_FAILED',
          `Could not write the data file ${this.file} (${(error as NodeJS.ErrnoException).code ?? 'error'}). ` +
            'Nothing was changed; check the disk and permissions, then try again.',
        );
      }
      return result;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Resolves when every transaction queued so far has been written. */
  async flush(): Promise<void> {
    await this.queue;
  }
}

/** Mutable access to one account's month usage inside a transaction. */
export function usageIn(draft: StoreData, accountId: string, month: string): MonthUsage {
  const account = (draft.quota[accountId] ??= {});
  return (account[month] ??= { used: 0 });
}
