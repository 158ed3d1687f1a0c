import { PgErasures } from './erasure-queries.js';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RequestNotice } from '../../domain/notices.js';
import { deletionRequestSchema, type DeletionRequest } from '../../domain/request.js';
import {
  CHANNEL_LANE,
  DEFAULT_CLAIM_MS,
  type ChangeContext,
  type ChangeFn,
  type MonthChange,
  type MonthUsage,
  type ClaimedNotice,
  type NoticeFailure,
  type NoticeRef,
  type OwedNotice,
  type QuotaKey,
  type RequestStore,
} from '../port.js';
import type { MonthState } from '../schemas.js';
import { dropLease, ORPHANED_SUBMISSIONS, renewEveryThird, renewLease } from './leases.js';
import * as notices from './notice-queries.js';
import { openDatabase, type DatabaseOptions } from './open-database.js';
import {
  listMonths,
  lockMonth,
  nextRequestId,
  saveMonthState,
  saveRequest,
  selectRequest,
  usageWith,
} from './request-queries.js';
import { owedFromRow, parseRequest, selectDocs } from './rows.js';
import { PgSearches } from './search-queries.js';
import { PgSession, type Query } from './session.js';

export interface PostgresStoreOptions extends DatabaseOptions {
  /** The clock for the notices' timestamps (leases use the database's clock, shared by every replica). */
  now?: () => Date;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * The RequestStore on PostgreSQL, for any number of replicas. Every change is one transaction holding the
 * request's row lock (and, with `quota`, the month's row lock taken first), so changes of one request and
 * quota checks of one month are serialised across replicas; notices are rows written in that transaction.
 * The statements are in *-queries.ts and leases.ts, the pool in session.ts, the start-up in open-database.ts.
 */
export class PostgresStore implements RequestStore {
  readonly replicaId = `r-${randomBytes(6).toString('hex')}`;
  private leaseTimer: NodeJS.Timeout | undefined;
  private leaseHeldUntil = 0; // performance.now() ms, from the start of the last renewal
  private readonly noticeListeners: (() => void)[] = [];
  readonly searches: PgSearches;
  readonly erasures: PgErasures;

  private constructor(
    private readonly session: PgSession,
    /** host:port/database, for messages. */
    private readonly server: string,
    private readonly leaseSeconds: number,
    private readonly now: () => Date,
  ) {
    this.searches = new PgSearches(session, server);
    this.erasures = new PgErasures(session, server);
  }

