/**
 * The request repository, and how it stays cheap as history grows (see docs/benchmarks.md).
 *
 * Files, all owner-only (0600) in an owner-only folder:
 * - `<file>`: a snapshot of the hot data: every request still in play or created in the current or the
 *   previous calendar month (`hotMonths`), the quota, the list of archives (each with its size and
 *   SHA-256) and the sequence number of the last change it holds. The previous snapshot is kept as `<file>.bak`.
 * - `<file>.journal.<n>`: append-only lines, one per committed batch of transactions, holding only the
 *   requests that batch changed (and the quota when it changed). A write is one append + fsync, so its
 *   cost does not depend on how many requests are stored.
 * - `<file>.archive/<yyyy-mm>.<n>.json`: finished requests (not pending, not submitting) created before
 *   the hot months, one file per month. Never read at start-up (only checked to exist with the expected
 *   size); read, hash-checked and validated by `allRequests()`.
 *
 * Transactions: `transact(change)` calls are serialised and run one after another on a draft in which
 * requests are copied only when the change touches them (`draft.requests` is a proxy; use `requestsIn`
 * to count without copying). Changes queued while a write is in flight are committed together with
 * one append and one fsync (group commit); each still sees the ones before it, and none is visible to
 * resolved before it is on disk (readers see it while it is written, as with the single-file store; a
 * failed write undoes it). A change that throws changes nothing; a failed write fails its whole batch.
 *
 * Maintenance, off the write path: when the journal outgrows the snapshot, a new snapshot is written
 * piece by piece (the event loop runs between pieces) while new changes go to a new journal file; and
 * finished requests that left the hot months are moved to their month's archive (written under a new
 * name, then committed by a journal line, so a crash leaves either the old or the new archive in force).
 *
 * Reading: the snapshot is validated with zod, then the journal is replayed (each line validated; a last
 * line cut short by a crash was never acknowledged and is ignored; a gap is refused), then the archives
 * are checked to exist with their recorded size. Anything wrong → StoreError 'STORE_UNREADABLE' naming
 * the file; nothing is overwritten.
 */
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { z } from 'zod';
import { deletionRequestSchema, type DeletionRequest, type RequestStatus } from '../domain/request.js';
import {
  archiveFolder,
  archiveManifestSchema,
  checkArchivesPresent,
  readArchive,
  writeArchive,
  type ArchiveEntry,
  type ArchiveManifest,
} from './archive.js';
import { Draft, Overlay, requestsIn } from './draft.js';
import { appendLine, journalLine, readJournal, removeSegments, segmentPath } from './journal.js';
import {
  errnoCode,
  jsonObjectPieces,
  readTextOrNull,
  StoreError,
  tightenMode,
  writeFileAtomic,
} from './json-file-adapter.js';

export { requestsIn };

const monthUsageSchema = z.object({
  /** Requests this app submitted (or reserved while submitting) in that month. */
  used: z.number().int().min(0),
  /** Set when LivePerson answered 429: the month is spent whatever our count says. */
  spentAt: z.string().optional(),
  /** LivePerson's own list of the month's requests at the last sync: all of them, and those not filed here. */
  livePerson: z
    .object({ total: z.number().int().min(0), external: z.number().int().min(0), syncedAt: z.string() })
    .optional(),
  /** Quota alert level (80, 100) → when the privacy channel was told: once per month each. */
  alertsSent: z.record(z.string(), z.string()).optional(),
});
export type MonthUsage = z.infer<typeof monthUsageSchema>;

export const storeDataSchema = z.object({
  version: z.literal(1),
  requests: z.record(z.string(), deletionRequestSchema),
  /** accountId → month (yyyy-mm in QUOTA_TIMEZONE) → usage. */
  quota: z.record(z.string(), z.record(z.string(), monthUsageSchema)),
});
export type StoreData = z.infer<typeof storeDataSchema>;

const snapshotSchema = storeDataSchema.extend({
  /** The last journal entry this snapshot holds; absent in files written before the journal existed. */
  seq: z.number().int().min(0).optional(),
  archives: archiveManifestSchema.optional(),
});

