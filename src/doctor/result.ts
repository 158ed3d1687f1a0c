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

/*
 * The four kinds of result, so that each check says only its words. The keys keep one order (name, ok,
 * warning or skipped, detail, fix): `npm run -s doctor -- --json` prints them as they are.
 */
export const passed = (name: string, detail: string): CheckResult => ({ name, ok: true, detail });
export const warned = (name: string, detail: string, fix: string): CheckResult => ({
  name,
  ok: true,
  warning: true,
  detail,
  fix,
});
export const failed = (name: string, detail: string, fix: string): CheckResult & { fix: string } => ({
  name,
  ok: false,
  detail,
  fix,
});
export const skipped = (name: string, detail = SKIPPED_CONFIG): CheckResult => ({
  name,
  ok: false,
  skipped: true,
  detail,
});

/** How the doctor names each kind of LivePerson credentials. */
export const AUTH_KINDS = { oauth2: 'OAuth 2.0', oauth1: 'OAuth 1.0a', bearer: 'bearer token' } as const;
