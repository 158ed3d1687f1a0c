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
import { errorCode, historyEntry } from './request-steps.js';

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
  constructor(private readonly deps: LifecycleServiceDeps) {}

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
   * LivePerson's live status of a request, stored on the record (and a cancel made elsewhere is taken
   * over). A LivePerson request id lp-delete does not know is looked up too: requests made elsewhere.
   */
  async status(ref: string, at?: MessageRef): Promise<Outcome<StatusAnswer>> {
    const request = await this.find(ref);
    const lpRequestId = request?.lpRecord?.requestId ?? (request ? undefined : ref.trim());
    if (!request && !/^\d{1,20}$/.test(ref.trim())) return notFound(ref);
    if (!lpRequestId) return { ok: true, request };
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
    const now = this.deps.now();
    const updated = await this.deps.store.update(request.id, (r): Change<DeletionRequest | undefined> => {
      if (!r?.lpRecord) return { value: r };
      const next: DeletionRequest = {
        ...r,
        lpRecord: mergeRecord(r.lpRecord, fresh),
        lpStatusCheckedAt: now.toISOString(),
      };
      const notices: RequestNotice[] = at ? [{ kind: 'record_update', ...at }] : [];
      // Cancelled elsewhere (LivePerson's UI, `npm run lp -- cancel`): the record follows LivePerson.
      if (fresh.status === 'CANCELED' && r.status === 'submitted') {
        next.status = 'cancelled';
        if (r.cancellation) next.cancellation = { ...r.cancellation, state: 'done' };
        next.history = [
          ...r.history,
          historyEntry(now, 'cancelled', undefined, 'reported cancelled by LivePerson'),
        ];
        notices.push({ kind: 'approval_update' });
      } else if (
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
  refresh(requestId: string, at: MessageRef | undefined): Promise<Outcome<StatusAnswer>> {
    return this.status(requestId, at);
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
   * The Home tab's lists: every pending approval (oldest first), the viewer's recent requests and, for
   * approvers, everyone's (newest first): requests still open and those of this month and the last.
   */
  async homeLists(
    userId: string,
    isApprover: boolean,
  ): Promise<{ pending: DeletionRequest[]; mine: DeletionRequest[]; everyone?: DeletionRequest[] }> {
    const byId = new Map<string, DeletionRequest>();
    const months = (await this.deps.store.months()).slice(-2);
    for (const month of months) for (const r of await this.deps.store.listMonth(month)) byId.set(r.id, r);
    for (const r of await this.deps.store.listOpen()) byId.set(r.id, r);
    const all = [...byId.values()];
    const newestFirst = [...all].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const pending = all
      .filter((r) => r.status === 'pending_approval')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    // Whole lists: the view shows the first few and counts the rest.
    return {
      pending,
      mine: newestFirst.filter((r) => r.requestedBy === userId),
      ...(isApprover ? { everyone: newestFirst } : {}),
    };
  }
}

/** LivePerson's newer answer wins field by field; a field it left out keeps what we knew. */
function mergeRecord(old: LpRecord | undefined, fresh: LpRecord): LpRecord {
  if (!old) return fresh;
  const merged = { ...old };
  for (const [key, value] of Object.entries(fresh) as [keyof LpRecord, LpRecord[keyof LpRecord]][]) {
    if (value !== null && value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}

function notFound(ref: string): Refusal {
  const shown = ref
    .trim()
    .slice(0, 40)
    .replace(/[<>&`]/g, '');
  return {
    ok: false,
    code: 'NOT_FOUND',
    message:
      `lp-delete has no request "${shown}". Give its DR-… id (from the approval message) or LivePerson's ` +
      'request number (from the record in the thread).',
  };
}
