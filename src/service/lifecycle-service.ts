import { todayIn } from '../domain/gdpr.js';
import {
  approvalDue,
  canCancel,
  cancellableUntil,
  expiresAt,
  type ApprovalTimers,
} from '../domain/lifecycle.js';
import type { DeletionRequest } from '../domain/request.js';
import type { LpRecord } from '../domain/types.js';
import { describeForPeople } from '../liveperson/errors.js';
import type { LivePersonClient } from '../liveperson/client.js';
import type { Logger } from '../log.js';
import type { RequestNotice } from '../domain/notices.js';
import type { Change, RequestStore } from '../store/port.js';
import type { Directory, MessageRef } from './deletion-service.js';
import type { Outcome, Refusal } from './quota-service.js';
import { PersonRateLimit } from './rate-limit.js';
import { errorCode, historyEntry } from './request-steps.js';
import { mergeRecord, REFRESH_MIN_INTERVAL_MS, takeLpStatus } from '../domain/follow-up.js';

/** How many status / quota / Refresh reads one person may make a minute. */
export const READS_PER_MINUTE = 10;

/** A cancel claim older than this with LivePerson not reporting it cancelled was interrupted. */
const STALE_CANCEL_MS = 2 * 60 * 1000;

export interface LifecycleServiceDeps {
  store: RequestStore;
  lp: LivePersonClient;
  directory: Directory;
  timers: ApprovalTimers;
  /** The team's zone for calendar dates (QUOTA_TIMEZONE). */
  timeZone: string;
  now: () => Date;
  log: Logger;
}

/** What `/lp-delete status` and Refresh status show. */
export interface StatusAnswer {
  request?: DeletionRequest;
  /** LivePerson's record; null when LivePerson has no such request; undefined when it could not be asked. */
  lp?: LpRecord | null;
  lpError?: string;
  lpRequestId?: string;
  /** Set when LivePerson was not asked again (read less than 30 s ago): when the stored status was read. */
  storedAt?: string;
}

export interface SweepResult {
  reminded: string[];
  expired: string[];
}

/**
 * Everything that happens to a request after filing and submission: its live status at LivePerson,
 * cancelling it inside the window, and reminding about or expiring approvals nobody decided. Each state
 * change is one store transaction (check and set together), so concurrent clicks and overlapping sweeps
 * act once.
 */
export class LifecycleService {
  private readonly reads: PersonRateLimit;

  constructor(private readonly deps: LifecycleServiceDeps) {
    this.reads = new PersonRateLimit(READS_PER_MINUTE, 60_000);
  }

  /** Today's date in the team's zone (`yyyy-mm-dd`): the modal's default and the GDPR deadline's "today". */
  today(): string {
    return todayIn(this.deps.now(), this.deps.timeZone);
  }

  now(): Date {
    return this.deps.now();
  }

