/**
 * One line of the set-up self-check: what was checked, whether it works, and how to fix it. Results never
 * carry tokens, secrets, deletion ids or reasons: only setting names, Slack names and ids, hosts, counts
 * and file paths.
 */
export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
  /** Works, but worth attention (ok stays true): e.g. too few approvers for four-eyes on every request. */
  warning?: boolean;
  /** Not run because an earlier check failed (ok is false: the set-up is not known to work). */
  skipped?: boolean;
}

export const SKIPPED_CONFIG = 'skipped: fix the configuration first';

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