export interface StoreOptions {
  /** The clock that decides which months are hot (archiving); default: the system clock. */
  now?: () => Date;
  /**
   * Calendar months (UTC, by `createdAt`, the current one included) whose requests all stay hot; default 2:
   * the current month and the previous one, which covers LivePerson's 5-day cancel window and its 25-day
   * deletion guarantee.
   */
  hotMonths?: number;
  /** The journal is folded into a new snapshot once it exceeds this and the snapshot's size; default 8 MB. */
  compactAfterBytes?: number;
  /** Background maintenance (snapshot, archiving) failed; it is retried later and loses nothing. */
  onMaintenanceError?: (error: unknown) => void;
}

/** Requests still in play are never archived, however old. */
const IN_PLAY: ReadonlySet<RequestStatus> = new Set<RequestStatus>(['pending_approval', 'submitting']);
const ARCHIVE_CHECK_EVERY_MS = 60 * 60 * 1000;
/** At most this many transactions are committed in one journal line (bounds the work between two awaits). */
const MAX_BATCH = 64;

type Job =
  | {
      kind: 'change';
      change: (draft: StoreData) => unknown;
      resolve: (value: unknown) => void;
      reject: (error: unknown) => void;
    }
  | {
      kind: 'task';
      run: () => Promise<void>;
      resolve: (value: unknown) => void;
      reject: (error: unknown) => void;
    };

function unreadable(file: string, why: string): StoreError {
  return new StoreError(
    'STORE_UNREADABLE',
    `The data file ${file} cannot be used: ${why}. lp-delete has not changed it. ` +
      `Restore it from ${file}.bak (the last good copy) or from your backups, or point DATA_FILE ` +
      `elsewhere; only move it away if you accept losing the request history it holds.`,
  );
}

function describeIssue(error: z.ZodError): string {
  const first = error.issues[0];
  return first ? `${first.path.join('.') || '(top level)'}: ${first.message}` : 'unknown problem';
}

/** `yyyy-mm` of the month `back` months before `at` (UTC). */
function monthBefore(at: Date, back: number): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - back, 1));
  return d.toISOString().slice(0, 7);
}

export class Store {
  private meta: Record<string, unknown>;
  private metaJson: string;
  private view!: StoreData;
  private jobs: Job[] = [];
  private draining = false;
  private idleWaiters: (() => void)[] = [];
  private background: Promise<void> | null = null;
  private lastArchiveCheck = Number.NEGATIVE_INFINITY;
  private segment: string;
  private segmentBytes = 0;
  /** Journal files whose entries the next snapshot makes redundant. */
  private oldSegments: string[];
  private readonly now: () => Date;
  private readonly hotMonths: number;
  private readonly compactAfterBytes: number;

  private constructor(
    readonly file: string,
    private requests: Record<string, DeletionRequest>,
    meta: Record<string, unknown>,
    private archives: ArchiveManifest,
    private seq: number,
    private snapshotExists: boolean,
    private snapshotBytes: number,
    private journalBytes: number,
    oldSegments: string[],
    private readonly options: StoreOptions,
  ) {
    this.meta = meta;
    this.metaJson = JSON.stringify(meta);
    this.refreshView();
    this.segment = segmentPath(file, seq + 1);
    this.oldSegments = oldSegments.filter((s) => s !== this.segment);
    this.now = options.now ?? (() => new Date());
    this.hotMonths = Math.max(1, options.hotMonths ?? 2);
    this.compactAfterBytes = options.compactAfterBytes ?? 8 * 1024 * 1024;
  }

