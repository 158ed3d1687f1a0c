import { randomUUID } from 'node:crypto';
import type { QueuedNotice, RequestNotice } from '../../src/domain/notices.js';
import { bumpFailed, nextDueAt, NoticeLanes, owedIn } from '../../src/store/lowdb/notice-lanes.js';
import type { DeletionRequest } from '../../src/domain/request.js';
import { StoreError } from '../../src/store/errors.js';
import { KeyedMutex } from '../../src/store/lowdb/keyed-mutex.js';
import { MemorySearches } from './memory-searches.js';
import { MemoryErasures } from './memory-erasures.js';
import {
  CHANNEL_LANE,
  countsAgainstQuota,
  isFinished,
  marksMonthSpent,
  type ChangeFn,
  type MonthChange,
  type MonthUsage,
  type ClaimedNotice,
  type NoticeFailure,
  type NoticeRef,
  type OwedNotice,
  type QuotaKey,
  type RequestStore,
} from '../../src/store/port.js';
import type { MonthState } from '../../src/store/schemas.js';

/** What a memory store holds; `reopen()` hands it to a new store, as a restart reads the same files. */
export interface MemoryData {
  requests: Map<string, { request: DeletionRequest; notices: QueuedNotice[]; nextSeq: number }>;
  /** `accountId month` → state. */
  months: Map<string, MonthState>;
  channel: { notices: QueuedNotice[]; nextSeq: number };
  lastNumber: Map<string, number>;
  /** Ids of requests `submitting`, by the replica that moved them there. */
  submittingBy: Map<string, string>;
  /** Person searches (kept across reopen, as files and rows are). */
  searches?: MemorySearches;
  /** Intake erasures (kept across reopen). */
  erasures?: MemoryErasures;
}

export interface MemoryStoreOptions {
  now?: () => Date;
  /** Data of a store that "stopped": the new one starts from it (another replica id, so orphans show). */
  data?: MemoryData;
}

const NEW_ID = /^DR-(\d{4}-\d{2})-\d{4,}$/;
const MONTH = /^\d{4}-\d{2}$/;

/**
 * An in-memory RequestStore for service tests: the same rules as the file and PostgreSQL stores (the
 * contract suite proves it), no disk, no database, so a rule is tested in milliseconds.
 *
 * - Reads return copies, changes get copies; a change that throws changes nothing.
 * - Changes are serialised per request, and (with `quota`) per account and month, with the file store's
 *   KeyedMutex.
 * - `failWrites(n)` makes the next `n` writes reject with StoreError 'STORE_WRITE_FAILED' (a full disk).
 */
export class MemoryStore implements RequestStore {
  readonly replicaId = randomUUID();
  readonly data: MemoryData;
  private readonly now: () => Date;
  private readonly mutex = new KeyedMutex();
  /** Claims, collapse and queueing as the file store keeps them (one implementation of those rules). */
  private readonly lanesOf: NoticeLanes;
  private readonly listeners: (() => void)[] = [];
  private failing = 0;
  private writesFailing = false;
  private closed = false;
  readonly searches: MemorySearches;
  readonly erasures: MemoryErasures;

  constructor(options: MemoryStoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.lanesOf = new NoticeLanes(this.now);
    this.data = options.data ?? {
      requests: new Map(),
      months: new Map(),
      channel: { notices: [], nextSeq: 1 },
      lastNumber: new Map(),
      submittingBy: new Map(),
    };
    this.data.searches ??= new MemorySearches();
    this.searches = this.data.searches;
    this.data.erasures ??= new MemoryErasures();
    this.erasures = this.data.erasures;
  }

  /** The next `count` writes fail as a full disk would (nothing is changed). */
  failWrites(count = 1): void {
    this.failing = count;
  }

  /** A new store over the same data, as after a restart (this one is closed). */
  async reopen(): Promise<MemoryStore> {
    await this.close();
    return new MemoryStore({ now: this.now, data: this.data });
  }

  healthy(): boolean {
    return !this.writesFailing;
  }

  async get(id: string): Promise<DeletionRequest | undefined> {
    const entry = this.data.requests.get(id);
    return entry ? structuredClone(entry.request) : undefined;
  }

