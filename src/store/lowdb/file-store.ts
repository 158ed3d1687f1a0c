import { randomUUID } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { RequestNotice } from '../../domain/notices.js';
import type { DeletionRequest } from '../../domain/request.js';
import { errnoCode, StoreError } from '../errors.js';
import {
  CHANNEL_LANE,
  isFinished,
  type Change,
  type ChangeFn,
  type MonthChange,
  type MonthState,
  type MonthUsage,
  type NoticeRef,
  type OwedNotice,
  type QuotaKey,
  type RequestStore,
} from '../port.js';
import {
  AtomicJsonFile,
  ensureFolder,
  syncFolder,
  tightenMode,
  writeFileAtomic,
} from './atomic-json-file.js';
import { acquireFolderLock } from './folder-lock.js';
import { readFolder, readFresh, readMonthFresh } from './fresh-reads.js';
import { KeyedMutex } from './keyed-mutex.js';
import {
  archivedFile,
  byId,
  hasOldLayout,
  INDEXED_MONTHS,
  LAYOUT_FILE,
  layoutSchema,
  listJson,
  MONTH_FOLDER,
  monthFolders,
  monthOfId,
  MONTHS_FILE,
  monthsDocSchema,
  OPEN_FOLDER,
  readDocIfPresent,
  type Layout,
  type MonthsDoc,
  type RequestDoc,
} from './layout.js';
import { bumpFailed, nextDueAt, NoticeLanes, owedIn, type Lane } from './notice-lanes.js';
import { QuotaIndex } from './quota-index.js';
import { RequestNumbers } from './request-numbers.js';
import { upgradeOldLayout } from './upgrade.js';

// The folder's layout and its documents' schemas are in layout.ts; they are exported from here too.
export {
  LAYOUT_FILE,
  MONTHS_FILE,
  monthsDocSchema,
  OPEN_FOLDER,
  requestDocSchema,
  type MonthsDoc,
  type RequestDoc,
} from './layout.js';

export interface FileStoreOptions {
  /** Readers (audit, doctor): no lock, no writes, no upgrade; they work beside the running app. */
  readOnly?: boolean;
  /** The data file of the layout before this one (DATA_FILE): converted on first start. */
  legacyDataFile?: string;
  now?: () => Date;
}

/** Opens (creating or upgrading it if needed) the data folder. Throws StoreError with what to do. */
export async function openFileStore(folder: string, options: FileStoreOptions = {}): Promise<FileStore> {
  const readOnly = options.readOnly ?? false;
  let release: (() => Promise<void>) | undefined;
  if (!readOnly) {
    await ensureFolderOrExplain(folder);
    release = await acquireFolderLock(folder);
  }
  try {
    if (!readOnly) await upgradeOldLayout(folder, options.legacyDataFile);
    const store = new FileStore(folder, readOnly, release, options.now ?? (() => new Date()));
    await store.load();
    return store;
  } catch (error) {
    await release?.();
    throw error;
  }
}

async function ensureFolderOrExplain(folder: string): Promise<void> {
  try {
    await ensureFolder(folder);
    await tightenMode(folder, 0o700);
    // Can we write here at all? A probe file says so now rather than at the first request.
    await writeFileAtomic(join(folder, '.write-check'), '{}');
    await rm(join(folder, '.write-check'), { force: true });
  } catch (error) {
    throw new StoreError(
      'STORE_WRITE_FAILED',
      `lp-delete cannot write to its data folder ${folder} (${error instanceof StoreError ? error.message.replace(/^.*: /, '').replace(/\..*$/, '') : errnoCode(error)}). ` +
        'Create it and make it writable by the user running lp-delete, or set DATA_DIR to a folder that is.',
    );
  }
}

export class FileStore implements RequestStore {
  readonly replicaId = randomUUID();
  private layout!: Layout;
  private monthsDb!: Low<MonthsDoc>;
  private readonly open = new Map<string, RequestDoc>();
  private readonly index = new QuotaIndex();
  /** Allocations are serialised on the month's key. */
  private readonly numbers: RequestNumbers;
  private readonly orphans = new Set<string>();
  private readonly lanes: NoticeLanes;
  private readonly mutex = new KeyedMutex();
  private writesFailing = false;
  private readonly noticeListeners: (() => void)[] = [];
  private closed = false;

