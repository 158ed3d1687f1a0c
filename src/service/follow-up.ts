import { DAY_MS, utcDate } from '../domain/durations.js';
import { awaitsLivePerson, followUpDue, overdueFlagDue, takeLpStatus } from '../domain/follow-up.js';
import { historyEntry, submittedAt } from '../domain/lifecycle.js';
import type { DeletionRequest } from '../domain/request.js';
import type { LpRecord } from '../domain/types.js';
import type { Change } from '../store/port.js';
import { errorCode } from '../domain/error-code.js';
import type { UseCaseDeps } from './ports.js';
import { Periodic } from './periodic.js';

export interface FollowUpDeps extends Pick<UseCaseDeps, 'store' | 'lp' | 'now' | 'log'> {
  /** Reconciles unknown outcomes and interrupted submissions with LivePerson's list (Submission.recover). */
  recover: () => Promise<void>;
  /** STATUS_POLL_MINUTES in milliseconds. */
  intervalMs: number;
  /** Proof of erasure: DONE starts a read-back, and each round starts the checks due (in the background). */
  verification?: { kick(): void };
}

export interface FollowUpResult {
  checked: number;
  completed: string[];
  overdue: string[];
}

/**
 * Follows every submitted request at LivePerson until it is final (DONE or CANCELED), on one schedule
 * for all: one list call covers them when more than one is due, a get per request otherwise (and for any
 * the list left out). What it learnt is stored with the time of the read (`lpStatusCheckedAt`), so a
 * restart neither forgets a request nor asks about it early; with replicas, one runs it
 * (`store.exclusive('follow-up', …)`). Unknown outcomes are reconciled on the same schedule.
 */
export class FollowUp extends Periodic<FollowUpResult> {
  constructor(private readonly deps: FollowUpDeps) {
    super({ ...deps, lock: 'follow-up', idle: () => ({ checked: 0, completed: [], overdue: [] }) });
  }

  protected async round(): Promise<FollowUpResult> {
    const result: FollowUpResult = { checked: 0, completed: [], overdue: [] };
    try {
      await this.deps.recover();
    } catch (error) {
      this.deps.log.error('follow_up_failed', { step: 'recover', code: errorCode(error) });
    }
    const now = this.deps.now();
    const open = await this.deps.store.listOpen();
    const due = open.filter((r) => followUpDue(r, now, this.deps.intervalMs));
    if (due.length > 0) {
      const answers = await this.ask(due, now);
      for (const request of due) {
        const fresh = answers.get(request.lpRecord?.requestId ?? '');
        if (fresh === undefined) continue;
        result.checked += 1;
        if (await this.take(request.id, fresh, now)) result.completed.push(request.id);
      }
    }
    for (const candidate of (await this.deps.store.listOpen()).filter((r) => overdueFlagDue(r, now))) {
      const flagged = await this.deps.store.update(candidate.id, (request): Change<boolean> => {
        if (!request || !overdueFlagDue(request, now)) return { value: false };
        const next: DeletionRequest = {
          ...request,
          overdueFlaggedAt: now.toISOString(),
          history: [...request.history, historyEntry(now, 'overdue_flagged')],
        };
        return { value: true, request: next, notices: [{ kind: 'overdue_post' }] };
      });
      if (flagged) {
        result.overdue.push(candidate.id);
        this.deps.log.warn('request_overdue', { request: candidate.id });
      }
    }
    // Never awaited: verification reads must not hold up this round or the next.
    this.deps.verification?.kick();
    if (result.checked > 0 || result.overdue.length > 0) {
      this.deps.log.info('follow_up_done', {
        checked: result.checked,
        completed: result.completed.length,
        overdue: result.overdue.length,
      });
    }
    return result;
  }

  /**
   * LivePerson's answer for each due request, by LivePerson request id: null when LivePerson has no such
   * request; absent when it could not be asked (tried again next round).
   */
  private async ask(due: DeletionRequest[], now: Date): Promise<Map<string, LpRecord | null>> {
    const answers = new Map<string, LpRecord | null>();
    let missing = due;
    if (due.length > 1) {
      const times = due.map((r) => submittedAt(r)?.getTime() ?? now.getTime());
      try {
        // One day more on each side: LivePerson does not say in which zone it reads the dates.
        const listed = await this.deps.lp.list({
          fromDate: utcDate(Math.min(...times) - DAY_MS),
          toDate: utcDate(now.getTime() + DAY_MS),
        });
        const byId = new Map(listed.map((r) => [r.requestId, r]));
        for (const request of due) {
          const id = request.lpRecord?.requestId ?? '';
          const found = byId.get(id);
          if (found) answers.set(id, found);
        }
        missing = due.filter((r) => !answers.has(r.lpRecord?.requestId ?? ''));
      } catch (error) {
        this.deps.log.warn('follow_up_list_failed', { code: errorCode(error) });
        return answers;
      }
    }
    for (const request of missing) {
      const id = request.lpRecord?.requestId ?? '';
      try {
        answers.set(id, await this.deps.lp.get(id));
      } catch (error) {
        this.deps.log.warn('follow_up_get_failed', { request: request.id, code: errorCode(error) });
        // LivePerson is limiting or failing: leave the rest for the next round.
        if (errorCode(error) === 'LP_RATE_LIMITED') break;
      }
    }
    return answers;
  }

  /** Stores one answer; true when it completed the request (DONE seen for the first time). */
  private async take(id: string, fresh: LpRecord | null, now: Date): Promise<boolean> {
    return this.deps.store.update(id, (request): Change<boolean> => {
      if (!request || !awaitsLivePerson(request)) return { value: false };
      if (fresh === null) {
        // LivePerson has no such request (any more): ask again next round, but say so in the log.
        this.deps.log.warn('follow_up_not_found', { request: id });
        return { value: false, request: { ...request, lpStatusCheckedAt: now.toISOString() } };
      }
      const { next, notices } = takeLpStatus(request, fresh, now, this.deps.verification !== undefined);
      return { value: next.completedAt !== request.completedAt, request: next, notices };
    });
  }
}
