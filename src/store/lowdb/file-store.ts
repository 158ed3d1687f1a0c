import { randomUUID } from 'node:crypto';
import type { QueuedNotice, RequestNotice } from '../../domain/notices.js';
import type { DeletionRequest } from '../../domain/request.js';
import { StoreError } from '../errors.js';
import {
  CHANNEL_LANE,
  DEFAULT_CLAIM_MS,
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
import { ensureWritableFolder } from './atomic-json-file.js';
import { acquireFolderLock, type FolderLock, type FolderLockOptions } from './folder-lock.js';
import { readFresh, readMonthFresh, readOpenFresh } from './fresh-reads.js';
import { KeyedMutex } from './keyed-mutex.js';
import { loadLayout, MONTH_FOLDER, newDoc } from './layout.js';
import { MonthsFile } from './months-file.js';
import { bumpFailed, nextDueAt, NoticeLanes, owedIn, type Lane } from './notice-lanes.js';
import { RequestFiles } from './request-files.js';
import { SearchFiles } from './search-files.js';
import { ErasureFiles } from './erasure-files.js';
import { WriteHealth } from './write-health.js';

type NoticesChange = (notices: QueuedNotice[]) => QueuedNotice[];
type RequestEffect = (request: DeletionRequest) => DeletionRequest;
export interface FileStoreOptions {
  /** Readers (audit, doctor): no lock, no writes; they work beside the running app. */
  readOnly?: boolean;
  now?: () => Date;
  lock?: FolderLockOptions; // staleness time; who is told when another instance took the folder over
}

/** Opens (creating it if needed) the data folder. Throws StoreError with what to do. */
export async function openFileStore(folder: string, options: FileStoreOptions = {}): Promise<FileStore> {
  const readOnly = options.readOnly ?? false;
  let lock: FolderLock | undefined;
  if (!readOnly) {
    await ensureWritableFolder(folder);
    lock = await acquireFolderLock(folder, options.lock);
  }
  try {
    const store = new FileStore(folder, readOnly, lock, options.now ?? (() => new Date()));
    await store.load();
    return store;
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

/**
 * The RequestStore on a data folder (layout.ts), for one app at a time; changes are serialised by keyed
 * locks. Requests are kept by RequestFiles, months.json by MonthsFile, notice claims by NoticeLanes.
 */
export class FileStore implements RequestStore {
  readonly replicaId = randomUUID();
  private files!: RequestFiles;
  private monthsFile!: MonthsFile;
  private readonly lanes: NoticeLanes;
  private readonly health = new WriteHealth(() => this.lock?.assertHeld() ?? Promise.resolve());
  private readonly mutex = new KeyedMutex();
  private readonly noticeListeners: (() => void)[] = [];
  private closed = false;
  readonly searches: SearchFiles;
  readonly erasures: ErasureFiles;

  constructor(
    readonly folder: string,
    readonly readOnly: boolean,
    private readonly lock: FolderLock | undefined,
    private readonly now: () => Date,
  ) {
    this.lanes = new NoticeLanes(now);
    const store = { health: this.health, mutex: this.mutex, writable: () => this.writable() };
    this.searches = new SearchFiles(folder, store);
    this.erasures = new ErasureFiles(folder, store);
  }

  /** Reads store.json, months.json, every open request and the newest months' index. */
  async load(): Promise<void> {
    await loadLayout(this.folder, this.readOnly, this.now);
    this.monthsFile = await MonthsFile.open(this.folder, this.health);
    this.files = new RequestFiles(this.folder, this.health);
    await this.files.load(!this.readOnly);
    if (!this.readOnly) await Promise.all([this.searches.load(), this.erasures.load()]);
  }

  healthy(): boolean {
    return this.health.healthy();
  }

  async get(id: string): Promise<DeletionRequest | undefined> {
    if (this.readOnly) return (await readFresh(this.folder, id))?.request;
    return this.files.get(id);
  }

  async findByLpRequestId(lpRequestId: string): Promise<DeletionRequest | undefined> {
    const id = this.files.index.idOfLpRequest(lpRequestId);
    return id === undefined ? undefined : this.get(id);
  }

  async listOpen(): Promise<DeletionRequest[]> {
    // Finished requests stay in open/ until they owe Slack nothing (settleSoon); not in play either way.
    if (this.readOnly) return readOpenFresh(this.folder);
    return this.files.listOpen();
  }

  async listMonth(month: string): Promise<DeletionRequest[]> {
    if (!MONTH_FOLDER.test(month)) return [];
    if (this.readOnly) return readMonthFresh(this.folder, month);
    return this.files.listMonth(month);
  }

  async months(): Promise<string[]> {
    return this.files.months();
  }

  async create(
    month: string,
    build: (id: string) => DeletionRequest,
    notices: RequestNotice[] = [],
  ): Promise<DeletionRequest> {
    this.writable();
    if (!MONTH_FOLDER.test(month)) throw new Error(`not a month: ${month}`);
    // Numbered under the month's lock, written under the request's (filings never wait on another's fsync);
    // a write that fails leaves a gap in the numbering, nothing else.
    const id = await this.mutex.run([`month:${month}`], () => this.files.numbers.next(month));
    return this.mutex.run([`request:${id}`], async () => {
      const request = build(id);
      if (request.id !== id) throw new Error('a new request must keep the id it was given');
      const doc = this.lanes.withNotices(id, newDoc(request), notices);
      await this.files.write(doc, true);
      if (notices.length > 0) this.noticesQueued();
      return structuredClone(request);
    });
  }

  async update<T>(id: string, change: ChangeFn<T>, options: { quota?: QuotaKey } = {}): Promise<T> {
    const keys = [`request:${id}`];
    if (options.quota) keys.push(`quota:${options.quota.accountId}:${options.quota.month}`);
    const result = await this.mutex.run(keys, async () => {
      const current = await this.files.current(id);
      const quota = options.quota;
      const usage = quota ? this.files.index.usage(quota, this.monthsFile.state(quota)) : undefined;
      const decided = change(current ? structuredClone(current.request) : undefined, { usage });
      if (!decided.request && !decided.notices?.length) return decided;
      this.writable();
      const base = current ?? (decided.request ? newDoc(decided.request) : undefined);
      if (!base) throw new Error(`notices for a request that does not exist: ${id}`);
      if (decided.request && decided.request.id !== id) throw new Error('a change must keep the request id');
      const doc = this.lanes.withNotices(
        id,
        { ...base, request: decided.request ?? base.request },
        decided.notices ?? [],
      );
      await this.files.write(doc);
      return decided;
    });
    if (result.notices?.length) this.noticesQueued();
    if (result.request || result.notices?.length) void this.settleSoon(id);
    return result.value;
  }

  async usage(key: QuotaKey): Promise<MonthUsage> {
    return this.files.index.usage(key, this.monthsFile.state(key));
  }

  async updateMonth<T>(key: QuotaKey, change: (month: MonthState) => MonthChange<T>): Promise<T> {
    return this.mutex.run(['months'], async () => {
      const decided = change(structuredClone(this.monthsFile.state(key)));
      if (!decided.state && !decided.notices?.length) return decided.value;
      this.writable();
      const next = this.monthsFile.draft();
      if (decided.state) {
        const account = (next.accounts[key.accountId] ??= {});
        account[key.month] = decided.state;
      }
      for (const notice of decided.notices ?? []) {
        next.notices.push(this.lanes.queued(next.nextSeq, notice));
        next.nextSeq += 1;
      }
      await this.monthsFile.write(next);
      if (decided.notices?.length) this.noticesQueued();
      return decided.value;
    });
  }

  async claimDueNotices(now: Date, limit: number, claimMs = DEFAULT_CLAIM_MS): Promise<ClaimedNotice[]> {
    this.writable();
    const mark = (lane: string, change: NoticesChange) => this.changeNotices(lane, change);
    return this.lanes.claim(this.noticeLanes(), now, limit, claimMs, mark);
  }

  async nextNoticeDueAt(): Promise<Date | undefined> {
    return nextDueAt(this.noticeLanes());
  }

  async noticeDelivered(ref: NoticeRef, effect?: RequestEffect): Promise<boolean> {
    const remaining = (notices: QueuedNotice[]) => notices.filter((q) => q.seq !== ref.seq);
    const settled = await this.lanes.settle(ref, () => this.changeNotices(ref.lane, remaining, effect));
    if (settled && ref.lane !== CHANNEL_LANE) void this.settleSoon(ref.lane);
    return settled;
  }

  async noticeFailed(ref: NoticeRef, failure: NoticeFailure): Promise<boolean> {
    const bump = bumpFailed(ref.seq, failure);
    return this.lanes.settle(ref, () => this.changeNotices(ref.lane, (notices) => notices.map(bump)));
  }

  async owedNotices(): Promise<OwedNotice[]> {
    return owedIn(this.noticeLanes());
  }

  onNoticesQueued(listener: () => void): void {
    this.noticeListeners.push(listener);
  }

  async orphanedSubmissions(): Promise<DeletionRequest[]> {
    return this.files.orphanedSubmissions();
  }

  async exclusive<T>(_name: string, work: () => Promise<T>): Promise<T> {
    return work();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.mutex.idle();
    await this.lock?.release();
  }

  /** Changes a lane's notices: the channel's in months.json, a request's in its document (with `effect`). */
  private changeNotices(lane: string, change: NoticesChange, effect?: RequestEffect): Promise<void> {
    if (lane === CHANNEL_LANE) return this.mutex.run(['months'], () => this.monthsFile.changeNotices(change));
    return this.mutex.run([`request:${lane}`], () =>
      this.files.changeOpen(lane, (doc) => ({
        ...doc,
        request: effect ? effect(structuredClone(doc.request)) : doc.request,
        notices: change(doc.notices),
      })),
    );
  }

  private noticesQueued(): void {
    for (const listener of this.noticeListeners) listener();
  }

  /** The channel's lane (in months.json) first, then each open request's. */
  private *noticeLanes(): Iterable<Lane> {
    yield [CHANNEL_LANE, this.monthsFile.notices];
    for (const [id, doc] of this.files.open) yield [id, doc.notices];
  }

  private writable(): void {
    if (this.readOnly) {
      throw new StoreError('STORE_READ_ONLY', 'This copy of the store was opened to read only.');
    }
    if (this.closed) throw new StoreError('STORE_WRITE_FAILED', 'lp-delete is stopping; nothing was saved.');
  }

  private settleSoon(id: string): Promise<void> {
    if (this.readOnly) return Promise.resolve();
    return this.mutex.run([`request:${id}`], () => this.files.settle(id)).catch(() => undefined); // stays in open/ and is tried again at the next change or start
  }
}