  constructor(
    readonly folder: string,
    readonly readOnly: boolean,
    private readonly release: (() => Promise<void>) | undefined,
    private readonly now: () => Date,
  ) {
    this.numbers = new RequestNumbers(folder);
    this.lanes = new NoticeLanes(now);
  }

  /** Reads store.json, months.json, every open request and the newest months' index. */
  async load(): Promise<void> {
    const layoutFile = new AtomicJsonFile(join(this.folder, LAYOUT_FILE), layoutSchema);
    const layout = await layoutFile.read();
    if (layout) this.layout = layout;
    else if (this.readOnly && (await hasOldLayout(this.folder))) {
      throw new StoreError(
        'STORE_UNREADABLE',
        `The data folder ${this.folder} still holds lp-delete 0.1's data file. Start lp-delete once (npm start): it converts the folder, then try again.`,
      );
    } else {
      this.layout = {
        version: 1,
        layout: 'file-per-request',
        createdAt: this.now().toISOString(),
        legacyIds: {},
      };
      if (!this.readOnly) await layoutFile.write(this.layout);
    }
    this.monthsDb = new Low(new AtomicJsonFile(join(this.folder, MONTHS_FILE), monthsDocSchema), {
      version: 1,
      accounts: {},
      notices: [],
      nextSeq: 1,
    });
    await this.monthsDb.read();
    for (const name of await listJson(join(this.folder, OPEN_FOLDER))) {
      // A reader may see a file the app is moving to its month: it is found there below.
      const doc = await readDocIfPresent(join(this.folder, OPEN_FOLDER, name));
      if (!doc) continue;
      this.open.set(doc.request.id, doc);
      this.index.put(doc.request);
      this.numbers.note(doc.request.id);
      if (doc.request.status === 'submitting') this.orphans.add(doc.request.id);
    }
    for (const month of (await monthFolders(this.folder)).slice(-INDEXED_MONTHS)) {
      for (const name of await listJson(join(this.folder, month))) {
        const id = name.slice(0, -'.json'.length);
        this.numbers.note(id);
        if (this.open.has(id)) continue;
        const doc = await readDocIfPresent(join(this.folder, month, name));
        if (doc) this.index.put(doc.request);
      }
    }
    // A finished request that owed nothing when the last run stopped may still sit in open/.
    if (!this.readOnly) for (const id of [...this.open.keys()]) await this.settle(id);
  }

  healthy(): boolean {
    return !this.writesFailing;
  }

  async get(id: string): Promise<DeletionRequest | undefined> {
    if (this.readOnly) return (await readFresh(this.folder, this.layout, id))?.request;
    const open = this.open.get(id);
    if (open) return structuredClone(open.request);
    const file = archivedFile(this.folder, this.layout, id);
    if (!file) return undefined;
    const doc = await readDocIfPresent(file);
    return doc?.request;
  }

  async findByLpRequestId(lpRequestId: string): Promise<DeletionRequest | undefined> {
    const id = this.index.idOfLpRequest(lpRequestId);
    return id === undefined ? undefined : this.get(id);
  }

  async listOpen(): Promise<DeletionRequest[]> {
    // A finished request stays in open/ until it owes Slack nothing and has been moved (settleSoon, after
    // the change's own write): it is no longer in play, whether or not the move has happened yet, and the
    // PostgreSQL store lists it the same way (is_open = not finished).
    if (this.readOnly) {
      return (await readFolder(this.folder, OPEN_FOLDER)).filter((r) => !isFinished(r)).sort(byId);
    }
    return [...this.open.values()]
      .filter((doc) => !isFinished(doc.request))
      .map((doc) => structuredClone(doc.request))
      .sort(byId);
  }

  async listMonth(month: string): Promise<DeletionRequest[]> {
    if (!MONTH_FOLDER.test(month)) return [];
    if (this.readOnly) return readMonthFresh(this.folder, this.layout, month);
    const found = new Map<string, DeletionRequest>();
    for (const name of await listJson(join(this.folder, month))) {
      const doc = await readDocIfPresent(join(this.folder, month, name));
      if (doc) found.set(doc.request.id, doc.request);
    }
    for (const doc of this.open.values()) {
      if (this.monthOf(doc.request.id) === month) found.set(doc.request.id, structuredClone(doc.request));
    }
    return [...found.values()].sort(byId);
  }

