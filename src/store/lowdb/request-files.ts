import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeletionRequest } from '../../domain/request.js';
import { idParts, isFinished } from '../port.js';
import { ensureFolder, syncFolder, writeFileAtomic } from './atomic-json-file.js';
import {
  archivedFile,
  byId,
  INDEXED_MONTHS,
  listJson,
  monthFolders,
  OPEN_FOLDER,
  readDocIfPresent,
  type RequestDoc,
} from './layout.js';
import { readFolder } from './fresh-reads.js';
import { QuotaIndex } from './quota-index.js';
import { RequestNumbers } from './request-numbers.js';
import type { WriteHealth } from './write-health.js';

/**
 * The request documents of a writable store: open/ held in memory, the month folders on disk, and what is
 * known of them at a glance (the quota index, the numbers used). Callers hold the request's lock.
 */
export class RequestFiles {
  /** open/: every request in play, or finished and still owing Slack notices. */
  readonly open = new Map<string, RequestDoc>();
  readonly index = new QuotaIndex();
  readonly numbers: RequestNumbers;
  /** Requests found 'submitting' at start-up: the run that was submitting them stopped. */
  private readonly orphans = new Set<string>();

  constructor(
    readonly folder: string,
    private readonly health: WriteHealth,
  ) {
    this.numbers = new RequestNumbers(folder);
  }

  /** Reads every open request and the newest months' index; `settle` moves what open/ need not hold. */
  async load(settle: boolean): Promise<void> {
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
    if (settle) for (const id of [...this.open.keys()]) await this.settle(id);
  }

  /** The request's document wherever it is: open/ in memory, or its month's folder on disk. */
  async current(id: string): Promise<RequestDoc | undefined> {
    const open = this.open.get(id);
    if (open) return open;
    const file = archivedFile(this.folder, id);
    return file ? readDocIfPresent(file) : undefined;
  }

  async get(id: string): Promise<DeletionRequest | undefined> {
    const doc = await this.current(id);
    return doc && structuredClone(doc.request);
  }

  /** The requests in play (finished ones still in open/ are not). */
  listOpen(): DeletionRequest[] {
    return [...this.open.values()]
      .filter((doc) => !isFinished(doc.request))
      .map((doc) => structuredClone(doc.request))
      .sort(byId);
  }

  async listMonth(month: string): Promise<DeletionRequest[]> {
    const found = new Map((await readFolder(this.folder, month)).map((r) => [r.id, r]));
    for (const doc of this.open.values()) {
      if (idParts(doc.request.id)?.month === month) found.set(doc.request.id, structuredClone(doc.request));
    }
    return [...found.values()].sort(byId);
  }

  /** Months with a folder, or with a request in open/. */
  async months(): Promise<string[]> {
    const inOpen = [...this.open.keys()].flatMap((id) => idParts(id)?.month ?? []);
    return [...new Set([...(await monthFolders(this.folder)), ...inOpen])].sort();
  }

  orphanedSubmissions(): DeletionRequest[] {
    return [...this.orphans].flatMap((id) => {
      const request = this.open.get(id)?.request;
      return request?.status === 'submitting' ? [structuredClone(request)] : [];
    });
  }

  /**
   * Saves a request's document in open/ (a finished one moves back there until it owes nothing). A `fresh`
   * one (just numbered) never replaces a file: an id is handed out once, whatever else goes wrong.
   */
  async write(doc: RequestDoc, fresh = false): Promise<void> {
    const file = join(this.folder, OPEN_FOLDER, `${doc.request.id}.json`);
    await this.health.track(() => writeFileAtomic(file, JSON.stringify(doc), { noReplace: fresh }));
    const wasArchived = !this.open.has(doc.request.id);
    this.open.set(doc.request.id, doc);
    this.index.put(doc.request);
    if (wasArchived) {
      // open/ wins when both exist (a crash right here), so removing the old copy can wait or fail.
      const old = archivedFile(this.folder, doc.request.id);
      if (old) await rm(old, { force: true }).catch(() => undefined);
    }
  }

  /** Rewrites an open request's document as `change` says; nothing when the request is not in open/. */
  async changeOpen(id: string, change: (doc: RequestDoc) => RequestDoc): Promise<void> {
    const doc = this.open.get(id);
    if (doc) await this.write(change(doc));
  }

  /** Moves a finished request that owes Slack nothing from open/ to its month's folder (one rename). */
  async settle(id: string): Promise<void> {
    const doc = this.open.get(id);
    const month = idParts(id)?.month;
    if (!doc || !month || doc.notices.length > 0 || !isFinished(doc.request)) return;
    const from = join(this.folder, OPEN_FOLDER, `${id}.json`);
    const folder = join(this.folder, month);
    await ensureFolder(folder);
    await this.health.guard();
    await rename(from, join(folder, `${id}.json`));
    await syncFolder(folder);
    await syncFolder(join(this.folder, OPEN_FOLDER));
    this.open.delete(id);
    this.orphans.delete(id);
  }
}
