import { monthRange, quotaMonth } from '../domain/quota.js';
import { alertsDue } from '../domain/quota-usage.js';
import { describeForPeople, LivePersonError } from '../liveperson/errors.js';
import type { LivePersonClient } from '../liveperson/client.js';
import type { Logger } from '../log.js';
import { usageIn, type Store } from '../store/store.js';
import type { DeletionService, QuotaReport, SlackGateway } from './deletion-service.js';

export interface QuotaSyncDeps {
  store: Store;
  lp: LivePersonClient;
  slack: SlackGateway;
  deletion: DeletionService;
  accountId: string;
  quotaTimeZone: string;
  now: () => Date;
  log: Logger;
}

export type SyncOutcome = { ok: true; quota: QuotaReport } | { ok: false; error: string; quota: QuotaReport };

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Keeps the monthly count honest: LivePerson's own list of the month's requests (those made in its UI or
 * by other tools count against the same threshold) is read at start-up, daily and on `/lp-delete quota`,
 * and stored beside lp-delete's count; the quota then uses the higher of the two (see quota-usage.ts).
 */
export class QuotaSync {
  constructor(private readonly deps: QuotaSyncDeps) {}

  /** Reads LivePerson's list of this month's requests and stores the count. Never throws. */
  async sync(): Promise<SyncOutcome> {
    const now = this.deps.now();
    const tz = this.deps.quotaTimeZone;
    const month = quotaMonth(now, tz);
    const range = monthRange(month, tz);
    try {
      // LivePerson does not say in which zone fromDate/toDate are read, so one day more on each side is
      // asked for and the month is cut by the exact instants (the 1st, 00:00 in QUOTA_TIMEZONE).
      const records = await this.deps.lp.list({
        fromDate: shiftDay(range.fromDate, -1),
        toDate: shiftDay(range.toDate, 1),
      });
      const inMonth = records.filter((r) => {
        const at = r.requestTime ? Date.parse(r.requestTime) : Number.NaN;
        // Without a request time LivePerson's own date filter is all we have: count it, erring high.
        return Number.isNaN(at) || (at >= range.start.getTime() && at < range.end.getTime());
      });
      const known = new Set(
        (await this.deps.store.allRequests())
          .map((r) => r.lpRecord?.requestId)
          .filter((id): id is string => Boolean(id)),
      );
      const external = inMonth.filter((r) => !known.has(r.requestId)).length;
      await this.deps.store.transact((draft) => {
        usageIn(draft, this.deps.accountId, month).livePerson = {
          total: inMonth.length,
          external,
          syncedAt: now.toISOString(),
        };
      });
      this.deps.log.info('quota_synced', { month, livePersonTotal: inMonth.length, external });
      await this.checkAlerts();
      return { ok: true, quota: this.deps.deletion.quota() };
    } catch (error) {
      const code = error instanceof LivePersonError ? error.code : (error as Error).name;
      this.deps.log.warn('quota_sync_failed', { month, code });
      return { ok: false, error: describeForPeople(error).what, quota: this.deps.deletion.quota() };
    }
  }

  /** Syncs when this month was never synced or the last sync is older than `maxAgeMs` (a day). */
  async syncIfStale(maxAgeMs: number = DAY_MS): Promise<SyncOutcome | undefined> {
    const now = this.deps.now();
    const month = quotaMonth(now, this.deps.quotaTimeZone);
    const last = this.deps.store.monthUsage(this.deps.accountId, month).livePerson?.syncedAt;
    if (last && now.getTime() - Date.parse(last) < maxAgeMs) return undefined;
    return this.sync();
  }

  /**
   * Tells the privacy channel when the month's use reaches 80% and 100%, once per month each: the level
   * is marked as sent in the same transaction that decides to send it.
   */
  async checkAlerts(): Promise<number[]> {
    const quota = this.deps.deletion.quota();
    const sent = () => this.deps.store.monthUsage(this.deps.accountId, quota.month).alertsSent ?? {};
    if (alertsDue(quota.used, quota.limit, quota.spent, sent()).length === 0) return [];
    const at = this.deps.now().toISOString();
    const levels = await this.deps.store.transact((draft) => {
      const usage = usageIn(draft, this.deps.accountId, quota.month);
      const due = alertsDue(quota.used, quota.limit, quota.spent, usage.alertsSent ?? {});
      usage.alertsSent = { ...usage.alertsSent, ...Object.fromEntries(due.map((l) => [String(l), at])) };
      return due;
    });
    const [highest] = levels;
    if (highest === undefined) return [];
    this.deps.log.info('quota_alert', { month: quota.month, level: highest, used: quota.used });
    try {
      await this.deps.slack.postQuotaAlert(highest, quota);
    } catch (error) {
      this.deps.log.error('slack_step_failed', {
        step: 'post_quota_alert',
        code: (error as { code?: string }).code ?? (error as Error).name,
      });
    }
    return levels;
  }
}

/** `2026-11-01` ± days, as `yyyy-mm-dd`. */
function shiftDay(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
