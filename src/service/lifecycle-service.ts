import { todayIn } from '../domain/gdpr.js';
import {
  approvalDue,
  canCancel,
  cancellableUntil,
  expiresAt,
  type ApprovalTimers,
} from '../domain/lifecycle.js';
import type { DeletionRequest, HistoryEntry } from '../domain/request.js';
import type { LpRecord } from '../domain/types.js';
import { describeForPeople, LivePersonError } from '../liveperson/errors.js';
import type { LivePersonClient } from '../liveperson/client.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type {
  DeletionService,
  Directory,
  MessageRef,
  Outcome,
  Refusal,
  SlackGateway,
} from './deletion-service.js';
import { bestEffort, changeRequest, historyEntry } from './request-steps.js';

/** A cancel claim older than this with LivePerson not reporting it cancelled was interrupted. */
const STALE_CANCEL_MS = 2 * 60 * 1000;

export interface LifecycleServiceDeps {
  store: Store;
  lp: LivePersonClient;
  slack: SlackGateway;
  directory: Directory;
  deletion: DeletionService;
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
  find(ref: string): DeletionRequest | undefined {
    const key = ref.trim();
    const local = this.deps.store.getRequest(key.toUpperCase());
    if (local) return local;
    return this.deps.store.listRequests((r) => r.lpRecord?.requestId === key)[0];
  }

  /**
   * LivePerson's live status of a request, stored on the record (and a cancel made elsewhere is taken
   * over). A LivePerson request id lp-delete does not know is looked up too: requests made elsewhere.
   */
  async status(ref: string): Promise<Outcome<StatusAnswer>> {
    const request = this.find(ref);
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
    const updated = await this.change(request.id, (r) => {
      if (!r.lpRecord) return;
      r.lpRecord = mergeRecord(r.lpRecord, fresh);
      r.lpStatusCheckedAt = this.deps.now().toISOString();
      // Cancelled elsewhere (LivePerson's UI, `npm run lp -- cancel`): the record follows LivePerson.
      if (fresh.status === 'CANCELED' && r.status === 'submitted') {
        r.status = 'cancelled';
        if (r.cancellation) r.cancellation.state = 'done';
        r.history.push(this.entry('cancelled', undefined, 'reported cancelled by LivePerson'));
      } else if (
        r.cancellation?.state === 'in_progress' &&
        this.deps.now().getTime() - Date.parse(r.cancellation.at) > STALE_CANCEL_MS
      ) {
        // A cancel interrupted by a restart, and LivePerson did not cancel: let people try again.
        delete r.cancellation;
      }
    });
    this.deps.log.info('status_checked', { request: request.id, lpStatus: fresh.status ?? 'none' });
    return { ok: true, request: updated, lp: fresh, lpRequestId };
  }

  /** Refresh status: reads LivePerson and re-renders the clicked record (the Cancel button goes after the window). */
  async refresh(requestId: string, at: MessageRef | undefined): Promise<Outcome<StatusAnswer>> {
    const answer = await this.status(requestId);
    if (answer.ok && answer.request && at) {
      const { request } = answer;
      await this.safely('update_record_message', () => this.deps.slack.updateRecordMessage(request, at));
    }
    return answer;
  }

