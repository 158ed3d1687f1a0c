import type { Logger } from '../log.js';
import type { LifecycleService, SweepResult } from './lifecycle-service.js';
import type { QuotaSync } from './quota-sync.js';

export interface HousekeepingDeps {
  lifecycle: LifecycleService;
  quotaSync: QuotaSync;
  /** How often the sweep runs (default 10 minutes). */
  intervalMs?: number;
  log: Logger;
}

export const DEFAULT_SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/**
 * The periodic sweep: approval reminders and expiry, the daily quota sync, quota alerts. Everything it
 * does is decided from the store and the clock, so a restart loses nothing and a run never repeats what an
 * earlier one did. Tests call `runOnce` directly with their own clock.
 */
export class Housekeeping {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepResult> | undefined;

  constructor(private readonly deps: HousekeepingDeps) {}

  /** One sweep; a sweep already under way is joined rather than run twice at once. */
  runOnce(): Promise<SweepResult> {
    this.running ??= this.sweep().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.deps.intervalMs ?? DEFAULT_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async sweep(): Promise<SweepResult> {
    let result: SweepResult = { reminded: [], expired: [] };
    try {
      result = await this.deps.lifecycle.sweepApprovals();
    } catch (error) {
      this.deps.log.error('sweep_failed', { step: 'approvals', code: (error as Error).name });
    }
    await this.deps.lifecycle.sweepRecords().catch((error: unknown) => {
      this.deps.log.error('sweep_failed', { step: 'records', code: (error as Error).name });
    });
    await this.deps.quotaSync.syncIfStale();
    await this.deps.quotaSync.checkAlerts().catch((error: unknown) => {
      this.deps.log.error('sweep_failed', { step: 'quota_alerts', code: (error as Error).name });
    });
    return result;
  }
}
