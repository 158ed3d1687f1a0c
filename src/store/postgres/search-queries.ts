import { storedSearchSchema, type StoredPersonSearch } from '../schemas.js';
import type { PersonSearchStore, SearchChange } from '../port.js';
import { parseRow, selectDocs } from './rows.js';
import type { PgSession, Query } from './session.js';

/** Advisory lock class of a user's search starts (beside migrations.ts's LOCK_CLASS_MIGRATE, _EXCLUSIVE). */
const LOCK_CLASS_SEARCH = 0x6c7066;

/**
 * The person_searches table (migration 0002). A start holds a transaction-scoped advisory lock on the
 * user, so replicas count a user's searches one start at a time; a change holds the search's row lock.
 */
export class PgSearches implements PersonSearchStore {
  constructor(
    private readonly session: PgSession,
    private readonly server: string,
  ) {}

  start<T>(userId: string, admit: (earlier: StoredPersonSearch[]) => SearchChange<T>): Promise<T> {
    return this.session.write(async (q) => {
      await q('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS_SEARCH, userId]);
      const sql = 'SELECT doc FROM person_searches WHERE user_id = $1';
      const { value, search } = admit(await selectDocs(q, this.parse, sql, [userId]));
      if (search) {
        if (search.userId !== userId) throw new RangeError('start(): a new search of this user');
        await q(
          'INSERT INTO person_searches (token, user_id, started_at, expires_at, doc) VALUES ($1, $2, $3, $4, $5)',
          [search.token, search.userId, search.startedAt, search.expiresAt, JSON.stringify(search)],
        );
      }
      return value;
    });
  }

  change<T>(token: string, change: (current: StoredPersonSearch | undefined) => SearchChange<T>): Promise<T> {
    return this.session.write(async (q) => {
      const current = await this.select(q, token, true);
      const { value, search } = change(current);
      if (search) {
        if (search.token !== token || !current) throw new RangeError('change(): the same, existing search');
        await q('UPDATE person_searches SET doc = $2, expires_at = $3 WHERE token = $1', [
          token,
          JSON.stringify(search),
          search.expiresAt,
        ]);
      }
      return value;
    });
  }

  get(token: string): Promise<StoredPersonSearch | undefined> {
    return this.session.read((q) => this.select(q, token, false));
  }

  purge(now: Date, keep: number): Promise<number> {
    return this.session.write(async (q) => {
      const expired = await q('DELETE FROM person_searches WHERE expires_at <= $1', [now.toISOString()]);
      const beyond = await q(
        'DELETE FROM person_searches WHERE token IN (SELECT token FROM person_searches ORDER BY started_at DESC OFFSET $1)',
        [keep],
      );
      return (expired.rowCount ?? 0) + (beyond.rowCount ?? 0);
    });
  }

  private async select(q: Query, token: string, forUpdate: boolean): Promise<StoredPersonSearch | undefined> {
    const sql = `SELECT doc FROM person_searches WHERE token = $1${forUpdate ? ' FOR UPDATE' : ''}`;
    return (await selectDocs(q, this.parse, sql, [token]))[0];
  }

  private readonly parse = (doc: unknown): StoredPersonSearch => {
    const refusal = `A person search in the database at ${this.server} does not match what lp-delete writes.`;
    return parseRow(storedSearchSchema, doc, refusal);
  };
}
