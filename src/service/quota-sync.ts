import { DAY_MS, shiftDate } from '../domain/durations.js';
import { monthRange } from '../domain/quota.js';
import { alertsDue } from '../domain/quota-usage.js';
import type { QuotaReport } from './quota-service.js';
import { errorCode } from '../domain/error-code.js';
import type { UseCaseDeps } from './ports.js';

export interface QuotaSyncDeps extends Pick<UseCaseDeps, 'store' | 'lp' | 'quota' | 'now' | 'log'> {
  quotaTimeZone: string;
}

/** `error`: why LivePerson could not be asked (described where it is shown). */
export type SyncOutcome = { quota: QuotaReport } & ({ ok: true } | { ok: false; error: unknown });

/** `/lp-delete quota` reuses a sync younger than this. */
export const QUOTA_REUSE_MS = 60_000;

/**
 * Keeps the monthly count honest: LivePerson's own list of the month's requests (those made in its UI or
 * by other tools count against the same threshold) is read at start-up, daily and on `/lp-delete quota`,
 * and stored beside lp-delete's count; the quota then uses the higher of the two (see quota-usage.ts).
 */
export class QuotaSync {
  private inFlight: Promise<SyncOutcome> | undefined;

  constructor(private readonly deps: QuotaSyncDeps) {}

  /**
   * For `/lp-delete quota`: the last sync when it is younger than QUOTA_REUSE_MS, else a new one; a sync
   * under way is joined. So any number of people asking within a minute cost one LivePerson call.
   */
  async syncFresh(): Promise<SyncOutcome> {
    if (this.inFlight) return this.inFlight;
    if (await this.syncedWithin(QUOTA_REUSE_MS)) return { ok: true, quota: await this.deps.quota.report() };
    return this.sync();
  }

  /** Reads LivePerson's list of this month's requests and stores the count; joins one under way. Never throws. */
  sync(): Promise<SyncOutcome> {
    this.inFlight ??= this.syncNow().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async syncNow(): Promise<SyncOutcome> {
    const now = this.deps.now();
    const key = this.deps.quota.key(now);
    const range = monthRange(key.month, this.deps.quotaTimeZone);
    try {
      // LivePerson does not say in which zone fromDate/toDate are read, so one day more on each side is
      // asked for and the month is cut by the exact instants (the 1st, 00:00 in QUOTA_TIMEZONE).
      const records = await this.deps.lp.list({
        fromDate: shiftDate(range.fromDate, -1),
        toDate: shiftDate(range.toDate, 1),
      });
      const inMonth = records.filter((r) => {
        const at = r.requestTime ? Date.parse(r.requestTime) : Number.NaN;
        // Without a request time LivePerson's own date filter is all we have: count it, erring high.
        return Number.isNaN(at) || (at >= range.start.getTime() && at < range.end.getTime());
      });
      let external = 0;
      for (const record of inMonth) {
        if (!(await this.deps.store.findByLpRequestId(record.requestId))) external += 1;
      }
      await this.deps.store.updateMonth(key, (state) => ({
        value: undefined,
        state: { ...state, livePerson: { total: inMonth.length, external, syncedAt: now.toISOString() } },
      }));
      this.deps.log.info('quota_synced', { month: key.month, livePersonTotal: inMonth.length, external });
      await this.checkAlerts();
      return { ok: true, quota: await this.deps.quota.report() };
    } catch (error) {
      this.deps.log.warn('quota_sync_failed', { month: key.month, code: errorCode(error) });
      return { ok: false, error, quota: await this.deps.quota.report() };
    }
  }

  /** Syncs when this month was never synced or the last sync is older than a day. */
  async syncIfStale(): Promise<SyncOutcome | undefined> {
    return (await this.syncedWithin(DAY_MS)) ? undefined : this.sync();
  }

  private async syncedWithin(maxAgeMs: number): Promise<boolean> {
    const now = this.deps.now();
    const last = (await this.deps.store.usage(this.deps.quota.key(now))).livePerson?.syncedAt;
    return !!last && now.getTime() - Date.parse(last) < maxAgeMs;
  }

  /**
   * Tells the privacy channel when the month's use reaches 80% and 100%, once per month each: the level
   * is marked as sent in the same write that queues the alert.
   */
  async checkAlerts(): Promise<number[]> {
    const quota = await this.deps.quota.report();
    const key = { ...this.deps.quota.key(), month: quota.month };
    const at = this.deps.now().toISOString();
    const levels = await this.deps.store.updateMonth(key, (state) => {
      const due = alertsDue(quota.used, quota.limit, quota.spent, state.alertsSent);
      const [highest] = due;
      if (highest === undefined) return { value: due };
      return {
        value: due,
        state: {
          ...state,
          alertsSent: { ...state.alertsSent, ...Object.fromEntries(due.map((l) => [String(l), at])) },
        },
        notices: [{ kind: 'quota_alert', level: highest, month: quota.month }],
      };
    });
    if (levels[0] !== undefined) {
      this.deps.log.info('quota_alert', { month: quota.month, level: levels[0], used: quota.used });
    }
    return levels;
  }
}
