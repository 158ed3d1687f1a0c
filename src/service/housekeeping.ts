import type { SweepResult, Sweeps } from './approval-sweeps.js';
import type { QuotaSync } from './quota-sync.js';
import { errorCode } from '../domain/error-code.js';
import { Periodic } from './periodic.js';
import type { UseCaseDeps } from './ports.js';

export interface HousekeepingDeps extends Pick<UseCaseDeps, 'store' | 'log'> {
  sweeps: Sweeps;
  quotaSync: QuotaSync;
  /** Looks up submissions cut off by a crash (here or on a replica) and unknown outcomes at LivePerson. */
  recover: () => Promise<void>;
  /** Offers held-back open conversations that have closed since (erasing a person). */
  recheckHeldBack?: () => Promise<unknown>;
  /** Removes expired person searches, and the oldest past the bound. */
  purgeSearches?: () => Promise<unknown>;
  /** Completes Workflow Builder steps whose decision has played out (after a restart, a lost call). */
  settleWorkflowSteps?: () => Promise<unknown>;
  /** How often the sweep runs (default 10 minutes). */
  intervalMs?: number;
}

export const DEFAULT_SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/**
 * The periodic sweep: interrupted submissions and unknown outcomes reconciled with LivePerson, approval
 * reminders and expiry, Cancel buttons taken off closed windows, the daily quota sync, quota alerts.
 * Everything it does is decided from the store and the clock, so a restart loses nothing and a run
 * never repeats what an earlier one did; with replicas, one runs it at a time (store.exclusive).
 */
export class Housekeeping extends Periodic<SweepResult> {
  constructor(private readonly deps: HousekeepingDeps) {
    super({
      store: deps.store,
      lock: 'sweep',
      intervalMs: deps.intervalMs ?? DEFAULT_SWEEP_INTERVAL_MS,
      idle: () => ({ reminded: [], expired: [] }),
    });
  }

  protected async round(): Promise<SweepResult> {
    const step = async <T>(name: string, work?: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await work?.();
      } catch (error) {
        this.deps.log.error('sweep_failed', { step: name, code: errorCode(error) });
        return undefined;
      }
    };
    await step('recover', () => this.deps.recover());
    const result = (await step('approvals', () => this.deps.sweeps.sweepApprovals())) ?? {
      reminded: [],
      expired: [],
    };
    await step('records', () => this.deps.sweeps.sweepRecords());
    await step('quota_sync', () => this.deps.quotaSync.syncIfStale());
    await step('quota_alerts', () => this.deps.quotaSync.checkAlerts());
    await step('held_back', this.deps.recheckHeldBack);
    await step('person_searches', this.deps.purgeSearches);
    await step('workflow_steps', this.deps.settleWorkflowSteps);
    return result;
  }
}
