import { join } from 'node:path';
import type { DeletionRequest } from '../../domain/request.js';
import { idParts, isFinished } from '../port.js';
import { byId, listJson, OPEN_FOLDER, readDocIfPresent, type RequestDoc } from './layout.js';

/*
 * Reads for a copy opened read-only (audit, doctor): it keeps nothing in memory and goes to the files
 * each time, while the app beside it may move a request between open/ and its month's folder.
 */

/** Every request in one folder of the data folder (open/ or a month). */
export async function readFolder(folder: string, name: string): Promise<DeletionRequest[]> {
  const out: DeletionRequest[] = [];
  for (const file of await listJson(join(folder, name))) {
    const doc = await readDocIfPresent(join(folder, name, file));
    if (doc) out.push(doc.request);
  }
  return out;
}

/** The requests in play as a reader sees them (finished ones not yet moved out of open/ are not). */
export async function readOpenFresh(folder: string): Promise<DeletionRequest[]> {
  return (await readFolder(folder, OPEN_FOLDER)).filter((r) => !isFinished(r)).sort(byId);
}

/** A reader's look-up: open/, its month, then open/ again (it may be moving while we look). */
export async function readFresh(folder: string, id: string): Promise<RequestDoc | undefined> {
  const month = idParts(id)?.month;
  if (!month) return undefined;
  const inOpen = join(folder, OPEN_FOLDER, `${id}.json`);
  return (
    (await readDocIfPresent(inOpen)) ??
    (await readDocIfPresent(join(folder, month, `${id}.json`))) ??
    (await readDocIfPresent(inOpen))
  );
}

/** A month's requests as a reader sees them. */
export async function readMonthFresh(folder: string, month: string): Promise<DeletionRequest[]> {
  const found = new Map<string, DeletionRequest>();
  // The app may move a request between open/ and its month while we read: open/, the month, open/
  // again catches it on whichever side it is.
  const put = (r: DeletionRequest) => {
    if (idParts(r.id)?.month === month) found.set(r.id, r);
  };
  (await readFolder(folder, OPEN_FOLDER)).forEach(put);
  (await readFolder(folder, month)).forEach(put);
  (await readFolder(folder, OPEN_FOLDER)).forEach(put);
  return [...found.values()].sort(byId);
}
