import { erasureOpen, storedErasureSchema, type StoredErasure } from '../../domain/erasure.js';
import type { ErasureChange, ErasureStore } from '../port.js';
import { parseRow, selectDocs } from './rows.js';
import type { PgSession, Query } from './session.js';

/** Advisory lock class of an erasure id (beside migrations.ts's and search-queries.ts's classes). */
const LOCK_CLASS_ERASURE = 0x6c7067;

/**
 * The erasures table (migration 0003). A change holds a transaction-scoped advisory lock on the id, so
 * two replicas creating the same erasure (one Idempotency-Key) or claiming the same callback take turns,
 * whether or not the row exists yet.
 */
export class PgErasures implements ErasureStore {
  constructor(
    private readonly session: PgSession,
    private readonly server: string,
  ) {}

  change<T>(id: string, change: (current: StoredErasure | undefined) => ErasureChange<T>): Promise<T> {
    return this.session.write(async (q) => {
      await q('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS_ERASURE, id]);
      const { value, erasure } = change(await this.select(q, id));
      if (erasure) {
        if (erasure.id !== id) throw new RangeError('change(): the same erasure');
        await q(
          `INSERT INTO erasures (id, caller, is_open, updated_at, doc) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (id) DO UPDATE SET is_open = $3, updated_at = $4, doc = $5`,
          [id, erasure.caller, erasureOpen(erasure), erasure.updatedAt, JSON.stringify(erasure)],
        );
      }
      return value;
    });
  }

  get(id: string): Promise<StoredErasure | undefined> {
    return this.session.read((q) => this.select(q, id));
  }

  listOpen(): Promise<StoredErasure[]> {
    const sql = 'SELECT doc FROM erasures WHERE is_open ORDER BY updated_at, id';
    return this.session.read((q) => selectDocs(q, this.parse, sql));
  }

  private async select(q: Query, id: string): Promise<StoredErasure | undefined> {
    return (await selectDocs(q, this.parse, 'SELECT doc FROM erasures WHERE id = $1', [id]))[0];
  }

  private readonly parse = (doc: unknown): StoredErasure => {
    const refusal = `An erasure in the database at ${this.server} does not match what lp-delete writes.`;
    return parseRow(storedErasureSchema, doc, refusal);
  };
}