  /** Opens (or creates) the data file; throws StoreError with a clear message if it cannot be used. */
  static async open(file: string, options: StoreOptions = {}): Promise<Store> {
    let text: string | null;
    try {
      text = await readTextOrNull(file);
    } catch (error) {
      throw unreadable(file, `it could not be read (${errnoCode(error)})`);
    }
    let snapshot: z.infer<typeof snapshotSchema> = { version: 1, requests: {}, quota: {} };
    if (text !== null) {
      if (text.trim() === '')
        throw unreadable(file, 'it is empty (a previous write may have been cut short)');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw unreadable(file, 'it is not valid JSON (truncated or edited by hand?)');
      }
      const parsed = snapshotSchema.safeParse(json);
      if (!parsed.success) {
        throw unreadable(
          file,
          `its content does not match what lp-delete writes (${describeIssue(parsed.error)})`,
        );
      }
      snapshot = parsed.data;
      await tightenMode(file);
    }
    const { requests, seq: snapshotSeq, archives: snapshotArchives, ...snapshotMeta } = snapshot;
    let seq = snapshotSeq ?? 0;
    let meta: Record<string, unknown> = snapshotMeta;
    let archives = snapshotArchives ?? {};
    const journal = await readJournal(file, seq);
    if (text === null && journal.segments.length > 0) {
      throw unreadable(file, `it is missing while its journal (${journal.segments[0]}) exists`);
    }
    for (const entry of journal.entries) {
      for (const [id, request] of Object.entries(entry.requests)) {
        if (request === null) delete requests[id];
        else requests[id] = request;
      }
      if (entry.meta) meta = entry.meta;
      if (entry.archives) archives = entry.archives;
      seq = entry.seq;
    }
    if (journal.entries.length > 0) {
      const checked = storeDataSchema.safeParse({ ...meta, requests: {} });
      if (!checked.success) {
        throw unreadable(
          file,
          `its journal does not match what lp-delete writes (${describeIssue(checked.error)})`,
        );
      }
      const { requests: _none, ...checkedMeta } = checked.data;
      meta = checkedMeta;
    }
    await checkArchivesPresent(file, archives);
    const store = new Store(
      file,
      requests,
      meta,
      archives,
      seq,
      text !== null,
      text === null ? 0 : Buffer.byteLength(text),
      journal.bytes,
      journal.segments,
      options,
    );
    store.maintainSoon();
    return store;
  }

  /** The current hot data, read-only (archived requests are not in it): change it only through `transact`. */
  data(): Readonly<StoreData> {
    return this.view;
  }

  getRequest(id: string): DeletionRequest | undefined {
    return Object.hasOwn(this.requests, id) ? this.requests[id] : undefined;
  }

  /** Hot requests (in play, or created in the last `hotMonths` months); `allRequests` adds the archives. */
  listRequests(filter?: (request: DeletionRequest) => boolean): DeletionRequest[] {
    const all = Object.values(this.requests);
    return filter ? all.filter(filter) : all;
  }

  /**
   * Every request ever stored, archived ones included (for audit exports and reports), oldest archive
   * month first, then the hot ones. Each archive is checked (size, SHA-256, content) as it is read:
   * a lost or altered archive is a StoreError 'STORE_UNREADABLE' naming it.
   */
  async allRequests(): Promise<DeletionRequest[]> {
    for (let attempt = 0; ; attempt += 1) {
      const manifest = this.archives;
      const hot = this.listRequests();
      try {
        const out: DeletionRequest[] = [];
        for (const month of Object.keys(manifest).sort()) {
          out.push(...(await readArchive(this.file, month, manifest[month] as ArchiveEntry)));
        }
        return out.concat(hot);
      } catch (error) {
        // An archive superseded by a concurrent archiving round is removed once the new one is in force.
        if (attempt >= 2 || this.archives === manifest) throw error;
      }
    }
  }

  monthUsage(accountId: string, month: string): MonthUsage {
    return this.view.quota[accountId]?.[month] ?? { used: 0 };
  }

  /**
   * Runs `change` on a draft of the data and persists it before resolving. If `change` throws, or the
   * write fails, nothing changes (in memory or on disk). Returns whatever `change` returned.
   */
  transact<T>(change: (draft: StoreData) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.jobs.push({ kind: 'change', change, resolve: resolve as (value: unknown) => void, reject });
      this.startDraining();
    });
  }

  /** Resolves when every transaction queued so far has been written, and background maintenance is done. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.draining || this.jobs.length > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
      else if (this.background) await this.background;
      else return;
    }
  }

  private refreshView(): void {
    this.view = { ...this.meta, requests: this.requests } as StoreData;
  }

  private startDraining(): void {
    if (this.draining) return;
    this.draining = true;
    queueMicrotask(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (this.jobs.length > 0) {
      const first = this.jobs[0] as Job;
      if (first.kind === 'task') {
        this.jobs.shift();
        await first.run().then(first.resolve, first.reject);
        continue;
      }
      const batch: Extract<Job, { kind: 'change' }>[] = [];
      while (batch.length < MAX_BATCH && this.jobs[0]?.kind === 'change') {
        batch.push(this.jobs.shift() as Extract<Job, { kind: 'change' }>);
      }
      await this.commitBatch(batch);
    }
    this.draining = false;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Runs `run` alone in the write queue (no transaction interleaves with it). */
  private exclusive(run: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.jobs.push({ kind: 'task', run, resolve: () => resolve(), reject });
      this.startDraining();
    });
  }

  private async commitBatch(batch: Extract<Job, { kind: 'change' }>[]): Promise<void> {
    const overlay = new Overlay(this.requests, this.meta, this.metaJson);
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    for (const job of batch) {
      try {
        const draft = new Draft<StoreData>(overlay);
        const value = job.change(draft.data);
        draft.mergeInto(overlay);
        outcomes.push({ ok: true, value });
      } catch (error) {
        outcomes.push({ ok: false, error });
      }
    }
    let writeError: StoreError | undefined;
    if (overlay.changed) {
      try {
        await this.persist(overlay);
      } catch (error) {
        writeError = new StoreError(
          'STORE_WRITE_FAILED',
          `Could not write the data file ${this.file} (${errnoCode(error)}). ` +
            'Nothing was changed; check the disk and permissions, then try again.',
        );
      }
    }
    batch.forEach((job, i) => {
      const outcome = outcomes[i] as (typeof outcomes)[number];
      if (!outcome.ok) job.reject(outcome.error);
      else if (writeError) job.reject(writeError);
      else job.resolve(outcome.value);
    });
    if (!writeError) this.maintainSoon();
  }

  /**
   * Makes a batch visible and writes it (a journal line; the first write ever creates the snapshot). As
   * before the journal existed, readers see a change while it is being written; a failed write undoes it.
   */
  private async persist(overlay: Overlay): Promise<void> {
    const seq = this.seq + 1;
    const undo = new Map<string, DeletionRequest | undefined>();
    for (const [id, request] of overlay.requests) {
      undo.set(id, this.getRequest(id));
      if (request) this.requests[id] = request;
      else delete this.requests[id];
    }
    const previousMeta = { meta: this.meta, metaJson: this.metaJson };
    if (overlay.metaChanged) {
      this.meta = overlay.meta;
      this.metaJson = overlay.metaJson;
      this.refreshView();
    }
    try {
      if (!this.snapshotExists) {
        const written = await writeFileAtomic(
          this.file,
          this.snapshotPieces(seq, this.metaJson, Object.entries(this.requests), this.archives),
          { backup: false },
        );
        this.snapshotExists = true;
        this.snapshotBytes = written.bytes;
      } else {
        const line = journalLine(seq, overlay.json, overlay.metaChanged ? overlay.metaJson : undefined);
        const bytes = await appendLine(this.segment, line, this.segmentBytes);
        this.segmentBytes += bytes;
        this.journalBytes += bytes;
      }
    } catch (error) {
      for (const [id, request] of undo) {
        if (request) this.requests[id] = request;
        else delete this.requests[id];
      }
      if (overlay.metaChanged) {
        this.meta = previousMeta.meta;
        this.metaJson = previousMeta.metaJson;
        this.refreshView();
      }
      throw error;
    }
    this.seq = seq;
  }

  private *snapshotPieces(
    seq: number,
    metaJson: string,
    entries: Iterable<readonly [string, DeletionRequest]>,
    archives: ArchiveManifest,
  ): Generator<string> {
    yield metaJson === '{}' ? '{' : `${metaJson.slice(0, -1)},`;
    yield `"seq":${seq},"archives":${JSON.stringify(archives)},"requests":`;
    function* records(): Generator<readonly [string, string]> {
      for (const [id, request] of entries) yield [id, JSON.stringify(request)];
    }
    yield* jsonObjectPieces(records());
    yield '}';
  }

  /** Starts background maintenance when it is due: archiving (checked hourly) and a new snapshot. */
  private maintainSoon(): void {
    if (this.background || !this.snapshotExists) return;
    const archiveDue =
      this.now().getTime() - this.lastArchiveCheck >= ARCHIVE_CHECK_EVERY_MS && this.archivable().size > 0;
    if (this.now().getTime() - this.lastArchiveCheck >= ARCHIVE_CHECK_EVERY_MS) {
      this.lastArchiveCheck = this.now().getTime();
    }
    if (!archiveDue && !this.compactDue()) return;
    this.background = (async () => {
      try {
        if (archiveDue) await this.archiveFinished();
        if (this.compactDue()) await this.compact();
      } catch (error) {
        this.options.onMaintenanceError?.(error);
      } finally {
        this.background = null;
      }
    })();
  }

  private compactDue(): boolean {
    return this.journalBytes > Math.max(this.compactAfterBytes, this.snapshotBytes);
  }

  /** Finished requests created before the hot months, by month. */
  private archivable(): Map<string, DeletionRequest[]> {
    const cutoff = monthBefore(this.now(), this.hotMonths - 1);
    const byMonth = new Map<string, DeletionRequest[]>();
    for (const request of Object.values(this.requests)) {
      const month = request.createdAt.slice(0, 7);
      if (IN_PLAY.has(request.status) || !(month < cutoff)) continue;
      const list = byMonth.get(month);
      if (list) list.push(request);
      else byMonth.set(month, [request]);
    }
    return byMonth;
  }

  /** Moves finished requests created before the hot months into their month's archive. */
  private async archiveFinished(): Promise<void> {
    const byMonth = this.archivable();
    if (byMonth.size === 0) return;
    const written = new Map<string, ArchiveEntry>();
    const tag = this.seq;
    try {
      for (const [month, moving] of [...byMonth].sort(([a], [b]) => a.localeCompare(b))) {
        const existing = this.archives[month];
        const kept = existing ? await readArchive(this.file, month, existing) : [];
        const movingIds = new Set(moving.map((r) => r.id));
        const merged = kept.filter((r) => !movingIds.has(r.id)).concat(moving);
        written.set(month, await writeArchive(this.file, month, tag, merged));
      }
    } catch (error) {
      await this.removeArchiveFiles([...written.values()]);
      throw error;
    }
    let committed = false;
    const superseded: ArchiveEntry[] = [];
    await this.exclusive(async () => {
      // A request changed while its archive was written stays hot this round (commits replace objects).
      for (const moving of byMonth.values()) {
        if (moving.some((r) => this.requests[r.id] !== r)) return;
      }
      const archives = { ...this.archives };
      for (const [month, entry] of written) {
        const previous = archives[month];
        if (previous) superseded.push(previous);
        archives[month] = entry;
      }
      const removed = new Map<string, null>();
      for (const moving of byMonth.values()) for (const r of moving) removed.set(r.id, null);
      const line = journalLine(this.seq + 1, removed, undefined, JSON.stringify(archives));
      const bytes = await appendLine(this.segment, line, this.segmentBytes);
      this.segmentBytes += bytes;
      this.journalBytes += bytes;
      this.seq += 1;
      for (const id of removed.keys()) delete this.requests[id];
      this.archives = archives;
      committed = true;
    });
    await this.removeArchiveFiles(committed ? superseded : [...written.values()]);
    if (committed) await this.compact();
  }

  private async removeArchiveFiles(entries: ArchiveEntry[]): Promise<void> {
    for (const entry of entries) await rm(join(archiveFolder(this.file), entry.file), { force: true });
  }

  /**
   * Folds the journal into a new snapshot. The state is captured in the write queue (a shallow copy:
   * committed requests are replaced, never mutated) and new changes go to a new journal file; the
   * snapshot is then written piece by piece while transactions go on.
   */
  private async compact(): Promise<void> {
    let capture:
      | {
          seq: number;
          metaJson: string;
          entries: [string, DeletionRequest][];
          archives: ArchiveManifest;
          obsolete: string[];
        }
      | undefined;
    await this.exclusive(async () => {
      if (this.segmentBytes === 0 && this.oldSegments.length === 0) return;
      const obsolete = this.segmentBytes > 0 ? [...this.oldSegments, this.segment] : [...this.oldSegments];
      capture = {
        seq: this.seq,
        metaJson: this.metaJson,
        entries: Object.entries(this.requests),
        archives: this.archives,
        obsolete,
      };
      this.segment = segmentPath(this.file, this.seq + 1);
      this.segmentBytes = 0;
      this.oldSegments = obsolete.filter((s) => s !== this.segment);
      this.journalBytes = 0;
    });
    if (!capture) return;
    const { seq, metaJson, entries, archives, obsolete } = capture;
    const written = await writeFileAtomic(this.file, this.snapshotPieces(seq, metaJson, entries, archives), {
      backup: true,
    });
    this.snapshotBytes = written.bytes;
    const stale = obsolete.filter((s) => s !== this.segment);
    await removeSegments(stale);
    this.oldSegments = this.oldSegments.filter((s) => !stale.includes(s));
  }
}

/** Mutable access to one account's month usage inside a transaction. */
export function usageIn(draft: StoreData, accountId: string, month: string): MonthUsage {
  const account = (draft.quota[accountId] ??= {});
  return (account[month] ??= { used: 0 });
}
