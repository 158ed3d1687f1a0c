import { canFile, nextQuotaReset, quotaMonth, quotaStatus } from '../domain/quota.js';
import { effectiveUsed, type UsageSources } from '../domain/quota-usage.js';
import type { QuotaStatus, Refusal } from '../domain/outcome.js';
import type { Clock } from '../domain/clock.js';
import type { MonthUsage, QuotaKey, RequestStore } from '../store/port.js';

export interface QuotaReport extends QuotaStatus {
  month: string;
  resetsAt: Date;
  /** Where `used` comes from: lp-delete's count and LivePerson's list at the last sync. */
  sources?: UsageSources;
}

export interface QuotaServiceDeps {
  store: RequestStore;
  accountId: string;
  monthlyLimit: number;
  quotaTimeZone: string;
  now: Clock;
}

/** The month's quota: what the store counts, LivePerson's list, the limit, and when it resets. */
export class QuotaService {
  constructor(private readonly deps: QuotaServiceDeps) {}

  /** The current quota month of the account (`yyyy-mm` in QUOTA_TIMEZONE). */
  key(at: Date = this.deps.now()): QuotaKey {
    return { accountId: this.deps.accountId, month: quotaMonth(at, this.deps.quotaTimeZone) };
  }

  async report(): Promise<QuotaReport> {
    const at = this.deps.now();
    const key = this.key(at);
    return this.reportFrom(key.month, await this.deps.store.usage(key), at);
  }

  /** The report for a usage read elsewhere (e.g. under the month's lock in a store change). */
  reportFrom(month: string, usage: MonthUsage, at: Date = this.deps.now()): QuotaReport {
    const resetsAt = nextQuotaReset(at, this.deps.quotaTimeZone);
    // Requests made outside lp-delete (LivePerson's list, see quota-sync.ts) count against the same limit.
    const sources: UsageSources = { counted: usage.used, livePerson: usage.livePerson };
    return {
      month,
      ...quotaStatus({
        used: effectiveUsed(sources),
        limit: this.deps.monthlyLimit,
        spent: usage.spent,
        pendingApprovals: usage.pendingApprovals,
        resetsAt,
        timeZone: this.deps.quotaTimeZone,
      }),
      resetsAt,
      sources,
    };
  }

  /** A refusal when this month's quota is already spent (the form shows it under the type). */
  async refusalToFile(): Promise<Refusal | null> {
    const verdict = canFile(await this.report());
    return verdict.ok ? null : verdict;
  }
}
