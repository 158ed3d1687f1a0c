/*
 * Two counts of the month's deletion requests: lp-delete's own (each approval, whatever its outcome might
 * be) and LivePerson's list (every request on the account, including those made elsewhere). Neither is
 * complete on its own, so the higher wins.
 */

export interface LivePersonCount {
  /** Requests LivePerson listed for the month at the last sync. */
  total: number;
  /** Of those, the ones lp-delete did not file (another tool, LivePerson's UI). */
  external: number;
  syncedAt: string;
}

export interface UsageSources {
  /** Counted by lp-delete. */
  counted: number;
  livePerson?: LivePersonCount;
}

/**
 * The count the quota uses: lp-delete's count plus the requests made elsewhere, or LivePerson's total
 * when that is higher (e.g. a request whose outcome was unknown did reach LivePerson).
 */
export function effectiveUsed({ counted, livePerson }: UsageSources): number {
  if (!livePerson) return counted;
  return Math.max(counted + livePerson.external, livePerson.total);
}

/** The privacy channel is told once per month when the count reaches each of these percentages. */
export const QUOTA_ALERT_LEVELS = [80, 100] as const;
export type QuotaAlertLevel = (typeof QUOTA_ALERT_LEVELS)[number];

/**
 * Levels reached and not yet announced this month, highest first. Reaching 100% at once reports only
 * 100 (a separate 80% message would be noise) but both are returned so both are marked as sent.
 */
export function alertsDue(
  used: number,
  limit: number,
  spent: boolean,
  alreadySent: Readonly<Record<string, string>>,
): QuotaAlertLevel[] {
  const reached = QUOTA_ALERT_LEVELS.filter(
    (level) => spent || used >= Math.ceil((limit * level) / 100),
  ).filter((level) => !alreadySent[String(level)]);
  return [...reached].sort((a, b) => b - a);
}