  async findByLpRequestId(lpRequestId: string): Promise<DeletionRequest | undefined> {
    for (const { request } of this.data.requests.values()) {
      if (request.lpRecord?.requestId === lpRequestId) return structuredClone(request);
    }
    return undefined;
  }

  async listOpen(): Promise<DeletionRequest[]> {
    return this.all().filter((r) => !isFinished(r));
  }

  async listMonth(month: string): Promise<DeletionRequest[]> {
    return this.all().filter((r) => monthOf(r.id) === month);
  }

  async months(): Promise<string[]> {
    const months = new Set<string>();
    for (const id of this.data.requests.keys()) {
      const month = monthOf(id);
      if (month) months.add(month);
    }
    return [...months].sort();
  }

  async create(
    month: string,
    build: (id: string) => DeletionRequest,
    notices: RequestNotice[] = [],
  ): Promise<DeletionRequest> {
    this.writable();
    if (!MONTH.test(month)) throw new Error(`not a month: ${month}`);
    return this.mutex.run([`month:${month}`], async () => {
      const number = (this.data.lastNumber.get(month) ?? 0) + 1;
      const id = `DR-${month}-${String(number).padStart(4, '0')}`;
      const request = build(id);
      if (request.id !== id) throw new Error('a new request must keep the id it was given');
      this.write();
      this.data.lastNumber.set(month, number);
      const entry = { request: structuredClone(request), notices: [], nextSeq: 1 };
      this.data.requests.set(id, this.lanesOf.withNotices(id, entry, notices));
      this.track(entry.request);
      if (notices.length > 0) this.queued();
      return structuredClone(request);
    });
  }

  async update<T>(id: string, change: ChangeFn<T>, options: { quota?: QuotaKey } = {}): Promise<T> {
    const keys = [`request:${id}`];
    if (options.quota) keys.push(`quota:${options.quota.accountId}:${options.quota.month}`);
    return this.mutex.run(keys, async () => {
      const current = this.data.requests.get(id);
      const usage = options.quota ? this.usageNow(options.quota) : undefined;
      const decided = change(current ? structuredClone(current.request) : undefined, { usage });
      const notices = decided.notices ?? [];
      if (!decided.request && notices.length === 0) return decided.value;
      this.writable();
      if (decided.request && decided.request.id !== id) throw new Error('a change must keep the request id');
      const base =
        current ?? (decided.request ? { request: decided.request, notices: [], nextSeq: 1 } : undefined);
      if (!base) throw new Error(`notices for a request that does not exist: ${id}`);
      this.write();
      const next = this.lanesOf.withNotices(
        id,
        { ...base, request: structuredClone(decided.request ?? base.request) },
        notices,
      );
      this.data.requests.set(id, next);
      this.track(next.request);
      if (notices.length > 0) this.queued();
      return decided.value;
    });
  }

  async usage(key: QuotaKey): Promise<MonthUsage> {
    return this.usageNow(key);
  }

  async updateMonth<T>(key: QuotaKey, change: (month: MonthState) => MonthChange<T>): Promise<T> {
    return this.mutex.run(['months'], async () => {
      const decided = change(structuredClone(this.monthState(key)));
      const notices = decided.notices ?? [];
      if (!decided.state && notices.length === 0) return decided.value;
      this.writable();
      this.write();
      if (decided.state) this.data.months.set(monthKey(key), structuredClone(decided.state));
      const channel = this.data.channel;
      for (const notice of notices) {
        channel.notices.push(this.lanesOf.queued(channel.nextSeq, notice));
        channel.nextSeq += 1;
      }
      if (notices.length > 0) this.queued();
      return decided.value;
    });
  }

  async claimDueNotices(now: Date, limit: number, claimMs = 30_000): Promise<ClaimedNotice[]> {
    this.writable();
    return this.lanesOf.claim(this.lanes(), now, limit, claimMs, async (lane, change) =>
      this.changeNotices(lane, change),
    );
  }

  async nextNoticeDueAt(): Promise<Date | undefined> {
    return nextDueAt(this.lanes());
  }

