import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { z } from 'zod';
import {
  channelNoticeSchema,
  collapses,
  requestNoticeSchema,
  type ChannelNotice,
  type Notice,
  type QueuedNotice,
  type RequestNotice,
} from '../../domain/notices.js';
import { deletionRequestSchema, type DeletionRequest } from '../../domain/request.js';
import { silentLogger, type Logger } from '../../log.js';
import { StoreError } from '../errors.js';
import {
  CHANNEL_LANE,
  COUNTING_STATUSES,
  isFinished,
  type ChangeContext,
  type ChangeFn,
  type MonthChange,
  type MonthState,
  type MonthUsage,
  type NoticeRef,
  type OwedNotice,
  type QuotaKey,
  type RequestStore,
} from '../port.js';
import { describeServer, pgErrorCode, poolConfig, toStoreError } from './connection.js';
import { LOCK_CLASS_EXCLUSIVE, migrateWith, type Migration } from './migrations.js';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:5432/database[?sslmode=…] (PGSSLMODE is honoured too). */
  url: string;
  /** How long a replica's lease lasts without renewal (REPLICA_LEASE_SECONDS); renewed every third of it. */
  replicaLeaseSeconds?: number;
  /** The clock for the notices' timestamps (leases use the database's clock, shared by every replica). */
  now?: () => Date;
  log?: Logger;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** The schema migrations to apply (default: the shipped migrations/ folder). For tests. */
  migrations?: Migration[];
}

export const DEFAULT_LEASE_SECONDS = 30;
/** How long a claimed notice stays with its claimer when claimDueNotices is not told. */
export const DEFAULT_CLAIM_MS = 60_000;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const NEW_ID = /^DR-(\d{4}-\d{2})-(\d{4,})$/;
const COUNTING = [...COUNTING_STATUSES];

const noticeSchema = z.union([requestNoticeSchema, channelNoticeSchema]);
const monthStateSchema = z.object({
  livePerson: z.object({ total: z.number(), external: z.number(), syncedAt: z.string() }).optional(),
  alertsSent: z.record(z.string(), z.string()),
  spentAt: z.string().optional(),
});

/** A notice as importRequest takes it: its delivery state is kept, its seq is given anew (order kept). */
export type ImportedNotice = Omit<QueuedNotice, 'seq'> & { notice: Notice };

type Query = <R extends pg.QueryResultRow = pg.QueryResultRow>(
  sql: string,
  params?: unknown[],
) => Promise<pg.QueryResult<R>>;

interface NoticeRow {
  lane: string;
  seq: number;
  notice: unknown;
  queued_at: Date;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
}

/**
 * The RequestStore on PostgreSQL, for any number of replicas. Every change is one transaction holding the
 * request's row lock (and, with `quota`, the month's row lock taken first), so changes of one request and
 * quota checks of one month are serialised across replicas; notices are rows written in that transaction.
 */
