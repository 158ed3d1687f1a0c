/** Generated request history: the data folder years of use would leave on disk. */
import type { RequestStore } from '../src/store/port.js';
import { randomUUID } from 'node:crypto';
import type { DeletionRequest, RequestStatus } from '../src/domain/request.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const ACCOUNT_ID = '20762324';
export const PER_MONTH = 1000;

/** The first day (UTC) of the month `offset` months from `base`'s. */
export function monthStart(base: Date, offset: number): Date {
  return new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth() + offset, 1));
}

export function hundredIds(): string[] {
  return Array.from({ length: 100 }, () => randomUUID());
}

let counter = 0;
/** A request as the app stores it, 100 ids; finished ones carry LivePerson's record (which echoes the ids). */
export function generatedRequest(createdAt: Date, status: RequestStatus, id?: string): DeletionRequest {
  counter += 1;
  const at = createdAt.toISOString();
  const ids = hundredIds();
  const request: DeletionRequest = {
    id: id ?? `DR-G${counter.toString(36).toUpperCase().padStart(6, '0')}`,
    accountId: ACCOUNT_ID,
    type: 'conversation',
    ids,
    reason: `DSR-${2000 + counter} erasure request received by email`,
    requestedBy: 'UREQUESTER',
    createdAt: at,
    status,
    approvalMessage: { channelId: 'CPRIVACY1', ts: `${Math.floor(createdAt.getTime() / 1000)}.${counter}` },
    history: [
      { at, event: 'filed', by: 'UREQUESTER', detail: '100 conversation id(s)' },
      { at, event: 'posted_for_approval' },
    ],
  };
  if (status === 'pending_approval') return request;
  request.decision = { outcome: status === 'rejected' ? 'rejected' : 'approved', by: 'UAPPROVER', at };
  if (status === 'rejected') {
    request.decision.reason = 'duplicate of an earlier request';
    request.history.push({ at, event: 'rejected', by: 'UAPPROVER' });
    return request;
  }
  request.quotaMonth = at.slice(0, 7);
  request.history.push({ at, event: 'approved', by: 'UAPPROVER' });
  if (status === 'failed') {
    request.failure = { code: 'LP_SERVER_ERROR', message: 'LivePerson answered 503', httpStatus: 503 };
    request.history.push({ at, event: 'submission_failed', detail: 'LP_SERVER_ERROR' });
    return request;
  }
  const lpId = randomUUID();
  request.lpRecord = {
    requestId: lpId,
    siteId: ACCOUNT_ID,
    requestTime: at,
    requestedBy: 'lp-delete',
    cancelledBy: null,
    cancelTimestamp: null,
    isCanceled: false,
    deleteJson: JSON.stringify({ conversation: ids }),
    status: 'DONE',
  };
  request.history.push({ at, event: 'submitted', detail: `LivePerson request ${lpId}` });
  return request;
}

/**
 * Writes the data folder ten years of use would leave: `finishedMonths` months of finished requests
 * (`perFinishedMonth` each) in their month folders, and `currentPerMonth` requests in the current month
 * (about 85 % submitted; the open ones in open/). Files are written the way the store writes them
 * (one JSON document per request), without fsync: the bench measures reading and writing, not this setup.
 */
export async function writeHistory(
  folder: string,
  now: Date,
  opts: { finishedMonths: number; perFinishedMonth: number; currentPerMonth: number },
): Promise<{ files: number; bytes: number; sample: Record<string, string> }> {
  await mkdir(join(folder, 'open'), { recursive: true, mode: 0o700 });
  await writeFile(
    join(folder, 'store.json'),
    JSON.stringify({ version: 1, layout: 'file-per-request', createdAt: now.toISOString(), legacyIds: {} }),
    { mode: 0o600 },
  );
  let files = 0;
  let bytes = 0;
  const sample: Record<string, string> = {};
  const put = async (place: string, request: DeletionRequest) => {
    const text = JSON.stringify({ version: 1, request, notices: [], nextSeq: 1 });
    await writeFile(join(folder, place, `${request.id}.json`), text, { mode: 0o600 });
    files += 1;
    bytes += text.length;
  };
  for (let m = opts.finishedMonths; m >= 0; m -= 1) {
    const start = monthStart(now, -m);
    const month = start.toISOString().slice(0, 7);
    const count = m === 0 ? opts.currentPerMonth : opts.perFinishedMonth;
    await mkdir(join(folder, month), { recursive: true, mode: 0o700 });
    const spacing = m === 0 ? Math.max(1, Math.floor((now.getTime() - start.getTime()) / count)) : 2_000_000;
    for (let n = 0; n < count; n += 1) {
      const createdAt = new Date(start.getTime() + n * spacing);
      const status: RequestStatus =
        m === 0 && n % 20 === 0
          ? 'pending_approval'
          : n % 10 === 1
            ? 'rejected'
            : n % 25 === 2
              ? 'failed'
              : 'submitted';
      const request = generatedRequest(createdAt, status, `DR-${month}-${String(n + 1).padStart(4, '0')}`);
      // Finished months: LivePerson has done them. This month's submitted ones are still in progress.
      if (m === 0 && request.lpRecord) request.lpRecord.status = 'IN_PROGRESS';
      const open = request.status === 'pending_approval' || request.lpRecord?.status === 'IN_PROGRESS';
      await put(open ? 'open' : month, request);
      if (n === 7) sample[month] = request.id;
    }
  }
  return { files, bytes, sample };
}

/**
 * Step `step` of a run of writes like the app's: even steps file a 100-id request with its two notices,
 * odd ones approve the oldest pending one under the month's quota lock (with its re-render notice).
 */
export async function appLikeWrite(
  store: RequestStore,
  step: number,
  now: Date,
  pending: string[],
): Promise<void> {
  const month = now.toISOString().slice(0, 7);
  const i = step;
  if (i % 2 === 0) {
    const request = generatedRequest(now, 'pending_approval');
    const created = await store.create(month, (id) => ({ ...request, id }), [
      { kind: 'approval_post' },
      { kind: 'requester_filed', duplicatesDropped: 0, notes: [] },
    ]);
    pending.push(created.id);
  } else {
    const id = pending.shift() ?? '';
    await store.update(
      id,
      (r, context) => {
        if (!r || r.status !== 'pending_approval' || !context.usage) return { value: undefined };
        const at = now.toISOString();
        return {
          value: undefined,
          request: {
            ...r,
            status: 'submitting',
            quotaMonth: month,
            decision: { outcome: 'approved', by: 'UAPPROVER', at },
            history: [...r.history, { at, event: 'approved', by: 'UAPPROVER' }],
          },
          notices: [{ kind: 'approval_update' }],
        };
      },
      { quota: { accountId: ACCOUNT_ID, month } },
    );
  }
}