  async noticeDelivered(
    ref: NoticeRef,
    effect?: (request: DeletionRequest) => DeletionRequest,
  ): Promise<boolean> {
    const remaining = (notices: QueuedNotice[]) => notices.filter((q) => q.seq !== ref.seq);
    return this.lanesOf.settle(ref, async () => {
      if (ref.lane === CHANNEL_LANE) return this.changeNotices(ref.lane, remaining);
      await this.mutex.run([`request:${ref.lane}`], async () => {
        const entry = this.data.requests.get(ref.lane);
        if (!entry) return;
        const request = effect ? effect(structuredClone(entry.request)) : entry.request;
        this.write();
        entry.request = structuredClone(request);
        entry.notices = remaining(entry.notices);
        this.track(entry.request);
      });
    });
  }

  async noticeFailed(ref: NoticeRef, failure: NoticeFailure): Promise<boolean> {
    const bump = bumpFailed(ref.seq, failure);
    return this.lanesOf.settle(ref, () => this.changeNotices(ref.lane, (notices) => notices.map(bump)));
  }

  /** Changes one lane's notices (one write). */
  private changeNotices(lane: string, change: (notices: QueuedNotice[]) => QueuedNotice[]): Promise<void> {
    const key = lane === CHANNEL_LANE ? 'months' : `request:${lane}`;
    return this.mutex.run([key], async () => {
      const holder = lane === CHANNEL_LANE ? this.data.channel : this.data.requests.get(lane);
      if (!holder) return;
      this.write();
      holder.notices = change(holder.notices);
    });
  }

  async owedNotices(): Promise<OwedNotice[]> {
    return owedIn(this.lanes());
  }

  onNoticesQueued(listener: () => void): void {
    this.listeners.push(listener);
  }

  async orphanedSubmissions(): Promise<DeletionRequest[]> {
    const out: DeletionRequest[] = [];
    for (const [id, replica] of this.data.submittingBy) {
      const request = this.data.requests.get(id)?.request;
      if (replica !== this.replicaId && request?.status === 'submitting') out.push(structuredClone(request));
    }
    return out;
  }

  async exclusive<T>(_name: string, work: () => Promise<T>): Promise<T> {
    return work();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.mutex.idle();
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────────────

  private all(): DeletionRequest[] {
    return [...this.data.requests.values()]
      .map((entry) => structuredClone(entry.request))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The channel lane first, then each request's lane in id order. */
  private lanes(): [string, QueuedNotice[]][] {
    const lanes: [string, QueuedNotice[]][] = [[CHANNEL_LANE, this.data.channel.notices]];
    for (const [id, entry] of this.data.requests)
      if (entry.notices.length > 0) lanes.push([id, entry.notices]);
    return lanes;
  }

  private writable(): void {
    if (this.closed) throw new StoreError('STORE_WRITE_FAILED', 'The store is closed; nothing was saved.');
  }

  /** Called just before a write changes anything: a write told to fail throws here, changing nothing. */
  private write(): void {
    if (this.failing > 0) {
      this.failing -= 1;
      this.writesFailing = true;
      throw new StoreError('STORE_WRITE_FAILED', 'The memory store was told to fail this write.');
    }
    this.writesFailing = false;
  }

  private track(request: DeletionRequest): void {
    if (request.status === 'submitting') {
      if (!this.data.submittingBy.has(request.id)) this.data.submittingBy.set(request.id, this.replicaId);
    } else this.data.submittingBy.delete(request.id);
  }

  private queued(): void {
    for (const listener of this.listeners) listener();
  }

  private monthState(key: QuotaKey): MonthState {
    return this.data.months.get(monthKey(key)) ?? { alertsSent: {} };
  }

  private usageNow(key: QuotaKey): MonthUsage {
    let used = 0;
    let spent = false;
    let pendingApprovals = 0;
    for (const { request } of this.data.requests.values()) {
      if (request.status === 'pending_approval') pendingApprovals += 1;
      if (request.accountId !== key.accountId || request.quotaMonth !== key.month) continue;
      if (countsAgainstQuota(request)) used += 1;
      if (marksMonthSpent(request)) spent = true;
    }
    const state = this.monthState(key);
    return {
      used,
      spent,
      pendingApprovals,
      ...(state.livePerson ? { livePerson: structuredClone(state.livePerson) } : {}),
      alertsSent: { ...state.alertsSent },
    };
  }
}

function monthOf(id: string): string | undefined {
  return NEW_ID.exec(id)?.[1];
}

function monthKey(key: QuotaKey): string {
  return `${key.accountId} ${key.month}`;
}