  /**
   * Cancels at LivePerson. The permission check and the claim happen in one transaction, so of any number
   * of concurrent clicks one cancels and the rest are told it is under way or done.
   */
  async cancel(ref: string, userId: string, at?: MessageRef): Promise<Outcome<{ request: DeletionRequest }>> {
    const found = this.find(ref);
    if (!found) return notFound(ref);
    const id = found.id;
    const approvers = await this.deps.directory.approvers();
    const now = this.deps.now();
    const claim = await this.deps.store.transact((draft): Outcome<{ request: DeletionRequest }> => {
      const request = draft.requests[id];
      if (!request) return notFound(ref);
      const verdict = canCancel({ request, userId, approvers, now });
      if (!verdict.ok) return verdict;
      request.cancellation = { by: userId, at: now.toISOString(), state: 'in_progress' };
      return { ok: true, request: structuredClone(request) };
    });
    if (!claim.ok) {
      this.deps.log.info('cancel_refused', { request: id, code: claim.code });
      // A click after the window: re-render so the button disappears.
      const current = this.deps.store.getRequest(id);
      if (at && current?.lpRecord) {
        await this.safely('update_record_message', () => this.deps.slack.updateRecordMessage(current, at));
      }
      return claim;
    }
    const lpRequestId = claim.request.lpRecord?.requestId ?? '';
    let record: LpRecord;
    try {
      record = await this.deps.lp.cancel(lpRequestId);
    } catch (error) {
      const code = errorCode(error);
      const people = describeForPeople(error);
      await this.change(id, (r) => {
        delete r.cancellation;
        r.history.push(this.entry('cancel_failed', userId, code));
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
    const updated = await this.change(id, (r) => {
      r.lpRecord = mergeRecord(r.lpRecord, { ...record, status: record.status ?? 'CANCELED' });
      r.status = 'cancelled';
      r.cancellation = { by: userId, at: now.toISOString(), state: 'done' };
      r.history.push(this.entry('cancelled', userId, `LivePerson request ${lpRequestId}`));
    });
    this.deps.log.info('request_cancelled', { request: id, lpRequestId });
    await this.safely('update_approval_message', () =>
      this.deps.slack.updateApprovalMessage(updated, this.deps.deletion.quota()),
    );
    if (at)
      await this.safely('update_record_message', () => this.deps.slack.updateRecordMessage(updated, at));
    await this.safely('post_cancelled', () => this.deps.slack.postCancelled(updated));
    await this.safely('notify_requester', () => this.deps.slack.notifyRequesterOutcome(updated));
    return { ok: true, request: updated };
  }

  /**
   * Reminds about approvals waiting longer than APPROVAL_REMINDER_HOURS (once: reminderSentAt is stored
   * first) and expires those older than APPROVAL_EXPIRY_DAYS. Safe to run at any time and repeatedly.
   */
  /**
   * Takes the Cancel button off thread records whose cancel window has closed (once: recordClosedAt is
   * stored first), so nobody is offered a cancel LivePerson would refuse.
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
    for (const candidate of this.deps.store.listRequests(closed)) {
      const changed = await this.deps.store.transact((draft) => {
        const request = draft.requests[candidate.id];
        if (!request || !closed(request)) return undefined;
        request.recordClosedAt = now.toISOString();
        return structuredClone(request);
      });
      const at = changed?.recordMessage;
      if (!changed || !at) continue;
      done.push(changed.id);
      await this.safely('update_record_message', () => this.deps.slack.updateRecordMessage(changed, at));
    }
    return done;
  }

  async sweepApprovals(): Promise<SweepResult> {
    const result: SweepResult = { reminded: [], expired: [] };
    const now = this.deps.now();
    const due = this.deps.store.listRequests((r) => approvalDue(r, now, this.deps.timers) !== null);
    for (const candidate of due) {
      const action = approvalDue(candidate, now, this.deps.timers);
      const changed = await this.deps.store.transact((draft) => {
        const request = draft.requests[candidate.id];
        // Checked again inside the transaction: an approval may have landed since the list was taken.
        if (!request || approvalDue(request, now, this.deps.timers) !== action) return undefined;
        if (action === 'expire') {
          request.status = 'expired';
          request.history.push(this.entry('expired'));
        } else {
          request.reminderSentAt = now.toISOString();
          request.history.push(this.entry('reminder_sent'));
        }
        return structuredClone(request);
      });
      if (!changed) continue;
      if (action === 'expire') {
        result.expired.push(changed.id);
        this.deps.log.info('request_expired', { request: changed.id });
        await this.safely('update_approval_message', () =>
          this.deps.slack.updateApprovalMessage(changed, this.deps.deletion.quota()),
        );
        await this.safely('post_expired', () => this.deps.slack.postExpired(changed));
        await this.safely('notify_requester', () => this.deps.slack.notifyRequesterOutcome(changed));
      } else {
        result.reminded.push(changed.id);
        this.deps.log.info('approval_reminder_sent', { request: changed.id });
        await this.safely('post_reminder', () =>
          this.deps.slack.postReminder(changed, expiresAt(changed, this.deps.timers)),
        );
      }
    }
    return result;
  }

  /**
   * The Home tab's lists: every pending approval (oldest first), the viewer's recent requests and, for
   * approvers, everyone's (newest first).
   */
  homeLists(
    userId: string,
    isApprover: boolean,
  ): { pending: DeletionRequest[]; mine: DeletionRequest[]; everyone?: DeletionRequest[] } {
    const all = this.deps.store.listRequests();
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

  private change(requestId: string, mutate: (request: DeletionRequest) => void): Promise<DeletionRequest> {
    return changeRequest(this.deps.store, requestId, mutate);
  }

  private entry(event: HistoryEntry['event'], by?: string, detail?: string): HistoryEntry {
    return historyEntry(this.deps.now(), event, by, detail);
  }

  private safely(step: string, work: () => Promise<unknown>): Promise<void> {
    return bestEffort(this.deps.log, step, work);
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

function errorCode(error: unknown): string {
  if (error instanceof LivePersonError) return error.code;
  return (error as { code?: string }).code ?? (error as Error).name ?? 'UNEXPECTED';
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
