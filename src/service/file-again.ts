import { refuse, type Outcome } from '../domain/outcome.js';
import type { DeletionRequest, HistoryEntry } from '../domain/request.js';
import type { Change } from '../store/port.js';
import type { FileInput } from './filing.js';
import { notFound } from './refusals.js';
import { historyEntry } from '../domain/lifecycle.js';
import type { UseCaseDeps } from './ports.js';

export interface FileAgainDeps extends Pick<UseCaseDeps, 'store' | 'now'> {
  file: (input: FileInput & { refileOf: string }) => Promise<Outcome<{ request: DeletionRequest }>>;
}

/**
 * **File again** under "N of M … still readable at LivePerson": a new four-eyes request for exactly the
 * ids the last check found unmasked, linked to the first (`refileOf`). Filed by the person who clicks, so
 * someone else must approve it. Claimed on the first request in one change, so two clicks file once; a
 * filing that fails gives the claim back.
 */
export async function fileAgain(
  deps: FileAgainDeps,
  requestId: string,
  userId: string,
): Promise<Outcome<{ request: DeletionRequest }>> {
  const original = await deps.store.get(requestId);
  if (!original) return notFound();
  const residualIds = original.verification?.lastRead?.residualIds ?? [];
  if (original.verification?.refiled) return refuse({ code: 'ALREADY_FILED', justNow: false });
  if (residualIds.length === 0) return refuse({ code: 'NOTHING_LEFT', requestId: original.id });
  const at = deps.now().toISOString();
  const claimed = await deps.store.update(original.id, (r): Change<boolean> => {
    if (!r?.verification || r.verification.refiled) return { value: false };
    return {
      value: true,
      request: { ...r, verification: { ...r.verification, refiled: { by: userId, at } } },
    };
  });
  if (!claimed) return refuse({ code: 'ALREADY_FILED', justNow: true });
  const outcome = await deps.file({
    userId,
    type: original.type,
    ids: residualIds,
    reason: original.reason,
    duplicatesDropped: 0,
    ...(original.subjectRequestedOn ? { subjectRequestedOn: original.subjectRequestedOn } : {}),
    ...(original.subject ? { subject: original.subject } : {}),
    refileOf: original.id,
  });
  await deps.store.update(original.id, (r): Change<undefined> => {
    if (!r?.verification) return { value: undefined };
    const verification = { ...r.verification };
    if (!outcome.ok) {
      delete verification.refiled;
      return { value: undefined, request: { ...r, verification } };
    }
    verification.refiled = { by: userId, at, requestId: outcome.request.id };
    const note: HistoryEntry = {
      ...historyEntry(deps.now(), 'note', userId),
      facts: { kind: 'filed_again_as', requestId: outcome.request.id },
    };
    return { value: undefined, request: { ...r, verification, history: [...r.history, note] } };
  });
  return outcome;
}
