import { tokenFailure } from '../doctor/doctor.js';
import type { Logger } from '../log.js';
import { StartupError } from './startup-error.js';

/**
 * Start-up's Slack sign-in (auth.test, through Bolt's `App.init`), retried while Slack is merely
 * unreachable, rate limiting or answering 5xx, so the app serves once Slack recovers. An answer that says
 * the token itself is wrong (`invalid_auth`, `token_revoked`…) will not change by waiting: that is a
 * StartupError with the doctor's one-line message and fix.
 */

/** Slack's own errors that mean "try again later", not "this token is wrong". */
const TRANSIENT = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
  'team_is_restricted',
]);

/** Waits between attempts: quick at first, then every 30 s for as long as Slack is away. */
export const SLACK_AUTH_DELAYS_MS = [1000, 2000, 5000, 10_000, 30_000] as const;

export interface SlackAuthOptions {
  log: Logger;
  delaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
  /** Checked before each retry: true once shutdown began, so a signal ends the waiting. */
  stopping?: () => boolean;
}

/** The `error` of a Slack platform answer (`{ok:false, error}`), undefined for transport failures. */
function platformError(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** Runs `init` until it succeeds; returns false when `stopping()` ended the wait first. */
export async function signInToSlack(init: () => Promise<void>, options: SlackAuthOptions): Promise<boolean> {
  const delays = options.delaysMs ?? SLACK_AUTH_DELAYS_MS;
  const stopping = options.stopping ?? (() => false);
  const sleep = options.sleep ?? ((ms: number) => sleepUnlessStopping(ms, stopping));
  for (let attempt = 1; ; attempt++) {
    try {
      await init();
      if (attempt > 1) options.log.info('slack_reachable', { attempts: attempt });
      return true;
    } catch (err) {
      const error = platformError(err);
      if (error !== undefined && !TRANSIENT.has(error)) {
        const { detail, fix } = tokenFailure(err);
        throw new StartupError('SLACK_TOKEN_REJECTED', `lp-delete cannot start: ${detail}. Fix: ${fix}.`);
      }
      const delayMs = delays[Math.min(attempt - 1, delays.length - 1)] ?? 30_000;
      // What went wrong in words (never the token): "Slack answered HTTP 503", "Slack could not be reached".
      options.log.warn('slack_unreachable', {
        attempt,
        detail: tokenFailure(err).detail,
        retryInMs: delayMs,
      });
      if (stopping()) return false;
      await sleep(delayMs);
      if (stopping()) return false;
    }
  }
}

/** Sleeps `ms`, waking early (within a quarter second) once `stopping()` turns true. */
async function sleepUnlessStopping(ms: number, stopping: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until && !stopping()) {
    await new Promise<void>((resolve) => setTimeout(resolve, Math.min(250, until - Date.now())));
  }
}

/** Slack's answers to apps.connections.open that a wrong or misplaced app-level token gets. */
const APP_TOKEN_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'not_allowed_token_type',
]);

/**
 * Socket Mode's connection (apps.connections.open with SLACK_APP_TOKEN) refused: a StartupError with the
 * fix when the app-level token is the problem; anything else is returned unchanged.
 */
export function explainSocketModeFailure(err: unknown): unknown {
  const error = platformError(err);
  if (error === undefined || !APP_TOKEN_ERRORS.has(error)) return err;
  return new StartupError(
    'SLACK_APP_TOKEN_REJECTED',
    `lp-delete cannot start: Slack answered ${error} for SLACK_APP_TOKEN. Fix: under Basic Information → App-Level Tokens create a token with the connections:write scope and put it (xapp-…) in SLACK_APP_TOKEN, with Socket Mode turned on for the app (manifest.socket-mode.yml does that).`,
  );
}
