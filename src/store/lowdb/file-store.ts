import { randomUUID } from 'node:crypto';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import {
  collapses,
  queuedNoticeSchema,
  type QueuedNotice,
  type RequestNotice,
} from '../../domain/notices.js';
import { deletionRequestSchema, type DeletionRequest } from '../../domain/request.js';
import { errnoCode, StoreError } from '../errors.js';
import {
  CHANNEL_LANE,
  countsAgainstQuota,
  isFinished,
  marksMonthSpent,
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
  parseDocument,
  syncFolder,
  tightenMode,
  unreadable,
  writeFileAtomic,
} from './atomic-json-file.js';
import { acquireFolderLock } from './folder-lock.js';
import { KeyedMutex } from './keyed-mutex.js';
import { OLD_DATA_FILE, upgradeOldLayout } from './upgrade.js';

/*
 * The data folder (DATA_DIR), every file owner-only (0600) in owner-only folders (0700):
 *
 *   store.json                  what this folder is (layout version; ids of requests from before it)
 *   months.json                 per account and month: LivePerson's count at the last sync, quota alerts
 *                               sent; notices about no single request (quota alerts) waiting for Slack
 *   open/DR-2026-12-0042.json   a request still in play, with the Slack notices it still owes
 *   2026-12/DR-2026-12-0042.json  a finished request (rejected, failed, expired, cancelled, done)
 *   lp-delete.lock              held by the one app that writes here
 *
 * One small file per request keeps the cost of a write independent of history: a change rewrites that
 * request's file (with its notices: state and notices are saved together) and nothing else. A request
 * that is finished and owes Slack nothing is moved from open/ to its month's folder with one rename, so
 * open/ stays small; a later change to it (a refused click, a status check) brings it back to open/ first.
 * Every file is replaced atomically (see writeFileAtomic), so a copy of the folder taken while the app
 * runs is a consistent backup. Reads return copies.
 */

export const LAYOUT_FILE = 'store.json';
export const MONTHS_FILE = 'months.json';
export const OPEN_FOLDER = 'open';

const NEW_ID = /^DR-(\d{4}-\d{2})-(\d{4,})$/;
const MONTH_FOLDER = /^\d{4}-\d{2}$/;
/** Month folders (newest first) read at start-up for the quota counts: a request counts in the month it
 * was approved, at most an approval's lifetime after it was filed. */
const INDEXED_MONTHS = 3;

const layoutSchema = z.object({
  version: z.literal(1),
  layout: z.literal('file-per-request'),
  createdAt: z.string(),
  /** Ids from the layout before this one (`DR-7K3QX9`) → the month folder that holds them. */
  legacyIds: z.record(z.string(), z.string()),
});
type Layout = z.infer<typeof layoutSchema>;

export const requestDocSchema = z.object({
  version: z.literal(1),
  request: deletionRequestSchema,
  notices: z.array(queuedNoticeSchema),
  nextSeq: z.number().int().min(1),
});
export type RequestDoc = z.infer<typeof requestDocSchema>;

const monthStateSchema = z.object({
  livePerson: z
    .object({ total: z.number().int().min(0), external: z.number().int().min(0), syncedAt: z.string() })
    .optional(),
  alertsSent: z.record(z.string(), z.string()),
  /** A 429 recorded before requests carried it (upgraded data). */
  spentAt: z.string().optional(),
});

export const monthsDocSchema = z.object({
  version: z.literal(1),
  accounts: z.record(z.string(), z.record(z.string(), monthStateSchema)),
  notices: z.array(queuedNoticeSchema),
  nextSeq: z.number().int().min(1),
});
export type MonthsDoc = z.infer<typeof monthsDocSchema>;

