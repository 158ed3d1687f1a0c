import type { Logger } from '../log.js';
import { CHANNEL_LANE, type OwedNotice } from '../store/port.js';
import type { DeliveryVerdict } from './ports.js';

/** The delays a notice's retries wait. */
export interface RetryTimings {
  /** First retry delay (default 1 s); doubles per attempt. */
  baseDelayMs?: number;
  /** Longest pause between tries of a transient failure (default 5 minutes). */
  maxTransientDelayMs?: number;
  /** Longest pause between tries of a failure an admin must fix (default 1 hour): tried for days. */
  maxAdminDelayMs?: number;
}

/** How long to wait before attempt `attempts + 1`: doubling from the base, capped by the verdict's kind. */
export function retryDelay(timings: RetryTimings, verdict: DeliveryVerdict, attempts: number): number {
  const base = timings.baseDelayMs ?? 1_000;
  const growth = base * 2 ** Math.min(attempts, 20);
  if (verdict.kind === 'transient') {
    const cap = timings.maxTransientDelayMs ?? 5 * 60_000;
    return Math.min(cap, Math.max(growth, verdict.afterMs ?? 0));
  }
  return Math.min(timings.maxAdminDelayMs ?? 60 * 60_000, Math.max(growth, base * 4));
}

/**
 * Logs a failed attempt: a transient one as a warning; one an admin must fix, or a refusal of ours,
 * loudly once per notice and cause (`warned` remembers), then quieter.
 */
export function logFailure(
  log: Logger,
  warned: Set<string>,
  owed: OwedNotice,
  verdict: DeliveryVerdict,
  delay: number,
): void {
  const fields = {
    kind: owed.notice.kind,
    request: owed.lane === CHANNEL_LANE ? undefined : owed.lane,
    attempts: owed.attempts + 1,
    slackError: verdict.code,
    retryInMs: delay,
  };
  const key = `${owed.lane}:${owed.seq}:${verdict.code}`;
  if (verdict.kind === 'transient' || warned.has(key)) {
    log.warn('notice_retry', fields);
    return;
  }
  warned.add(key);
  log.error(verdict.kind === 'ours' ? 'notice_rejected_by_slack' : 'notice_needs_admin', {
    ...fields,
    ...(verdict.kind === 'ours' && verdict.detail ? { detail: verdict.detail } : {}),
  });
}
