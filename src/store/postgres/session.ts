import type pg from 'pg';
import type { Logger } from '../../log.js';
import { StoreError } from '../errors.js';
import { ownCode } from '../../domain/error-code.js';
import { toStoreError } from './connection.js';
import { LOCK_CLASS_EXCLUSIVE } from './migrations.js';

/** Runs one statement of the transaction it was given for. */
export type Query = <R extends pg.QueryResultRow = pg.QueryResultRow>(
  sql: string,
  params?: unknown[],
) => Promise<pg.QueryResult<R>>;

export interface Checkout {
  client: pg.PoolClient;
  /** An arrow-typed property: callers destructure it. */
  release: (broken: boolean) => void;
}

/**
 * The pool as the store uses it: transactions, session locks, and whether the database answered last time
 * (the store is unhealthy from a driver failure until a transaction succeeds). Knows no table.
 */
export class PgSession {
  private healthy = true;
  private closed = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private probing: Promise<boolean> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: Logger,
  ) {
    // An idle connection that breaks emits here; without a listener it would crash the process.
    pool.on('error', (error) => this.failed('store_connection_lost', error));
  }

  /** The database failed us: unhealthy until a transaction succeeds; the log gets the code only. */
  private failed(event: string, error: unknown): void {
    this.healthy = false;
    this.log.warn(event, { code: ownCode(error) ?? 'unknown' });
  }

  isHealthy(): boolean {
    return this.healthy;
  }

  isClosed(): boolean {
    return this.closed;
  }

  /**
   * A pooled connection for one transaction or lock. While checked out, pg leaves a connection's 'error'
   * event (the server going away between two queries) without a listener, which would crash the process:
   * it is listened to here until release.
   */
  async connect(kind: 'read' | 'write'): Promise<Checkout> {
    if (this.closed)
      throw new StoreError('STORE_WRITE_FAILED', 'lp-delete is shutting down: nothing was saved.');
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      this.failed('store_connect_failed', error);
      throw toStoreError(error, kind);
    }
    let lost = false;
    const onError = (error: Error) => {
      lost = true;
      this.failed('store_connection_lost', error);
    };
    client.on('error', onError);
    return {
      client,
      release: (broken) => {
        client.removeListener('error', onError);
        client.release(broken || lost);
      },
    };
  }

  read<T>(work: (q: Query) => Promise<T>): Promise<T> {
    return this.transaction('read', work);
  }

  write<T>(work: (q: Query) => Promise<T>): Promise<T> {
    return this.transaction('write', work);
  }

  /**
   * Runs `work` (a write: in one transaction). Driver failures become StoreErrors (and make the store unhealthy until
   * a transaction succeeds); whatever `work` itself throws (a change refusing) rolls back and passes as is.
   */
  private transaction<T>(kind: 'read' | 'write', work: (q: Query) => Promise<T>): Promise<T> {
    const run = (async () => {
      const { client, release } = await this.connect(kind);
      let broken = false;
      const q: Query = async (sql, params) => {
        try {
          return await client.query(sql, params);
        } catch (error) {
          broken = true;
          this.failed('store_query_failed', error);
          throw toStoreError(error, kind);
        }
      };
      const failed = () => broken; // set inside q, which narrowing does not follow
      // Reads need no transaction of their own: one round trip each instead of three.
      const inTransaction = kind === 'write';
      try {
        if (inTransaction) await q('BEGIN');
        const result = await work(q);
        if (inTransaction) await q('COMMIT');
        this.healthy = true;
        return result;
      } catch (error) {
        // A connection whose statement failed or timed out is closed below, which rolls back on the
        // server: a ROLLBACK sent to a server that stopped answering would wait out its own deadline.
        if (inTransaction && !failed()) await client.query('ROLLBACK').catch(() => (broken = true));
        throw error;
      } finally {
        // A connection whose query failed may be unusable: it is closed rather than reused.
        release(broken);
      }
    })();
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run)).catch(() => undefined);
    return run;
  }

  /**
   * Whether the database answers a query within `deadlineMs` (for /readyz). One query at a time: callers
   * while one is under way wait for it, each with its own deadline. A success makes the session healthy.
   */
  async probe(deadlineMs: number): Promise<boolean> {
    this.probing ??= this.read((q) => q('SELECT 1')).then(
      () => true,
      () => false,
    );
    const probing = this.probing;
    void probing.finally(() => {
      if (this.probing === probing) this.probing = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), deadlineMs);
    });
    const answered = await Promise.race([probing, late]);
    clearTimeout(timer);
    if (!answered) this.healthy = false;
    return answered;
  }

  /** Runs `work` holding the advisory lock `name`, or returns undefined at once when another holds it. */
  async exclusive<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
    // A session lock on a connection of its own, held while `work` runs (work uses the pool's others).
    const { client, release } = await this.connect('read');
    let locked = false;
    try {
      const result = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
        [LOCK_CLASS_EXCLUSIVE, name],
      );
      locked = result.rows[0]?.locked === true;
      this.healthy = true;
    } catch (error) {
      this.healthy = false;
      release(true);
      throw toStoreError(error, 'read');
    }
    if (!locked) {
      release(false);
      return undefined;
    }
    try {
      return await work();
    } finally {
      try {
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS_EXCLUSIVE, name]);
        release(false);
      } catch {
        // Closing the connection releases the lock too.
        release(true);
      }
    }
  }

  /** Refuses new work, waits for the transactions under way, runs `last` (errors ignored), ends the pool. */
  async close(last?: (q: Query) => Promise<unknown>): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    // Outside a transaction: connect() refuses once closed.
    if (last) await last((sql, params) => this.pool.query(sql, params)).catch(() => undefined);
    await this.pool.end();
  }

  /** Ends the pool after a failed open; errors are ignored (the open's own error is the one to report). */
  async abandon(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
