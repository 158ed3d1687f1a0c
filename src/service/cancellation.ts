import { canCancel, historyEntry } from '../domain/lifecycle.js';
import { mergeRecord } from '../domain/follow-up.js';
import type { RequestNotice } from '../domain/notices.js';
import { refuse, type Outcome } from '../domain/outcome.js';
import type { DeletionRequest } from '../domain/request.js';
import type { LpRecord } from '../domain/types.js';
import type { Change } from '../store/port.js';
import type { MessageRef, UseCaseDeps } from './ports.js';
import { notFound } from './refusals.js';
import { errorCode } from '../domain/error-code.js';
import { findRequest } from './status-reads.js';

type CancellationDeps = Pick<UseCaseDeps, 'store' | 'lp' | 'directory' | 'now' | 'log'>;

/** Cancelling a submitted request at LivePerson inside its cancel window. */
export class Cancellation {
  constructor(private readonly deps: CancellationDeps) {}

  /**
   * Cancels at LivePerson. The permission check and the claim happen in one store change, so of any
   * number of concurrent clicks one cancels and the rest are told it is under way or done.
   */
  async cancel(ref: string, userId: string, at?: MessageRef): Promise<Outcome<{ request: DeletionRequest }>> {
    const found = await findRequest(this.deps.store, ref);
    if (!found) return notFound(ref);
    const id = found.id;
    const approvers = await this.deps.directory.approvers();
    if (found.requestedBy !== userId && !approvers.has(userId)) {
      // Before anything about the request (its state, who filed or is cancelling it) reaches the message.
      this.deps.log.info('cancel_refused', { request: id, code: 'NOT_ALLOWED' });
      return refuse({ code: 'NOT_YOURS', ref, asked: 'cancel' });
    }
    const now = this.deps.now();
    const claim = await this.deps.store.update(
      id,
      (request): Change<Outcome<{ request: DeletionRequest }>> => {
        if (!request) return { value: notFound(ref) };
        const verdict = canCancel({ request, userId, approvers, now });
        if (!verdict.ok) {
          // A click after the window: re-render so the button disappears.
          const notices: RequestNotice[] = at && request.lpRecord ? [{ kind: 'record_update', ...at }] : [];
          return { value: verdict, notices };
        }
        const next: DeletionRequest = {
          ...request,
          cancellation: { by: userId, at: now.toISOString(), state: 'in_progress' },
        };
        return { value: { ok: true, request: next }, request: next };
      },
    );
    if (!claim.ok) {
      this.deps.log.info('cancel_refused', { request: id, code: claim.code });
      return claim;
    }
    const lpRequestId = claim.request.lpRecord?.requestId ?? '';
    let record: LpRecord;
    try {
      record = await this.deps.lp.cancel(lpRequestId);
    } catch (error) {
      const code = errorCode(error);
      await this.deps.store.update(id, (r) => {
        if (!r) return { value: undefined };
        const next: DeletionRequest = {
          ...r,
          history: [...r.history, historyEntry(now, 'cancel_failed', userId, code)],
        };
        delete next.cancellation;
        return { value: undefined, request: next };
      });
      this.deps.log.warn('cancel_failed', { request: id, code });
      return refuse({ code: 'CANCEL_FAILED', requestId: id, lpCode: code, cause: error });
    }
    const updated = await this.deps.store.update(id, (r) => {
      if (!r) throw new Error(`request ${id} vanished from the store`);
      const next: DeletionRequest = {
        ...r,
        lpRecord: mergeRecord(r.lpRecord, { ...record, status: record.status ?? 'CANCELED' }),
        status: 'cancelled',
        cancellation: { by: userId, at: now.toISOString(), state: 'done' },
        history: [
          ...r.history,
          {
            ...historyEntry(now, 'cancelled', userId),
            facts: { kind: 'lp_request', requestId: lpRequestId },
          },
        ],
      };
      const notices: RequestNotice[] = [{ kind: 'approval_update' }];
      if (at) notices.push({ kind: 'record_update', ...at });
      notices.push({ kind: 'cancelled_post' }, { kind: 'requester_outcome' });
      return { value: next, request: next, notices };
    });
    this.deps.log.info('request_cancelled', { request: id, lpRequestId });
    return { ok: true, request: updated };
  }
}