export class PostgresStore implements RequestStore {
  readonly replicaId = `r-${randomBytes(6).toString('hex')}`;
  private isHealthy = true;
  private leaseTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly noticeListeners: (() => void)[] = [];
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly options: Required<Pick<PostgresStoreOptions, 'now' | 'log' | 'replicaLeaseSeconds'>> & {
      server: string;
    },
  ) {}

  /** Use openPostgresStore. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const server = describeServer(options.url);
    const lease = options.replicaLeaseSeconds ?? DEFAULT_LEASE_SECONDS;
    if (!Number.isFinite(lease) || lease <= 0) {
      throw new RangeError(
        `replicaLeaseSeconds (REPLICA_LEASE_SECONDS) must be a positive number, not ${lease}`,
      );
    }
    const pool = new pg.Pool({ ...poolConfig(options.url), max: options.poolSize ?? 10 });
    const log = options.log ?? silentLogger;
    const store = new PostgresStore(pool, {
      now: options.now ?? (() => new Date()),
      log,
      replicaLeaseSeconds: lease,
      server,
    });
    // An idle connection that breaks emits here; without a listener it would crash the process.
    pool.on('error', (error) => {
      store.isHealthy = false;
      log.warn('store_connection_lost', { code: pgErrorCode(error) ?? 'unknown' });
    });
    let checkout: { client: pg.PoolClient; release(broken: boolean): void };
    try {
      checkout = await store.connect('read');
    } catch (error) {
      await pool.end().catch(() => undefined);
      const wrapped = toStoreError(error, 'read');
      throw new StoreError(wrapped.code, `Cannot connect to the database ${server}. ${wrapped.message}`);
    }
    try {
      await migrateWith(checkout.client, server, {
        log,
        ...(options.migrations ? { migrations: options.migrations } : {}),
      });
    } catch (error) {
      checkout.release(true);
      await pool.end().catch(() => undefined);
      throw error;
    }
    checkout.release(false);
    try {
      await store.renewLease();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    const everyMs = Math.max(100, (store.options.replicaLeaseSeconds * 1000) / 3);
    store.leaseTimer = setInterval(() => {
      store.renewLease().catch(() => log.warn('store_lease_renewal_failed', { replica: store.replicaId }));
    }, everyMs);
    store.leaseTimer.unref();
    log.info('store_opened', { kind: 'postgres', replica: store.replicaId });
    return store;
  }

  healthy(): boolean {
    return this.isHealthy;
  }

  // ── reads ────────────────────────────────────────────────────────────────────────────────────────────

  async get(id: string): Promise<DeletionRequest | undefined> {
    const rows = await this.read((q) => q<{ doc: unknown }>('SELECT doc FROM requests WHERE id = $1', [id]));
    return rows.rows[0] ? this.parseRequest(rows.rows[0].doc) : undefined;
  }

  async findByLpRequestId(lpRequestId: string): Promise<DeletionRequest | undefined> {
    const rows = await this.read((q) =>
      q<{ doc: unknown }>('SELECT doc FROM requests WHERE lp_request_id = $1 ORDER BY created_at LIMIT 1', [
        lpRequestId,
      ]),
    );
    return rows.rows[0] ? this.parseRequest(rows.rows[0].doc) : undefined;
  }

  async listOpen(): Promise<DeletionRequest[]> {
    const rows = await this.read((q) =>
      q<{ doc: unknown }>('SELECT doc FROM requests WHERE is_open ORDER BY created_at, month_seq, id'),
    );
    return rows.rows.map((row) => this.parseRequest(row.doc));
  }

  async listMonth(month: string): Promise<DeletionRequest[]> {
    const rows = await this.read((q) =>
      q<{ doc: unknown }>('SELECT doc FROM requests WHERE month = $1 ORDER BY created_at, month_seq, id', [
        month,
      ]),
    );
    return rows.rows.map((row) => this.parseRequest(row.doc));
  }

  async months(): Promise<string[]> {
    const rows = await this.read((q) =>
      q<{ month: string }>('SELECT DISTINCT month FROM requests ORDER BY month'),
    );
    return rows.rows.map((row) => row.month);
  }

  async usage(key: QuotaKey): Promise<MonthUsage> {
    return this.read((q) => this.usageWith(q, key));
  }

  // ── changes ──────────────────────────────────────────────────────────────────────────────────────────

  /** Other replicas' notices are found by the deliverer's polling; this process's wake it at once. */
  onNoticesQueued(listener: () => void): void {
    this.noticeListeners.push(listener);
  }

  private noticesQueued(count: number | undefined): void {
    if (count) for (const listener of this.noticeListeners) listener();
  }

  async create(
    month: string,
    build: (id: string) => DeletionRequest,
    notices: RequestNotice[] = [],
  ): Promise<DeletionRequest> {
    if (!MONTH.test(month)) throw new RangeError(`create() needs a month as yyyy-mm, not "${month}"`);
    const created = await this.write(async (q) => {
      const counter = await q<{ last: number }>(
        `INSERT INTO request_ids (month, last) VALUES ($1, 1)
         ON CONFLICT (month) DO UPDATE SET last = request_ids.last + 1 RETURNING last`,
        [month],
      );
      const number = counter.rows[0]?.last ?? 1;
      const id = `DR-${month}-${String(number).padStart(4, '0')}`;
      const request = build(id);
      if (request.id !== id) throw new RangeError(`create(): build must return the request with id ${id}`);
      await this.saveRequest(q, request, month);
      await this.queue(q, id, notices);
      return structuredClone(request);
    });
    this.noticesQueued(notices.length);
    return created;
  }

  async update<T>(id: string, change: ChangeFn<T>, options: { quota?: QuotaKey } = {}): Promise<T> {
    let queued = 0;
    const value = await this.write(async (q) => {
      const context: ChangeContext = {};
      if (options.quota) {
        await this.lockMonth(q, options.quota);
        context.usage = await this.usageWith(q, options.quota);
      }
      const row = await q<{ doc: unknown }>('SELECT doc FROM requests WHERE id = $1 FOR UPDATE', [id]);
      const current = row.rows[0] ? this.parseRequest(row.rows[0].doc) : undefined;
      const result = change(current, context);
      if ((result.request || result.notices?.length) && !current) {
        throw new RangeError(`update(): there is no request ${id} to change; create() stores new ones`);
      }
      if (result.request) {
        if (result.request.id !== id) throw new RangeError(`update(): the change must keep the id ${id}`);
        await this.saveRequest(q, result.request);
      }
      if (result.notices?.length) await this.queue(q, id, result.notices);
      queued = result.notices?.length ?? 0;
      return result.value;
    });
    this.noticesQueued(queued);
    return value;
  }

  async updateMonth<T>(key: QuotaKey, change: (month: MonthState) => MonthChange<T>): Promise<T> {
    let queued = 0;
    const value = await this.write(async (q) => {
      const state = await this.lockMonth(q, key);
      const result = change(state);
      if (result.state) {
        await q('UPDATE months SET state = $3 WHERE account_id = $1 AND month = $2', [
          key.accountId,
          key.month,
          JSON.stringify(monthStateSchema.parse(result.state)),
        ]);
      }
      if (result.notices?.length) await this.queue(q, CHANNEL_LANE, result.notices);
      queued = result.notices?.length ?? 0;
      return result.value;
    });
    this.noticesQueued(queued);
    return value;
  }

  // ── notices ──────────────────────────────────────────────────────────────────────────────────────────

  async claimDueNotices(now: Date, limit: number, claimMs = DEFAULT_CLAIM_MS): Promise<OwedNotice[]> {
    if (limit <= 0) return [];
    const rows = await this.write((q) =>
      // Only a lane's head (lowest seq) can be taken, so each lane is delivered in order. The due/unclaimed
      // test is on the locked row itself: PostgreSQL re-checks it on the newest version of a row another
      // replica has just claimed, and SKIP LOCKED passes over rows being claimed right now. A claim of a
      // replica whose lease ran out (it died mid-delivery) is void: its lane would otherwise wait out the
      // claim (a minute) behind a notice nobody is delivering.
      q<NoticeRow>(
        `WITH heads AS (
           SELECT DISTINCT ON (lane) lane, seq FROM notices ORDER BY lane, seq
         ), picked AS (
           SELECT n.lane, n.seq FROM notices n JOIN heads h ON h.lane = n.lane AND h.seq = n.seq
           WHERE n.next_attempt_at <= $1 AND (
             n.claimed_until IS NULL OR n.claimed_until <= $1
             OR (n.claimed_by IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM replicas p WHERE p.id = n.claimed_by AND p.lease_until > now())))
           ORDER BY n.next_attempt_at, n.seq
           LIMIT $2
           FOR UPDATE OF n SKIP LOCKED
         )
         UPDATE notices n SET claimed_until = $3, claimed_by = $4
         FROM picked p WHERE n.lane = p.lane AND n.seq = p.seq
         RETURNING n.lane, n.seq, n.notice, n.queued_at, n.attempts, n.next_attempt_at, n.last_error`,
        [now, limit, new Date(now.getTime() + claimMs), this.replicaId],
      ),
    );
    return rows.rows
      .map((row) => this.owed(row))
      .sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt) || a.seq - b.seq);
  }

  async nextNoticeDueAt(): Promise<Date | undefined> {
    const rows = await this.read((q) =>
      q<{ due: Date | null }>(
        `SELECT min(GREATEST(n.next_attempt_at, COALESCE(n.claimed_until, n.next_attempt_at))) AS due
         FROM notices n JOIN (SELECT lane, min(seq) AS seq FROM notices GROUP BY lane) h
           ON h.lane = n.lane AND h.seq = n.seq`,
      ),
    );
    const due = rows.rows[0]?.due;
    return due ? new Date(due) : undefined;
  }

  async noticeDelivered(
    ref: NoticeRef,
    effect?: (request: DeletionRequest) => DeletionRequest,
  ): Promise<void> {
    await this.write(async (q) => {
      // The request's row lock first, as every change takes it: no lock cycle with update().
      let current: DeletionRequest | undefined;
      if (ref.lane !== CHANNEL_LANE && effect) {
        const row = await q<{ doc: unknown }>('SELECT doc FROM requests WHERE id = $1 FOR UPDATE', [
          ref.lane,
        ]);
        current = row.rows[0] ? this.parseRequest(row.rows[0].doc) : undefined;
      }
      await q('DELETE FROM notices WHERE lane = $1 AND seq = $2', [ref.lane, ref.seq]);
      if (current && effect) {
        const next = effect(current);
        if (next.id !== current.id)
          throw new RangeError(`noticeDelivered(): the effect must keep the id ${current.id}`);
        await this.saveRequest(q, next);
      }
    });
  }

  async noticeFailed(ref: NoticeRef, failure: { error: string; retryAt: Date }): Promise<void> {
    await this.write((q) =>
      q(
        `UPDATE notices SET attempts = attempts + 1, next_attempt_at = $3, last_error = $4,
           claimed_until = NULL, claimed_by = NULL
         WHERE lane = $1 AND seq = $2`,
        [ref.lane, ref.seq, failure.retryAt, failure.error],
      ),
    );
  }

  async owedNotices(): Promise<OwedNotice[]> {
    const rows = await this.read((q) =>
      q<NoticeRow>(
        `SELECT lane, seq, notice, queued_at, attempts, next_attempt_at, last_error FROM notices
         ORDER BY lane, seq`,
      ),
    );
    return rows.rows.map((row) => this.owed(row));
  }

  // ── replicas ─────────────────────────────────────────────────────────────────────────────────────────

  async orphanedSubmissions(): Promise<DeletionRequest[]> {
    const rows = await this.read((q) =>
      q<{ doc: unknown }>(
        `SELECT doc FROM requests r WHERE r.status = 'submitting' AND NOT EXISTS (
           SELECT 1 FROM replicas p WHERE p.id = r.submitting_replica AND p.lease_until > now()
         ) ORDER BY created_at, month_seq, id`,
      ),
    );
    return rows.rows.map((row) => this.parseRequest(row.doc));
  }

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
      this.isHealthy = true;
    } catch (error) {
      this.isHealthy = false;
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

  /**
   * Stops renewing the lease, waits for the changes under way, removes this replica's lease and closes the
   * connections. `keepLease` leaves the lease to run out as a crashed replica's would (for tests).
   */
  async close(options: { keepLease?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.leaseTimer);
    await Promise.allSettled([...this.inFlight]);
    if (!options.keepLease) {
      await this.pool.query('DELETE FROM replicas WHERE id = $1', [this.replicaId]).catch(() => undefined);
    }
    await this.pool.end();
  }

  // ── copying an install ───────────────────────────────────────────────────────────────────────────────

  /**
   * Stores a request from another store as it is (its id kept) with the notices it still owes, for
   * `npm run store -- copy`. Ids are numbered on after the highest imported one of its month. Refuses an
   * id that is already here (the copy is one-shot; run it on an empty database).
   */
  async importRequest(
    request: DeletionRequest,
    notices: ImportedNotice[] = [],
    month?: string,
  ): Promise<void> {
    const doc = deletionRequestSchema.parse(request);
    const listedMonth = month ?? monthOf(doc);
    await this.write(async (q) => {
      const existing = await q('SELECT 1 FROM requests WHERE id = $1', [doc.id]);
      if (existing.rowCount) throw new RangeError(`importRequest(): ${doc.id} is already in this database`);
      await this.saveRequest(q, doc, listedMonth);
      const seq = NEW_ID.exec(doc.id);
      if (seq?.[1] && seq[2]) {
        await q(
          `INSERT INTO request_ids (month, last) VALUES ($1, $2)
           ON CONFLICT (month) DO UPDATE SET last = GREATEST(request_ids.last, EXCLUDED.last)`,
          [seq[1], Number(seq[2])],
        );
      }
      for (const owed of notices) await this.insertNotice(q, doc.id, owed);
    });
  }

  /**
   * Stores a notice from another store in `lane` (CHANNEL_LANE, or a request id), keeping its delivery state;
   * it goes after the lane's notices already here. importRequest takes a request's own notices with it.
   */
  async importNotice(lane: string, owed: ImportedNotice): Promise<void> {
    await this.write((q) => this.insertNotice(q, lane, owed));
  }

  /** Stores a month's state (LivePerson's count, alerts sent) from another store. */
  async importMonth(key: QuotaKey, state: MonthState): Promise<void> {
    await this.write((q) =>
      q(
        `INSERT INTO months (account_id, month, state) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, month) DO UPDATE SET state = EXCLUDED.state`,
        [key.accountId, key.month, JSON.stringify(monthStateSchema.parse(state))],
      ),
    );
  }

  /** Every account and month with a stored state or quota-holding requests (for copying and checks). */
  async quotaKeys(): Promise<QuotaKey[]> {
    const rows = await this.read((q) =>
      q<{ account_id: string; month: string }>(
        `SELECT account_id, month FROM months
         UNION SELECT account_id, quota_month FROM requests WHERE quota_month IS NOT NULL
         ORDER BY 2, 1`,
      ),
    );
    return rows.rows.map((row) => ({ accountId: row.account_id, month: row.month }));
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────────────

  private async renewLease(): Promise<void> {
    if (this.closed) return;
    await this.write((q) =>
      q(
        `INSERT INTO replicas (id, lease_until) VALUES ($1, now() + make_interval(secs => $2))
         ON CONFLICT (id) DO UPDATE SET lease_until = EXCLUDED.lease_until`,
        [this.replicaId, this.options.replicaLeaseSeconds],
      ),
    );
  }

  /**
   * A pooled connection for one transaction or lock. While checked out, pg leaves a connection's 'error'
   * event (the server going away between two queries) without a listener, which would crash the process:
   * it is listened to here until release.
   */
  private async connect(
    kind: 'read' | 'write',
  ): Promise<{ client: pg.PoolClient; release(broken: boolean): void }> {
    if (this.closed)
      throw new StoreError('STORE_WRITE_FAILED', 'lp-delete is shutting down: nothing was saved.');
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      this.isHealthy = false;
      this.options.log.warn('store_connect_failed', { code: pgErrorCode(error) ?? 'unknown' });
      throw toStoreError(error, kind);
    }
    let lost = false;
    const onError = (error: Error) => {
      lost = true;
      this.isHealthy = false;
      this.options.log.warn('store_connection_lost', { code: pgErrorCode(error) ?? 'unknown' });
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

  private read<T>(work: (q: Query) => Promise<T>): Promise<T> {
    return this.transaction('read', work);
  }

  private write<T>(work: (q: Query) => Promise<T>): Promise<T> {
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
          this.isHealthy = false;
          this.options.log.warn('store_query_failed', { code: pgErrorCode(error) ?? 'unknown' });
          throw toStoreError(error, kind);
        }
      };
      // Reads need no transaction of their own: one round trip each instead of three.
      const inTransaction = kind === 'write';
      try {
        if (inTransaction) await q('BEGIN');
        const result = await work(q);
        if (inTransaction) await q('COMMIT');
        this.isHealthy = true;
        return result;
      } catch (error) {
        if (inTransaction) await client.query('ROLLBACK').catch(() => (broken = true));
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

  /** The month's row, created when missing, locked until the transaction ends; returns its state. */
  private async lockMonth(q: Query, key: QuotaKey): Promise<MonthState> {
    await q('INSERT INTO months (account_id, month) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      key.accountId,
      key.month,
    ]);
    const row = await q<{ state: unknown }>(
      'SELECT state FROM months WHERE account_id = $1 AND month = $2 FOR UPDATE',
      [key.accountId, key.month],
    );
    return this.parseMonthState(row.rows[0]?.state);
  }

  private async usageWith(q: Query, key: QuotaKey): Promise<MonthUsage> {
    const counts = await q<{ used: number; spent: boolean; pending: number }>(
      `SELECT
         (SELECT count(*)::int FROM requests
            WHERE account_id = $1 AND quota_month = $2 AND status = ANY($3)) AS used,
         EXISTS (SELECT 1 FROM requests
            WHERE account_id = $1 AND quota_month = $2 AND failure_code = 'LP_QUOTA_REACHED') AS spent,
         (SELECT count(*)::int FROM requests WHERE status = 'pending_approval') AS pending`,
      [key.accountId, key.month, COUNTING],
    );
    const state = await q<{ state: unknown }>(
      'SELECT state FROM months WHERE account_id = $1 AND month = $2',
      [key.accountId, key.month],
    );
    const month = this.parseMonthState(state.rows[0]?.state);
    const row = counts.rows[0];
    return {
      used: row?.used ?? 0,
      spent: (row?.spent ?? false) || month.spentAt !== undefined,
      pendingApprovals: row?.pending ?? 0,
      ...(month.livePerson ? { livePerson: month.livePerson } : {}),
      alertsSent: month.alertsSent,
    };
  }

  /** Inserts or replaces a request with the columns derived from it. */
  private async saveRequest(q: Query, request: DeletionRequest, month?: string): Promise<void> {
    const idParts = NEW_ID.exec(request.id);
    await q(
      `INSERT INTO requests (id, month, month_seq, account_id, status, is_open, quota_month, failure_code,
         lp_request_id, submitting_replica, created_at, doc)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $5 = 'submitting' THEN $10 END, $11, $12)
       ON CONFLICT (id) DO UPDATE SET
         account_id = EXCLUDED.account_id, status = EXCLUDED.status, is_open = EXCLUDED.is_open,
         quota_month = EXCLUDED.quota_month, failure_code = EXCLUDED.failure_code,
         lp_request_id = EXCLUDED.lp_request_id, created_at = EXCLUDED.created_at, doc = EXCLUDED.doc,
         updated_at = now(),
         -- Set when the request moves into 'submitting', kept while it stays there, cleared after.
         submitting_replica = CASE
           WHEN EXCLUDED.status <> 'submitting' THEN NULL
           WHEN requests.status = 'submitting' THEN requests.submitting_replica
           ELSE $10 END`,
      [
        request.id,
        month ?? monthOf(request),
        idParts?.[2] ? Number(idParts[2]) : null,
        request.accountId,
        request.status,
        !isFinished(request),
        request.quotaMonth ?? null,
        request.failure?.code ?? null,
        request.lpRecord?.requestId ?? null,
        this.replicaId,
        request.createdAt,
        JSON.stringify(request),
      ],
    );
  }

  /** Queues notices in a lane, each unless an equal one waits unclaimed there (see `collapses`). */
  private async queue(
    q: Query,
    lane: string,
    notices: readonly (RequestNotice | ChannelNotice)[],
  ): Promise<void> {
    if (notices.length === 0) return;
    const now = this.options.now();
    const waiting = await q<NoticeRow>(
      `SELECT lane, seq, notice, queued_at, attempts, next_attempt_at, last_error FROM notices
       WHERE lane = $1 AND (claimed_until IS NULL OR claimed_until <= $2) ORDER BY seq`,
      [lane, now],
    );
    const unclaimed: QueuedNotice[] = waiting.rows.map((row) => this.owed(row));
    for (const notice of notices) {
      if (collapses(unclaimed, notice)) continue;
      const owed: ImportedNotice = {
        notice: noticeSchema.parse(notice),
        queuedAt: now.toISOString(),
        attempts: 0,
        // Due at once, whatever clock the deliverer keeps (tests run the app on a clock of their own).
        nextAttemptAt: new Date(0).toISOString(),
      };
      const seq = await this.insertNotice(q, lane, owed);
      unclaimed.push({ ...owed, seq });
    }
  }

  private async insertNotice(q: Query, lane: string, owed: ImportedNotice): Promise<number> {
    const row = await q<{ seq: number }>(
      `INSERT INTO notices (lane, notice, queued_at, attempts, next_attempt_at, last_error)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq`,
      [
        lane,
        JSON.stringify(owed.notice),
        owed.queuedAt,
        owed.attempts,
        owed.nextAttemptAt,
        owed.lastError ?? null,
      ],
    );
    return row.rows[0]?.seq ?? 0;
  }

  private owed(row: NoticeRow): OwedNotice {
    const parsed = noticeSchema.safeParse(row.notice);
    if (!parsed.success) {
      throw new StoreError(
        'STORE_UNREADABLE',
        `A notice in the database ${this.options.server} (table notices, seq ${row.seq}) is not one lp-delete knows: ` +
          'it was written by a newer release, or edited by hand. Run the newer release, or delete that row.',
      );
    }
    return {
      lane: row.lane,
      seq: row.seq,
      notice: parsed.data,
      queuedAt: new Date(row.queued_at).toISOString(),
      attempts: row.attempts,
      nextAttemptAt: new Date(row.next_attempt_at).toISOString(),
      ...(row.last_error !== null ? { lastError: row.last_error } : {}),
    };
  }

  private parseRequest(doc: unknown): DeletionRequest {
    const parsed = deletionRequestSchema.safeParse(doc);
    if (!parsed.success) {
      throw new StoreError(
        'STORE_UNREADABLE',
        `A request in the database ${this.options.server} (table requests) does not have the shape lp-delete ` +
          'expects: it was written by a newer release, or edited by hand. Run the newer release, or restore a backup.',
      );
    }
    return parsed.data;
  }

  private parseMonthState(state: unknown): MonthState {
    const parsed = monthStateSchema.safeParse(state ?? { alertsSent: {} });
    if (!parsed.success) {
      throw new StoreError(
        'STORE_UNREADABLE',
        `A month's state in the database ${this.options.server} (table months) is not valid: restore a backup or delete that row.`,
      );
    }
    return parsed.data as MonthState;
  }
}

/** yyyy-mm a request is listed under: the month in its id, else (an old DR-XXXXXX id) its filing month. */
function monthOf(request: DeletionRequest): string {
  return NEW_ID.exec(request.id)?.[1] ?? request.createdAt.slice(0, 7);
}

/**
 * Opens the PostgreSQL store: connects, applies the migrations (once across replicas starting together),
 * takes this replica's lease and renews it every third of `replicaLeaseSeconds`.
 */
export function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  return PostgresStore.open(options);
}