  /** Finds a request by its local id (`DR-…`, any case) or by LivePerson's request id. */
  async find(ref: string): Promise<DeletionRequest | undefined> {
    const key = ref.trim();
    return (await this.deps.store.get(key.toUpperCase())) ?? (await this.deps.store.findByLpRequestId(key));
  }

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
    const request = await this.find(ref);
    const isApprover = (await this.deps.directory.approvers()).has(viewer);
    if (!request && !/^\d{1,20}$/.test(ref.trim())) return notFound(ref);
    if (request && request.requestedBy !== viewer && !isApprover) {
      this.deps.log.info('status_refused', { request: request.id, code: 'NOT_YOURS' });
      return notYours(ref);
    }
    if (!request && !isApprover) {
      this.deps.log.info('status_refused', { code: 'UNKNOWN_LP_ID_NOT_APPROVER' });
      return onlyApproversLookUp(ref);
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
      return { ok: true, request, lpRequestId, lpError: describeForPeople(error).what };
    }
    if (!request) return { ok: true, lp, lpRequestId };
    if (!lp) return { ok: true, request, lp, lpRequestId };
    const fresh = lp;
    const updated = await this.deps.store.update(request.id, (r): Change<DeletionRequest | undefined> => {
      if (!r?.lpRecord) return { value: r };
      const { next, notices } = takeLpStatus(r, fresh, now);
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
    return { ok: true, request: updated ?? request, lp: fresh, lpRequestId };
  }

  /** Refresh status: reads LivePerson and re-renders the clicked record (the Cancel button goes after the window). */
  refresh(requestId: string, viewer: string, at: MessageRef | undefined): Promise<Outcome<StatusAnswer>> {
    return this.status(requestId, viewer, at);
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
    return {
      ok: false,
      code: 'RATE_LIMITED',
      message:
        `You have asked ${READS_PER_MINUTE} times in the last minute, the most one person may (each ask may ` +
        `call LivePerson, whose API limits calls). Nothing was looked up. Try again in ${seconds} seconds.`,
    };
  }

  /**
   * Cancels at LivePerson. The permission check and the claim happen in one store change, so of any
   * number of concurrent clicks one cancels and the rest are told it is under way or done.
   */
  async cancel(ref: string, userId: string, at?: MessageRef): Promise<Outcome<{ request: DeletionRequest }>> {
    const found = await this.find(ref);
    if (!found) return notFound(ref);
    const id = found.id;
    const approvers = await this.deps.directory.approvers();
    if (found.requestedBy !== userId && !approvers.has(userId)) {
      // Before anything about the request (its state, who filed or is cancelling it) reaches the message.
      this.deps.log.info('cancel_refused', { request: id, code: 'NOT_ALLOWED' });
      return {
        ok: false,
        code: 'NOT_ALLOWED',
        message:
          `Only the requester of a deletion request or an approver can cancel it, and "${shown(ref)}" is not ` +
          'yours: nothing was done. If it must be cancelled, ask one of the approvers in the privacy channel.',
      };
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
      const people = describeForPeople(error);
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
      const unknown = code === 'LP_OUTCOME_UNKNOWN';
      return {
        ok: false,
        code,
        message:
          `${id} was not cancelled: ${people.what} ${people.next}` +
          (unknown
            ? ' Use Refresh status (or `/lp-delete status`) to see whether LivePerson cancelled it.'
            : ''),
      };
    }
    const updated = await this.deps.store.update(id, (r) => {
      if (!r) throw new Error(`request ${id} vanished from the store`);
      const next: DeletionRequest = {
        ...r,
        lpRecord: mergeRecord(r.lpRecord, { ...record, status: record.status ?? 'CANCELED' }),
        status: 'cancelled',
        cancellation: { by: userId, at: now.toISOString(), state: 'done' },
        history: [...r.history, historyEntry(now, 'cancelled', userId, `LivePerson request ${lpRequestId}`)],
      };
      const notices: RequestNotice[] = [{ kind: 'approval_update' }];
      if (at) notices.push({ kind: 'record_update', ...at });
      notices.push({ kind: 'cancelled_post' }, { kind: 'requester_outcome' });
      return { value: next, request: next, notices };
    });
    this.deps.log.info('request_cancelled', { request: id, lpRequestId });
    return { ok: true, request: updated };
  }

  /**
   * Takes the Cancel button off thread records whose cancel window has closed (once: recordClosedAt is
   * stored with the re-render it causes), so nobody is offered a cancel LivePerson would refuse.
   */
  async sweepRecords(): Promise<string[]> {
    const now = this.deps.now();
    const closed = (r: DeletionRequest) => {
      const until = cancellableUntil(r);
      return (
        r.status === 'submitted' &&
        !!r.recordMessage &&
        !r.recordClosedAt &&
        !!until &&
        until.getTime() <= now.getTime()
      );
    };
    const done: string[] = [];
    for (const candidate of (await this.deps.store.listOpen()).filter(closed)) {
      const changed = await this.deps.store.update(candidate.id, (request) => {
        if (!request || !closed(request) || !request.recordMessage) return { value: false };
        const next = { ...request, recordClosedAt: now.toISOString() };
        return { value: true, request: next, notices: [{ kind: 'record_update', ...request.recordMessage }] };
      });
      if (changed) done.push(candidate.id);
    }
    return done;
  }

  /**
   * Reminds about approvals waiting longer than APPROVAL_REMINDER_HOURS (once: reminderSentAt is stored
   * with the reminder) and expires those older than APPROVAL_EXPIRY_DAYS. Safe to run at any time.
   */
  async sweepApprovals(): Promise<SweepResult> {
    const result: SweepResult = { reminded: [], expired: [] };
    const now = this.deps.now();
    const due = (await this.deps.store.listOpen()).filter(
      (r) => approvalDue(r, now, this.deps.timers) !== null,
    );
    for (const candidate of due) {
      const action = approvalDue(candidate, now, this.deps.timers);
      const changed = await this.deps.store.update(candidate.id, (request): Change<boolean> => {
        // Checked again inside the change: an approval may have landed since the list was taken.
        if (!request || approvalDue(request, now, this.deps.timers) !== action) return { value: false };
        if (action === 'expire') {
          const next: DeletionRequest = {
            ...request,
            status: 'expired',
            history: [...request.history, historyEntry(now, 'expired')],
          };
          return {
            value: true,
            request: next,
            notices: [{ kind: 'approval_update' }, { kind: 'expired_post' }, { kind: 'requester_outcome' }],
          };
        }
        const next: DeletionRequest = {
          ...request,
          reminderSentAt: now.toISOString(),
          history: [...request.history, historyEntry(now, 'reminder_sent')],
        };
        return {
          value: true,
          request: next,
          notices: [{ kind: 'reminder_post', expiresAt: expiresAt(next, this.deps.timers).toISOString() }],
        };
      });
      if (!changed) continue;
      if (action === 'expire') {
        result.expired.push(candidate.id);
        this.deps.log.info('request_expired', { request: candidate.id });
      } else {
        result.reminded.push(candidate.id);
        this.deps.log.info('approval_reminder_sent', { request: candidate.id });
      }
    }
    return result;
  }

  /**
   * The Home tab's lists for `userId`. Approvers see every pending approval (oldest first) and everyone's
   * recent requests; anyone else sees only their own requests (their own pending ones among them): a
   * request's details are for its requester and the approvers. Requests still open and those of this
   * month and the last, newest first.
   */
  async homeLists(userId: string): Promise<{
    isApprover: boolean;
    pending: DeletionRequest[];
    mine: DeletionRequest[];
    everyone?: DeletionRequest[];
    /** For approvers: Slack messages lp-delete could not deliver yet (it keeps trying), and why. */
    undelivered?: { count: number; errors: string[] };
  }> {
    const isApprover = (await this.deps.directory.approvers()).has(userId);
    const stuck = isApprover ? (await this.deps.store.owedNotices()).filter((n) => n.attempts > 0) : [];
    const byId = new Map<string, DeletionRequest>();
    const months = (await this.deps.store.months()).slice(-2);
    for (const month of months) for (const r of await this.deps.store.listMonth(month)) byId.set(r.id, r);
    for (const r of await this.deps.store.listOpen()) byId.set(r.id, r);
    const all = [...byId.values()];
    const visible = isApprover ? all : all.filter((r) => r.requestedBy === userId);
    const newestFirst = [...visible].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const pending = visible
      .filter((r) => r.status === 'pending_approval')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    // Whole lists: the view shows the first few and counts the rest.
    return {
      isApprover,
      pending,
      mine: newestFirst.filter((r) => r.requestedBy === userId),
      ...(isApprover ? { everyone: newestFirst } : {}),
      ...(stuck.length > 0
        ? {
            undelivered: {
              count: stuck.length,
              errors: [...new Set(stuck.map((n) => n.lastError ?? 'no answer'))],
            },
          }
        : {}),
    };
  }
}

function shown(ref: string): string {
  return ref
    .trim()
    .slice(0, 40)
    .replace(/[<>&`*_~]/g, '');
}

/** Someone who is neither the requester nor an approver: nothing about the request, not even whose it is. */
function notYours(ref: string): Refusal {
  return {
    ok: false,
    code: 'NOT_YOURS',
    message:
      `"${shown(ref)}" is not yours to see: a deletion request's details are shown only to the person who filed ` +
      'it and to the approvers. Nothing was looked up. If you need its status, ask one of the approvers in the ' +
      'privacy channel.',
  };
}

/** A LivePerson request id lp-delete did not file: only approvers may look those up. */
function onlyApproversLookUp(ref: string): Refusal {
  return {
    ok: false,
    code: 'NOT_YOURS',
    message:
      `lp-delete did not file a request "${shown(ref)}", and only approvers may look up LivePerson requests made ` +
      'elsewhere. Nothing was looked up. For a request you filed, give its DR-… id; otherwise ask an approver.',
  };
}

function notFound(ref: string): Refusal {
  return {
    ok: false,
    code: 'NOT_FOUND',
    message:
      `lp-delete has no request "${shown(ref)}". Give its DR-… id (from the approval message) or LivePerson's ` +
      'request number (from the record in the thread).',
  };
}