interface IndexEntry {
  accountId: string;
  quotaMonth?: string;
  counts: boolean;
  spent: boolean;
  pending: boolean;
  lpRequestId?: string;
}

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
  private readonly index = new Map<string, IndexEntry>();
  /** Highest number used per month (allocations are serialised on the month's key). */
  private readonly lastNumber = new Map<string, number>();
  private readonly orphans = new Set<string>();
  /** lane → seq of the notice being delivered, and until when the claim holds. */
  private readonly claims = new Map<string, { seq: number; until: number }>();
  private readonly mutex = new KeyedMutex();
  private writesFailing = false;
  private readonly noticeListeners: (() => void)[] = [];
  private closed = false;

  constructor(
    readonly folder: string,
    readonly readOnly: boolean,
    private readonly release: (() => Promise<void>) | undefined,
    private readonly now: () => Date,
  ) {}

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
      const doc = await this.readDocIfPresent(join(this.folder, OPEN_FOLDER, name));
      if (!doc) continue;
      this.open.set(doc.request.id, doc);
      this.indexRequest(doc.request);
      this.noteNumber(doc.request.id);
      if (doc.request.status === 'submitting') this.orphans.add(doc.request.id);
    }
    const monthFolders = await this.monthFolders();
    for (const month of monthFolders.slice(-INDEXED_MONTHS)) {
      for (const name of await listJson(join(this.folder, month))) {
        const id = name.slice(0, -'.json'.length);
        this.noteNumber(id);
        if (this.open.has(id)) continue;
        const doc = await this.readDocIfPresent(join(this.folder, month, name));
        if (doc) this.indexRequest(doc.request);
      }
    }
    // A finished request that owed nothing when the last run stopped may still sit in open/.
    if (!this.readOnly) for (const id of [...this.open.keys()]) await this.settle(id);
  }

  healthy(): boolean {
    return !this.writesFailing;
  }

  async get(id: string): Promise<DeletionRequest | undefined> {
    if (this.readOnly) return (await this.readFresh(id))?.request;
    const open = this.open.get(id);
    if (open) return structuredClone(open.request);
    const file = this.archivedFile(id);
    if (!file) return undefined;
    const doc = await this.readDocIfPresent(file);
    return doc?.request;
  }

  async findByLpRequestId(lpRequestId: string): Promise<DeletionRequest | undefined> {
    for (const [id, entry] of this.index) {
      if (entry.lpRequestId === lpRequestId) return this.get(id);
    }
    return undefined;
  }

  async listOpen(): Promise<DeletionRequest[]> {
    // A finished request stays in open/ until it owes Slack nothing and has been moved (settleSoon, after
    // the change's own write): it is no longer in play, whether or not the move has happened yet, and the
    // PostgreSQL store lists it the same way (is_open = not finished).
    if (this.readOnly) return (await this.readFolder(OPEN_FOLDER)).filter((r) => !isFinished(r)).sort(byId);
    return [...this.open.values()]
      .filter((doc) => !isFinished(doc.request))
      .map((doc) => structuredClone(doc.request))
      .sort(byId);
  }

  async listMonth(month: string): Promise<DeletionRequest[]> {
    if (!MONTH_FOLDER.test(month)) return [];
    const found = new Map<string, DeletionRequest>();
    if (this.readOnly) {
      // The app may move a request between open/ and its month while we read: open/, the month, open/
      // again catches it on whichever side it is.
      const put = (r: DeletionRequest) => {
        if (this.monthOf(r.id) === month) found.set(r.id, r);
      };
      (await this.readFolder(OPEN_FOLDER)).forEach(put);
      (await this.readFolder(month)).forEach(put);
      (await this.readFolder(OPEN_FOLDER)).forEach(put);
      return [...found.values()].sort(byId);
    }
    for (const name of await listJson(join(this.folder, month))) {
      const doc = await this.readDocIfPresent(join(this.folder, month, name));
      if (doc) found.set(doc.request.id, doc.request);
    }
    for (const doc of this.open.values()) {
      if (this.monthOf(doc.request.id) === month) found.set(doc.request.id, structuredClone(doc.request));
    }
    return [...found.values()].sort(byId);
  }

  async months(): Promise<string[]> {
    const months = new Set(await this.monthFolders());
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
    const id = await this.mutex.run([`month:${month}`], async () => {
      await this.knowNumbers(month);
      const number = (this.lastNumber.get(month) ?? 0) + 1;
      this.lastNumber.set(month, number);
      return `DR-${month}-${String(number).padStart(4, '0')}`;
    });
    return this.mutex.run([`request:${id}`], async () => {
      const request = build(id);
      if (request.id !== id) throw new Error('a new request must keep the id it was given');
      const doc = this.withNotices({ version: 1, request, notices: [], nextSeq: 1 }, notices);
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
      const doc = this.withNotices(
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
        next.notices.push(this.queued(next.nextSeq, notice));
        next.nextSeq += 1;
      }
      await this.writeMonths(next);
      if (decided.notices?.length) this.noticesQueued();
      return decided.value;
    });
  }

  async claimDueNotices(now: Date, limit: number, claimMs = 60_000): Promise<OwedNotice[]> {
    const out: OwedNotice[] = [];
    const at = now.getTime();
    const lanes: [string, QueuedNotice[]][] = [[CHANNEL_LANE, this.monthsDb.data.notices]];
    for (const [id, doc] of this.open) if (doc.notices.length > 0) lanes.push([id, doc.notices]);
    for (const [lane, notices] of lanes) {
      if (out.length >= limit) break;
      const head = notices[0];
      if (!head || Date.parse(head.nextAttemptAt) > at) continue;
      const claim = this.claims.get(lane);
      if (claim && claim.until > at) continue;
      this.claims.set(lane, { seq: head.seq, until: at + claimMs });
      out.push({ ...structuredClone(head), lane });
    }
    return out;
  }

  async nextNoticeDueAt(): Promise<Date | undefined> {
    let next: number | undefined;
    const consider = (q: QueuedNotice | undefined) => {
      if (!q) return;
      const t = Date.parse(q.nextAttemptAt);
      if (next === undefined || t < next) next = t;
    };
    consider(this.monthsDb.data.notices[0]);
    for (const doc of this.open.values()) consider(doc.notices[0]);
    return next === undefined ? undefined : new Date(next);
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
      this.unclaim(ref);
    }
  }

  async noticeFailed(ref: NoticeRef, failure: { error: string; retryAt: Date }): Promise<void> {
    const bump = (q: QueuedNotice): QueuedNotice =>
      q.seq === ref.seq
        ? {
            ...q,
            attempts: q.attempts + 1,
            nextAttemptAt: failure.retryAt.toISOString(),
            lastError: failure.error,
          }
        : q;
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
      this.unclaim(ref);
    }
  }

  async owedNotices(): Promise<OwedNotice[]> {
    const out: OwedNotice[] = this.monthsDb.data.notices.map((q) => ({
      ...structuredClone(q),
      lane: CHANNEL_LANE,
    }));
    for (const [id, doc] of this.open)
      for (const q of doc.notices) out.push({ ...structuredClone(q), lane: id });
    return out;
  }

  onNoticesQueued(listener: () => void): void {
    this.noticeListeners.push(listener);
  }

  private noticesQueued(): void {
    for (const listener of this.noticeListeners) listener();
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

  // ── internals ────────────────────────────────────────────────────────────────────────────────────

  private writable(): void {
    if (this.readOnly) {
      throw new StoreError('STORE_READ_ONLY', 'This copy of the store was opened to read only.');
    }
    if (this.closed) throw new StoreError('STORE_WRITE_FAILED', 'lp-delete is stopping; nothing was saved.');
  }

  private usageNow(key: QuotaKey): MonthUsage {
    let used = 0;
    let spent = false;
    let pendingApprovals = 0;
    for (const entry of this.index.values()) {
      if (entry.pending) pendingApprovals += 1;
      if (entry.accountId !== key.accountId || entry.quotaMonth !== key.month) continue;
      if (entry.counts) used += 1;
      if (entry.spent) spent = true;
    }
    const state = this.monthState(key);
    return {
      used,
      spent: spent || state.spentAt !== undefined,
      pendingApprovals,
      ...(state.livePerson ? { livePerson: state.livePerson } : {}),
      alertsSent: state.alertsSent,
    };
  }

  private monthState(key: QuotaKey): MonthState & { spentAt?: string } {
    return this.monthsDb.data.accounts[key.accountId]?.[key.month] ?? { alertsSent: {} };
  }

  private withNotices(doc: RequestDoc, notices: readonly RequestNotice[]): RequestDoc {
    const out = { ...doc, notices: [...doc.notices] };
    const claim = this.claims.get(doc.request.id);
    for (const notice of notices) {
      // A re-render waiting (not being delivered right now) will show the latest state anyway.
      const waiting = out.notices.filter((q) => q.seq !== claim?.seq);
      if (collapses(waiting, notice)) continue;
      out.notices.push(this.queued(out.nextSeq, notice));
      out.nextSeq += 1;
    }
    return out;
  }

  private queued(seq: number, notice: QueuedNotice['notice']): QueuedNotice {
    const at = this.now().toISOString();
    // Due at once, whatever clock the deliverer keeps (tests run the app on a clock of their own).
    return { seq, notice, queuedAt: at, attempts: 0, nextAttemptAt: new Date(0).toISOString() };
  }

  private unclaim(ref: NoticeRef): void {
    if (this.claims.get(ref.lane)?.seq === ref.seq) this.claims.delete(ref.lane);
  }

  /** The request's document wherever it is: open/ in memory, or its month's folder on disk. */
  private async currentDoc(id: string): Promise<RequestDoc | undefined> {
    const open = this.open.get(id);
    if (open) return open;
    const file = this.archivedFile(id);
    return file ? this.readDocIfPresent(file) : undefined;
  }

  /** Saves a request's document in open/ (a finished one moves back there until it owes nothing). */
  private async writeOpen(doc: RequestDoc): Promise<void> {
    const file = join(this.folder, OPEN_FOLDER, `${doc.request.id}.json`);
    await this.tracked(() => writeFileAtomic(file, JSON.stringify(doc)));
    const wasArchived = !this.open.has(doc.request.id);
    this.open.set(doc.request.id, doc);
    this.indexRequest(doc.request);
    if (wasArchived) {
      // open/ wins when both exist (a crash right here), so removing the old copy can wait or fail.
      const old = this.archivedFile(doc.request.id);
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

  private indexRequest(request: DeletionRequest): void {
    this.index.set(request.id, {
      accountId: request.accountId,
      quotaMonth: request.quotaMonth,
      counts: countsAgainstQuota(request),
      spent: marksMonthSpent(request),
      pending: request.status === 'pending_approval',
      lpRequestId: request.lpRecord?.requestId,
    });
  }

  /** The month folder of a request id: from the id itself, or for older ids from store.json. */
  monthOf(id: string): string | undefined {
    return NEW_ID.exec(id)?.[1] ?? this.layout.legacyIds[id];
  }

  private archivedFile(id: string): string | undefined {
    const month = this.monthOf(id);
    if (!month || !/^DR-[0-9A-Za-z-]+$/.test(id)) return undefined;
    return join(this.folder, month, `${id}.json`);
  }

  private noteNumber(id: string): void {
    const match = NEW_ID.exec(id);
    if (!match?.[1] || !match[2]) return;
    const n = Number(match[2]);
    if (n > (this.lastNumber.get(match[1]) ?? 0)) this.lastNumber.set(match[1], n);
  }

  /** Numbers already used in a month folder not read at start-up (a request filed for an old month). */
  private async knowNumbers(month: string): Promise<void> {
    if (this.lastNumber.has(month)) return;
    for (const name of await listJson(join(this.folder, month))) this.noteNumber(name.slice(0, -5));
    if (!this.lastNumber.has(month)) this.lastNumber.set(month, 0);
  }

  private async monthFolders(): Promise<string[]> {
    try {
      const entries = await readdir(this.folder, { withFileTypes: true });
      return entries
        .filter((e) => e.isDirectory() && MONTH_FOLDER.test(e.name))
        .map((e) => e.name)
        .sort();
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return [];
      throw unreadable(this.folder, `it could not be listed (${errnoCode(error)})`);
    }
  }

  private async readFolder(folder: string): Promise<DeletionRequest[]> {
    const out: DeletionRequest[] = [];
    for (const name of await listJson(join(this.folder, folder))) {
      const doc = await this.readDocIfPresent(join(this.folder, folder, name));
      if (doc) out.push(doc.request);
    }
    return out;
  }

  /** A reader's look-up: open/, its month, then open/ again (it may be moving while we look). */
  private async readFresh(id: string): Promise<RequestDoc | undefined> {
    const month = this.monthOf(id);
    if (!month || !/^DR-[0-9A-Za-z-]+$/.test(id)) return undefined;
    const inOpen = join(this.folder, OPEN_FOLDER, `${id}.json`);
    return (
      (await this.readDocIfPresent(inOpen)) ??
      (await this.readDocIfPresent(join(this.folder, month, `${id}.json`))) ??
      (await this.readDocIfPresent(inOpen))
    );
  }

  private async readDocIfPresent(file: string): Promise<RequestDoc | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw unreadable(file, `it could not be read (${errnoCode(error)})`);
    }
    return parseDocument(file, text, requestDocSchema);
  }
}

async function hasOldLayout(folder: string): Promise<boolean> {
  try {
    return (await readdir(folder)).includes(OLD_DATA_FILE);
  } catch {
    return false;
  }
}

async function listJson(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder)).filter((n) => n.endsWith('.json') && n.startsWith('DR-')).sort();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw unreadable(folder, `it could not be listed (${errnoCode(error)})`);
  }
}

function byId(a: DeletionRequest, b: DeletionRequest): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
