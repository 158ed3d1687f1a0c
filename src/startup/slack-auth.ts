import { slackErrorOf, tokenFailure } from '../doctor/checks/slack.js';
import { hostOf } from '../doctor/network-cause.js';
import type { Logger } from '../log.js';
import { refusesToken, slackPlatformError, waitsOutAtSignIn } from '../slack/slack-errors.js';
import { StartupError } from './startup-error.js';

/**
 * Start-up's Slack sign-in (auth.test, through Bolt's `App.init`), retried while Slack is merely
 * unreachable, rate limiting or answering 5xx, so the app serves once Slack recovers. An answer that says
 * the token itself is wrong (`invalid_auth`, `token_revoked`…) will not change by waiting: that is a
 * StartupError with the doctor's one-line message and fix.
 */

/** Waits between attempts: quick at first, then every 30 s for as long as Slack is away. */
const SLACK_AUTH_DELAYS_MS = [1000, 2000, 5000, 10_000, 30_000] as const;

/** How long one sign-in attempt may take before it counts as "no answer" (the Web API client's own retries included). */
const SLACK_AUTH_TIMEOUT_MS = 10_000;

export interface SlackAuthOptions {
  log: Logger;
  /** Slack's Web API base URL (SLACK_API_URL, or Slack's own): its host is named when it cannot be reached. */
  apiUrl?: string;
  /** Told one plain line per failed attempt, for a person at a terminal (index.ts: stderr). */
  say?: (line: string) => void;
  delaysMs?: readonly number[];
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Checked before each retry: true once shutdown began, so a signal ends the waiting. */
  stopping?: () => boolean;
}

/** "30 s", "2 min": when the next attempt is. */
function inWords(ms: number): string {
  return ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

/**
 * Runs `init` until it succeeds; returns false when `stopping()` ended the wait first. One attempt is in
 * flight at a time: when an attempt outlives its deadline, the next try waits on that same call again
 * rather than starting a second sign-in beside it (a late failure of the first would undo the second).
 */
export async function signInToSlack(init: () => Promise<void>, options: SlackAuthOptions): Promise<boolean> {
  const delays = options.delaysMs ?? SLACK_AUTH_DELAYS_MS;
  const timeoutMs = options.timeoutMs ?? SLACK_AUTH_TIMEOUT_MS;
  const host = hostOf(options.apiUrl ?? 'https://slack.com/api/');
  const stopping = options.stopping ?? (() => false);
  const sleep = options.sleep ?? ((ms: number) => sleepUnlessStopping(ms, stopping));
  let inFlight: Promise<void> | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      if (!inFlight) {
        const call = init();
        inFlight = call;
        const settled = () => {
          if (inFlight === call) inFlight = undefined;
        };
        call.then(settled, settled);
      }
      const outcome = await withDeadline(inFlight, timeoutMs, stopping);
      if (outcome === 'stopping') return false;
      if (attempt > 1) options.log.info('slack_reachable', { attempts: attempt });
      return true;
    } catch (err) {
      const { error, transport } = slackErrorOf(err, host, timeoutMs);
      if (error !== undefined && !waitsOutAtSignIn(error)) {
        throw new StartupError('SLACK_TOKEN_REJECTED', tokenFailure(err));
      }
      const delayMs = delays[Math.min(attempt - 1, delays.length - 1)] ?? 30_000;
      const cause = transport ?? `${host} answered ${error}`;
      // The cause in words (never the token): "DNS failure for slack.com", "slack.com answered HTTP 503".
      options.log.warn('slack_unreachable', { attempt, host, detail: cause, retryInMs: delayMs });
      options.say?.(
        `lp-delete is still starting: Slack unreachable (${cause}), retrying in ${inWords(delayMs)}`,
      );
      if (stopping()) return false;
      await sleep(delayMs);
      if (stopping()) return false;
    }
  }
}

/** Settles with `call`, or rejects as a timeout after `ms`, or returns 'stopping' once a stop was asked for. */
async function withDeadline(
  call: Promise<void>,
  ms: number,
  stopping: () => boolean,
): Promise<'done' | 'stopping'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'stopping'>((resolve, reject) => {
    const until = Date.now() + ms;
    const tick = () => {
      if (stopping()) resolve('stopping');
      else if (Date.now() >= until)
        reject(Object.assign(new Error('no answer in time'), { name: 'TimeoutError' }));
      else timer = setTimeout(tick, Math.min(250, until - Date.now()));
    };
    tick();
  });
  try {
    return await Promise.race([call.then(() => 'done' as const), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sleeps `ms`, waking early (within a quarter second) once `stopping()` turns true. */
async function sleepUnlessStopping(ms: number, stopping: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until && !stopping()) {
    await new Promise<void>((resolve) => setTimeout(resolve, Math.min(250, until - Date.now())));
  }
}

/**
 * Socket Mode's connection (apps.connections.open with SLACK_APP_TOKEN) refused: a StartupError with the
 * fix when the app-level token is the problem; anything else is returned unchanged.
 */
export function explainSocketModeFailure(err: unknown): unknown {
  const error = slackPlatformError(err);
  if (error === undefined || !refusesToken(error)) return err;
  return new StartupError('SLACK_APP_TOKEN_REJECTED', {
    detail: `Slack answered ${error} for SLACK_APP_TOKEN`,
    fix: 'make an app-level token with connections:write (Basic Information) and turn Socket Mode on',
  });
}