  /**
   * Opens the PostgreSQL store: connects, applies the migrations (once across replicas starting together),
   * takes this replica's lease and renews it every third of `replicaLeaseSeconds`.
   */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const { session, server, lease, log } = await openDatabase(options);
    const store = new PostgresStore(session, server, lease, options.now ?? (() => new Date()));
    try {
      await store.renewLease();
    } catch (error) {
      await session.abandon();
      throw error;
    }
    store.leaseTimer = renewEveryThird(
      lease,
      () => store.renewLease(),
      () => log.warn('store_lease_renewal_failed', { replica: store.replicaId }),
    );
    log.info('store_opened', { kind: 'postgres', replica: store.replicaId });
    return store;
  }

  healthy(): boolean {
    return this.session.isHealthy();
  }

  probe(deadlineMs: number): Promise<boolean> {
    return this.session.probe(deadlineMs);
  }

  async get(id: string): Promise<DeletionRequest | undefined> {
    return (await this.docs('SELECT doc FROM requests WHERE id = $1', [id]))[0];
  }

  async findByLpRequestId(lpRequestId: string): Promise<DeletionRequest | undefined> {
    const sql = 'SELECT doc FROM requests WHERE lp_request_id = $1 ORDER BY created_at LIMIT 1';
    return (await this.docs(sql, [lpRequestId]))[0];
  }

  async listOpen(): Promise<DeletionRequest[]> {
    return this.docs('SELECT doc FROM requests WHERE is_open ORDER BY created_at, month_seq, id');
  }

  async listMonth(month: string): Promise<DeletionRequest[]> {
    return this.docs('SELECT doc FROM requests WHERE month = $1 ORDER BY created_at, month_seq, id', [month]);
  }

  async months(): Promise<string[]> {
    return this.session.read((q) => listMonths(q));
  }

  async usage(key: QuotaKey): Promise<MonthUsage> {
    return this.session.read((q) => usageWith(q, this.server, key));
  }

  /** Other replicas' notices are found by the deliverer's polling; this process's wake it at once. */
  onNoticesQueued(listener: () => void): void {
    this.noticeListeners.push(listener);
  }

  async create(
    month: string,
    build: (id: string) => DeletionRequest,
    queued: RequestNotice[] = [],
  ): Promise<DeletionRequest> {
    if (!MONTH.test(month)) throw new RangeError(`create() needs a month as yyyy-mm, not "${month}"`);
    return this.writeQueuing(async (q) => {
      const id = await nextRequestId(q, month);
      const request = build(id);
      if (request.id !== id) throw new RangeError(`create(): build must return the request with id ${id}`);
      await saveRequest(q, this.replicaId, request);
      return { value: structuredClone(request), queued: await this.queue(q, id, queued) };
    });
  }

  async update<T>(id: string, change: ChangeFn<T>, options: { quota?: QuotaKey } = {}): Promise<T> {
    return this.writeQueuing(async (q) => {
      const context: ChangeContext = {};
      if (options.quota) {
        await lockMonth(q, this.server, options.quota);
        context.usage = await usageWith(q, this.server, options.quota);
      }
      const current = await selectRequest(q, this.server, id, true);
      const result = change(current, context);
      if ((result.request || result.notices?.length) && !current) {
        throw new RangeError(`update(): there is no request ${id} to change; create() stores new ones`);
      }
      if (result.request) {
        if (result.request.id !== id) throw new RangeError(`update(): the change must keep the id ${id}`);
        await saveRequest(q, this.replicaId, result.request);
      }
      return { value: result.value, queued: await this.queue(q, id, result.notices) };
    });
  }

  async updateMonth<T>(key: QuotaKey, change: (month: MonthState) => MonthChange<T>): Promise<T> {
    return this.writeQueuing(async (q) => {
      const result = change(await lockMonth(q, this.server, key));
      if (result.state) await saveMonthState(q, key, result.state);
      return { value: result.value, queued: await this.queue(q, CHANNEL_LANE, result.notices) };
    });
  }

  async claimDueNotices(now: Date, limit: number, claimMs = DEFAULT_CLAIM_MS): Promise<ClaimedNotice[]> {
    const claim = { now, limit, claimMs, replicaId: this.replicaId };
    const rows = limit > 0 ? await this.session.write((q) => notices.claimDue(q, claim)) : [];
    return notices.claimedInOrder(this.server, rows);
  }

  /** Claims are taken over once the lease runs out: safe while it holds, less min(2 s, a quarter). */
  claimsSafeUntil(): number {
    return this.leaseHeldUntil - Math.min(2_000, this.leaseSeconds * 250);
  }

  async nextNoticeDueAt(): Promise<Date | undefined> {
    return this.session.read((q) => notices.nextDueAt(q));
  }

  async noticeDelivered(
    ref: NoticeRef,
    effect?: (request: DeletionRequest) => DeletionRequest,
  ): Promise<boolean> {
    return this.session.write((q) => notices.delivered(q, this.server, this.replicaId, ref, effect));
  }

  async noticeFailed(ref: NoticeRef, failure: NoticeFailure): Promise<boolean> {
    return this.session.write((q) => notices.noticeFailed(q, ref, failure));
  }

  async owedNotices(): Promise<OwedNotice[]> {
    const rows = await this.session.read((q) => notices.allNotices(q));
    return rows.map((row) => owedFromRow(this.server, row));
  }

  async orphanedSubmissions(): Promise<DeletionRequest[]> {
    return this.docs(ORPHANED_SUBMISSIONS);
  }

  async exclusive<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
    return this.session.exclusive(name, work);
  }

  /** Stops renewing, waits for changes under way, drops the lease (`keepLease`: left to run out, for tests). */
  async close(options: { keepLease?: boolean } = {}): Promise<void> {
    if (this.session.isClosed()) return;
    clearInterval(this.leaseTimer);
    await this.session.close(options.keepLease ? undefined : (q) => dropLease(q, this.replicaId));
  }

  /**
   * Stores a request from another store as it is (its id kept) with the notices it still owes, for
   * `npm run store -- copy`. Ids are numbered on after the highest imported one of its month. Refuses an
   * id that is already here (the copy is one-shot; run it on an empty database).
   */
  async importRequest(request: DeletionRequest, owed: notices.ImportedNotice[] = []): Promise<void> {
    const imported = { request: deletionRequestSchema.parse(request), notices: owed };
    await this.session.write((q) => notices.insertImported(q, this.replicaId, imported));
  }

  /** Stores another store's notice in `lane` (CHANNEL_LANE or a request id) after the lane's own, as it was. */
  async importNotice(lane: string, owed: notices.ImportedNotice): Promise<void> {
    await this.session.write((q) => notices.insertNotice(q, lane, owed));
  }

  /** Stores a month's state (LivePerson's count, alerts sent) from another store. */
  async importMonth(key: QuotaKey, state: MonthState): Promise<void> {
    await this.session.write((q) => saveMonthState(q, key, state, true));
  }

  private async renewLease(): Promise<void> {
    if (this.session.isClosed()) return;
    const started = performance.now();
    await this.session.write((q) => renewLease(q, this.replicaId, this.leaseSeconds));
    this.leaseHeldUntil = started + this.leaseSeconds * 1000;
  }

  /** A transaction that may queue notices; once it committed with some, this process's deliverer wakes. */
  private async writeQueuing<T>(work: (q: Query) => Promise<{ value: T; queued: number }>): Promise<T> {
    const { value, queued } = await this.session.write(work);
    if (queued > 0) for (const listener of this.noticeListeners) listener();
    return value;
  }

  /** Queues `queued` in `lane` (none: no statement); returns how many were given. */
  private async queue(
    q: Query,
    lane: string,
    queued: Parameters<typeof notices.queueNotices>[4] = [],
  ): Promise<number> {
    await notices.queueNotices(q, this.server, this.now(), lane, queued);
    return queued.length;
  }

  /** The requests a read of `doc` rows finds, in its order. */
  private docs(sql: string, params?: unknown[]): Promise<DeletionRequest[]> {
    return this.session.read((q) => selectDocs(q, (doc) => parseRequest(this.server, doc), sql, params));
  }
}
