import type { DeletionRequest } from '../domain/request.js';
import type { LpRecord } from '../domain/types.js';
import { refuse, type Outcome } from '../domain/outcome.js';
import { REFRESH_MIN_INTERVAL_MS, takeLpStatus } from '../domain/follow-up.js';
import type { Change, RequestStore } from '../store/port.js';
import { STALE_CANCEL_MS } from '../domain/lifecycle.js';
import type { MessageRef, UseCaseDeps } from './ports.js';
import { PersonRateLimit } from './rate-limit.js';
import { notFound, notYours } from './refusals.js';
import { errorCode } from '../domain/error-code.js';

/** How many status / quota / Refresh reads one person may make a minute. */
export const READS_PER_MINUTE = 10;

export interface StatusReadsDeps extends Pick<UseCaseDeps, 'store' | 'lp' | 'directory' | 'now' | 'log'> {
  /** Proof of erasure: DONE seen here starts a read-back too. */
  verification?: { kick(): void };
}

/** Finds a request by its local id (`DR-…`, any case) or by LivePerson's request id. */
export async function findRequest(store: RequestStore, ref: string): Promise<DeletionRequest | undefined> {
  const key = ref.trim();
  return (await store.get(key.toUpperCase())) ?? (await store.findByLpRequestId(key));
}

/** What `/lp-delete status` and Refresh status show. */
export interface StatusAnswer {
  request?: DeletionRequest;
  /** LivePerson's record; null when LivePerson has no such request; undefined when it could not be asked. */
  lp?: LpRecord | null;
  /** Why LivePerson could not be asked just now (the error; described where it is shown). */
  lpError?: unknown;
  lpRequestId?: string;
  /** Set when LivePerson was not asked again (read less than 30 s ago): when the stored status was read. */
  storedAt?: string;
}

/** A request's live status at LivePerson, read for the people allowed to see it, at a pace LivePerson allows. */
export class StatusReads {
  private readonly reads = new PersonRateLimit(READS_PER_MINUTE, 60_000);

  constructor(private readonly deps: StatusReadsDeps) {}

  /**
   * LivePerson's live status of a request, for `viewer`: only its requester and the approvers may see a
   * request, and only approvers may look up a LivePerson request id lp-delete does not know (requests
   * made elsewhere). Anyone else is refused before LivePerson is asked. Each person's reads are rate
   * limited, and a request is read at LivePerson at most once per 30 s: later asks get the stored status.
   * What LivePerson says is stored on the record (a cancel made elsewhere is taken over; DONE completes it).
   */
  async status(ref: string, viewer: string, at?: MessageRef): Promise<Outcome<StatusAnswer>> {
    const allowed = this.allowRead(viewer);
    if (!allowed.ok) return allowed;
    const request = await findRequest(this.deps.store, ref);
    const isApprover = (await this.deps.directory.approvers()).has(viewer);
    if (!request && !/^\d{1,20}$/.test(ref.trim())) return notFound(ref);
    if (request && request.requestedBy !== viewer && !isApprover) {
      this.deps.log.info('status_refused', { request: request.id, code: 'NOT_YOURS' });
      return notYours(ref);
    }
    if (!request && !isApprover) {
      this.deps.log.info('status_refused', { code: 'UNKNOWN_LP_ID_NOT_APPROVER' });
      return refuse({ code: 'NOT_YOURS', ref, asked: 'look_up_elsewhere' });
    }
    const lpRequestId = request?.lpRecord?.requestId ?? (request ? undefined : ref.trim());
    if (!lpRequestId) return { ok: true, request };
    const now = this.deps.now();
    if (request) {
      // One LivePerson read per request per 30 s, claimed in the store so concurrent clicks (and replicas) agree.
      const claim = await this.deps.store.update(request.id, (r): Change<DeletionRequest | 'ask'> => {
        if (!r) return { value: request };
        const last = Math.max(
          Date.parse(r.lpStatusAskedAt ?? '') || 0,
          Date.parse(r.lpStatusCheckedAt ?? '') || 0,
        );
        if (now.getTime() - last < REFRESH_MIN_INTERVAL_MS) return { value: r };
        return { value: 'ask', request: { ...r, lpStatusAskedAt: now.toISOString() } };
      });
      if (claim !== 'ask') {
        return {
          ok: true,
          request: claim,
          lp: claim.lpRecord,
          lpRequestId,
          storedAt: claim.lpStatusCheckedAt,
        };
      }
    }
    let lp: LpRecord | null;
    try {
      lp = await this.deps.lp.get(lpRequestId);
    } catch (error) {
      this.deps.log.warn('status_check_failed', { request: request?.id, code: errorCode(error) });
      return { ok: true, request, lpRequestId, lpError: error };
    }
    if (!request) return { ok: true, lp, lpRequestId };
    if (!lp) return { ok: true, request, lp, lpRequestId };
    const fresh = lp;
    const updated = await this.deps.store.update(request.id, (r): Change<DeletionRequest | undefined> => {
      if (!r?.lpRecord) return { value: r };
      const { next, notices } = takeLpStatus(r, fresh, now, this.deps.verification !== undefined);
      if (at) notices.unshift({ kind: 'record_update', ...at });
      if (
        next.status === 'submitted' &&
        r.cancellation?.state === 'in_progress' &&
        now.getTime() - Date.parse(r.cancellation.at) > STALE_CANCEL_MS
      ) {
        // A cancel interrupted by a restart, and LivePerson did not cancel: let people try again.
        delete next.cancellation;
      }
      return { value: next, request: next, notices };
    });
    this.deps.log.info('status_checked', { request: request.id, lpStatus: fresh.status ?? 'none' });
    if (updated?.verification?.dueAt) this.deps.verification?.kick();
    return { ok: true, request: updated ?? request, lp: fresh, lpRequestId };
  }

  /**
   * One person's LivePerson reads (`status`, `quota`, Refresh): at most READS_PER_MINUTE a minute, so one
   * person cannot spend the account's API rate limit. The refusal says when to try again.
   */
  allowRead(userId: string): Outcome<object> {
    const verdict = this.reads.take(userId, this.deps.now());
    if (verdict.ok) return { ok: true };
    const seconds = Math.max(1, Math.ceil((verdict.retryAt.getTime() - this.deps.now().getTime()) / 1000));
    this.deps.log.info('read_rate_limited', { retryInSeconds: seconds });
    return refuse({ code: 'RATE_LIMITED', perMinute: READS_PER_MINUTE, retryInSeconds: seconds });
  }
}
