import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { queuedNoticeSchema } from '../../domain/notices.js';
import { deletionRequestSchema, type DeletionRequest } from '../../domain/request.js';
import { idParts } from '../port.js';
import { monthStateSchema } from '../schemas.js';
import { errorCode } from '../../domain/error-code.js';
import { AtomicJsonFile, readDocument, unreadable } from './atomic-json-file.js';

/*
 * The data folder (DATA_DIR), every file owner-only (0600) in owner-only folders (0700):
 *
 *   store.json                  what this folder is (its layout and version)
 *   months.json                 per account and month: LivePerson's count at the last sync, quota alerts
 *                               sent; notices about no single request (quota alerts) waiting for Slack
 *   open/DR-2026-12-0042.json   a request still in play, with the Slack notices it still owes
 *   2026-12/DR-2026-12-0042.json  a finished request (rejected, failed, expired, cancelled, done)
 *   lp-delete.lock/0000000007.json  the one app that writes here (see folder-lock.ts)
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

export const MONTH_FOLDER = /^\d{4}-\d{2}$/;
/** Month folders (newest first) read at start-up for the quota counts: a request counts in the month it
 * was approved, at most an approval's lifetime after it was filed. */
export const INDEXED_MONTHS = 3;

export const layoutSchema = z.object({
  version: z.literal(1),
  layout: z.literal('file-per-request'),
  createdAt: z.string(),
});

export const requestDocSchema = z.object({
  version: z.literal(1),
  request: deletionRequestSchema,
  notices: z.array(queuedNoticeSchema),
  nextSeq: z.number().int().min(1),
});
export type RequestDoc = z.infer<typeof requestDocSchema>;

/** The document of a request not stored before: no notices yet. */
export function newDoc(request: DeletionRequest): RequestDoc {
  return { version: 1, request, notices: [], nextSeq: 1 };
}

export const monthsDocSchema = z.object({
  version: z.literal(1),
  accounts: z.record(z.string(), z.record(z.string(), monthStateSchema)),
  notices: z.array(queuedNoticeSchema),
  nextSeq: z.number().int().min(1),
});
export type MonthsDoc = z.infer<typeof monthsDocSchema>;

/** Reads store.json, or starts it (written unless read-only). */
export async function loadLayout(folder: string, readOnly: boolean, now: () => Date): Promise<void> {
  const layoutFile = new AtomicJsonFile(join(folder, LAYOUT_FILE), layoutSchema);
  if (await layoutFile.read()) return;
  // legacyIds (ids of lp-delete 0.1, always empty now) keeps the file readable by the release before this one.
  const fresh = {
    version: 1,
    layout: 'file-per-request',
    createdAt: now().toISOString(),
    legacyIds: {},
  } as const;
  if (!readOnly) await layoutFile.write(fresh);
}

/** The file of a request in its month's folder; undefined for an id that names no file of ours. */
export function archivedFile(folder: string, id: string): string | undefined {
  const month = idParts(id)?.month;
  return month ? join(folder, month, `${id}.json`) : undefined;
}

export function readDocIfPresent(file: string): Promise<RequestDoc | undefined> {
  return readDocument(file, requestDocSchema);
}

/** A folder's entries; none when the folder does not exist. */
export async function entries(folder: string): Promise<Dirent[]> {
  try {
    return await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw unreadable(folder, `it could not be listed (${errorCode(error)})`);
  }
}

/** The request files (DR-*.json) in a folder, sorted; none when the folder does not exist. */
export async function listJson(folder: string): Promise<string[]> {
  const names = (await entries(folder)).map((e) => e.name);
  return names.filter((n) => n.endsWith('.json') && n.startsWith('DR-')).sort();
}

/** The month folders (yyyy-mm) in the data folder, oldest first. */
export async function monthFolders(folder: string): Promise<string[]> {
  const months = (await entries(folder)).filter((e) => e.isDirectory() && MONTH_FOLDER.test(e.name));
  return months.map((e) => e.name).sort();
}

export function byId(a: DeletionRequest, b: DeletionRequest): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
