/**
 * Generated request history, written through the real Store (journal, snapshots, monthly archiving), a
 * month at a time with the store's clock set to that month: what years of use would leave on disk.
 */
import { randomUUID } from 'node:crypto';
import type { DeletionRequest, RequestStatus } from '../src/domain/request.js';
import { Store, usageIn } from '../src/store/store.js';

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
export function generatedRequest(createdAt: Date, status: RequestStatus): DeletionRequest {
  counter += 1;
  const at = createdAt.toISOString();
  const ids = hundredIds();
  const request: DeletionRequest = {
    id: `DR-G${counter.toString(36).toUpperCase().padStart(6, '0')}`,
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

/** Appends `months` months of history (PER_MONTH requests each), starting at `first`, with one store whose clock moves. */
export async function growHistory(file: string, first: Date, months: number): Promise<void> {
  let now = first;
  const store = await Store.open(file, { now: () => now });
  for (let m = 0; m < months; m += 1) {
    const start = monthStart(first, m);
    now = new Date(start.getTime() + 27 * 86_400_000);
    // Pending approvals of the month before are decided (here: expired) before this one is filed.
    await store.transact((draft) => {
      for (const r of store.listRequests((x) => x.status === 'pending_approval')) {
        const d = draft.requests[r.id];
        if (d) d.status = 'expired';
      }
    });
    for (let batch = 0; batch < PER_MONTH / 100; batch += 1) {
      await store.transact((draft) => {
        for (let i = 0; i < 100; i += 1) {
          const n = batch * 100 + i;
          const createdAt = new Date(start.getTime() + n * 2_000_000);
          const status: RequestStatus =
            n % 20 === 0
              ? 'pending_approval'
              : n % 10 === 1
                ? 'rejected'
                : n % 25 === 2
                  ? 'failed'
                  : 'submitted';
          const request = generatedRequest(createdAt, status);
          draft.requests[request.id] = request;
          if (request.quotaMonth) usageIn(draft, ACCOUNT_ID, request.quotaMonth).used += 1;
        }
      });
    }
    await store.flush();
  }
}