  async months(): Promise<string[]> {
    const months = new Set(await monthFolders(this.folder));
    for (const id of this.open.keys()) {
      const month = this.monthOf(id);
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
    if (!MONTH_FOLDER.test(month)) throw new Error(`not a month: ${month}`);
    // The number is taken under the month's lock; the write runs under the request's own, so filings
    // do not wait for each other's fsync. A write that fails leaves a gap in the numbering, nothing else.
    const id = await this.mutex.run([`month:${month}`], () => this.numbers.next(month));
    return this.mutex.run([`request:${id}`], async () => {
      const request = build(id);
      if (request.id !== id) throw new Error('a new request must keep the id it was given');
      const doc = this.lanes.withNotices({ version: 1, request, notices: [], nextSeq: 1 }, notices);
      await this.writeOpen(doc);
      if (notices.length > 0) this.noticesQueued();
      return structuredClone(request);
    });
  }

  async update<T>(id: string, change: ChangeFn<T>, options: { quota?: QuotaKey } = {}): Promise<T> {
    const keys = [`request:${id}`];
    if (options.quota) keys.push(`quota:${options.quota.accountId}:${options.quota.month}`);
    const result = await this.mutex.run(keys, async () => {
      const current = await this.currentDoc(id);
      const usage = options.quota ? this.usageNow(options.quota) : undefined;
      const decided: Change<T> = change(current ? structuredClone(current.request) : undefined, { usage });
      if (!decided.request && !decided.notices?.length) return decided;
      this.writable();
      const base =
        current ??
        (decided.request
          ? { version: 1 as const, request: decided.request, notices: [], nextSeq: 1 }
          : undefined);
      if (!base) throw new Error(`notices for a request that does not exist: ${id}`);
      if (decided.request && decided.request.id !== id) throw new Error('a change must keep the request id');
      const doc = this.lanes.withNotices(
        { ...base, request: decided.request ?? base.request },
        decided.notices ?? [],
      );
      await this.writeOpen(doc);
      return decided;
    });
    if (result.notices?.length) this.noticesQueued();
    if (result.request || result.notices?.length) void this.settleSoon(id);
    return result.value;
  }

  async usage(key: QuotaKey): Promise<MonthUsage> {
    return this.usageNow(key);
  }

  async updateMonth<T>(key: QuotaKey, change: (month: MonthState) => MonthChange<T>): Promise<T> {
    return this.mutex.run(['months'], async () => {
      const state = this.monthState(key);
      const decided = change(structuredClone(state));
      if (!decided.state && !decided.notices?.length) return decided.value;
      this.writable();
      const next = structuredClone(this.monthsDb.data);
      if (decided.state) {
        const account = (next.accounts[key.accountId] ??= {});
        account[key.month] = decided.state;
      }
      for (const notice of decided.notices ?? []) {
        next.notices.push(this.lanes.queued(next.nextSeq, notice));
        next.nextSeq += 1;
      }
      await this.writeMonths(next);
      if (decided.notices?.length) this.noticesQueued();
      return decided.value;
    });
  }

  async claimDueNotices(now: Date, limit: number, claimMs = 60_000): Promise<OwedNotice[]> {
    return this.lanes.claimDue(this.noticeLanes(), now, limit, claimMs);
  }

  async nextNoticeDueAt(): Promise<Date | undefined> {
    return nextDueAt(this.noticeLanes());
  }

  async noticeDelivered(
    ref: NoticeRef,
    effect?: (request: DeletionRequest) => DeletionRequest,
  ): Promise<void> {
    try {
      if (ref.lane === CHANNEL_LANE) {
        await this.mutex.run(['months'], async () => {
          const next = structuredClone(this.monthsDb.data);
          next.notices = next.notices.filter((q) => q.seq !== ref.seq);
          await this.writeMonths(next);
        });
        return;
      }
      await this.mutex.run([`request:${ref.lane}`], async () => {
        const doc = this.open.get(ref.lane);
        if (!doc) return;
        const request = effect ? effect(structuredClone(doc.request)) : doc.request;
        await this.writeOpen({ ...doc, request, notices: doc.notices.filter((q) => q.seq !== ref.seq) });
      });
      void this.settleSoon(ref.lane);
    } finally {
      this.lanes.unclaim(ref);
    }
  }

  async noticeFailed(ref: NoticeRef, failure: { error: string; retryAt: Date }): Promise<void> {
    const bump = bumpFailed(ref.seq, failure);
    try {
      if (ref.lane === CHANNEL_LANE) {
        await this.mutex.run(['months'], async () => {
          const next = structuredClone(this.monthsDb.data);
          next.notices = next.notices.map(bump);
          await this.writeMonths(next);
        });
        return;
      }
      await this.mutex.run([`request:${ref.lane}`], async () => {
        const doc = this.open.get(ref.lane);
        if (doc) await this.writeOpen({ ...doc, notices: doc.notices.map(bump) });
      });
    } finally {
      this.lanes.unclaim(ref);
    }
  }

  async owedNotices(): Promise<OwedNotice[]> {
    return owedIn(this.noticeLanes());
  }

  onNoticesQueued(listener: () => void): void {
    this.noticeListeners.push(listener);
  }

  async orphanedSubmissions(): Promise<DeletionRequest[]> {
    const out: DeletionRequest[] = [];
    for (const id of this.orphans) {
      const doc = this.open.get(id);
      if (doc?.request.status === 'submitting') out.push(structuredClone(doc.request));
    }
    return out;
  }

  async exclusive<T>(_name: string, work: () => Promise<T>): Promise<T> {
    return work();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.mutex.idle();
    await this.release?.();
  }

  /** The month folder of a request id: from the id itself, or for older ids from store.json. */
  monthOf(id: string): string | undefined {
    return monthOfId(this.layout, id);
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────────

  private noticesQueued(): void {
    for (const listener of this.noticeListeners) listener();
  }

  /** The channel's lane (in months.json) first, then each open request's. */
  private *noticeLanes(): Iterable<Lane> {
    yield [CHANNEL_LANE, this.monthsDb.data.notices];
    for (const [id, doc] of this.open) yield [id, doc.notices];
  }

  private writable(): void {
    if (this.readOnly) {
      throw new StoreError('STORE_READ_ONLY', 'This copy of the store was opened to read only.');
    }
    if (this.closed) throw new StoreError('STORE_WRITE_FAILED', 'lp-delete is stopping; nothing was saved.');
  }

  private usageNow(key: QuotaKey): MonthUsage {
    return this.index.usage(key, this.monthState(key));
  }

  private monthState(key: QuotaKey): MonthState & { spentAt?: string } {
    return this.monthsDb.data.accounts[key.accountId]?.[key.month] ?? { alertsSent: {} };
  }

  /** The request's document wherever it is: open/ in memory, or its month's folder on disk. */
  private async currentDoc(id: string): Promise<RequestDoc | undefined> {
    const open = this.open.get(id);
    if (open) return open;
    const file = archivedFile(this.folder, this.layout, id);
    return file ? readDocIfPresent(file) : undefined;
  }

  /** Saves a request's document in open/ (a finished one moves back there until it owes nothing). */
  private async writeOpen(doc: RequestDoc): Promise<void> {
    const file = join(this.folder, OPEN_FOLDER, `${doc.request.id}.json`);
    await this.tracked(() => writeFileAtomic(file, JSON.stringify(doc)));
    const wasArchived = !this.open.has(doc.request.id);
    this.open.set(doc.request.id, doc);
    this.index.put(doc.request);
    if (wasArchived) {
      // open/ wins when both exist (a crash right here), so removing the old copy can wait or fail.
      const old = archivedFile(this.folder, this.layout, doc.request.id);
      if (old) await rm(old, { force: true }).catch(() => undefined);
    }
  }

  private async writeMonths(next: MonthsDoc): Promise<void> {
    await this.tracked(() => this.monthsDb.adapter.write(next));
    this.monthsDb.data = next;
  }

  private async tracked(write: () => Promise<void>): Promise<void> {
    try {
      await write();
      this.writesFailing = false;
    } catch (error) {
      this.writesFailing = true;
      throw error;
    }
  }

  private settleSoon(id: string): Promise<void> {
    return this.mutex.run([`request:${id}`], () => this.settle(id)).catch(() => undefined); // stays in open/ and is tried again at the next change or start
  }

  /** Moves a finished request that owes Slack nothing from open/ to its month's folder (one rename). */
  private async settle(id: string): Promise<void> {
    const doc = this.open.get(id);
    const month = this.monthOf(id);
    if (this.readOnly || !doc || !month || doc.notices.length > 0 || !isFinished(doc.request)) return;
    const from = join(this.folder, OPEN_FOLDER, `${id}.json`);
    const folder = join(this.folder, month);
    await ensureFolder(folder);
    await rename(from, join(folder, `${id}.json`));
    await syncFolder(folder);
    await syncFolder(join(this.folder, OPEN_FOLDER));
    this.open.delete(id);
    this.orphans.delete(id);
  }
}
