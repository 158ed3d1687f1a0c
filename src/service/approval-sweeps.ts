import {
  approvalDue,
  cancellableUntil,
  expiresAt,
  historyEntry,
  type ApprovalTimers,
} from '../domain/lifecycle.js';
import type { DeletionRequest } from '../domain/request.js';
import type { Change } from '../store/port.js';
import type { UseCaseDeps } from './ports.js';

export interface SweepResult {
  reminded: string[];
  expired: string[];
}

export interface SweepsDeps extends Pick<UseCaseDeps, 'store' | 'now' | 'log'> {
  timers: ApprovalTimers;
}

/** The timed sweeps: approvals nobody decided (remind, then expire) and records whose cancel window closed. */
export class Sweeps {
  constructor(private readonly deps: SweepsDeps) {}

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
}
