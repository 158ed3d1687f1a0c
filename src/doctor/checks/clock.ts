import axios from 'axios';
import type { CoreConfig } from '../../config.js';
import { systemClock, type Clock } from '../../domain/clock.js';
import { isLoopbackUrl } from '../../liveperson/transport.js';
import { passed, warned, type CheckResult } from '../result.js';

/**
 * Clock sense: this machine's clock against LivePerson's and Slack's, read from the `Date` header of one
 * cheap answer each (the Domain API look-up, Slack's api.test; any status will do, the header is what is
 * read). A clock minutes off makes LivePerson's list of requests look as if a request had never been made,
 * and approval timers run early or late. The header has one-second resolution and the answer a round
 * trip: both are allowed for, so only a skew beyond SKEW_LIMIT_MS is reported.
 */

const SKEW_LIMIT_MS = 60_000;

export interface ClockDeps {
  now?: Clock;
  /** Per answer; default 5 s. */
  timeoutMs?: number;
}

interface Reading {
  source: 'LivePerson' | 'Slack';
  /** Their clock minus ours, ms (positive: ours is behind). */
  skewMs: number;
  /** How far the reading may be off either way (header resolution and half the round trip). */
  errorMs: number;
}

/** The skew of the clock behind `url`'s answers, or undefined when no answer with a Date header came. */
async function readClock(
  source: Reading['source'],
  method: 'GET' | 'POST',
  url: string,
  deps: ClockDeps,
): Promise<Reading | undefined> {
  const now = deps.now ?? systemClock;
  const sent = now().getTime();
  try {
    const answer = await axios.request({
      method,
      url,
      timeout: deps.timeoutMs ?? 5_000,
      validateStatus: () => true,
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      ...(isLoopbackUrl(url) ? { proxy: false as const } : {}),
    });
    const received = now().getTime();
    const header: unknown = answer.headers.date;
    const theirs = typeof header === 'string' ? Date.parse(header) : NaN;
    if (Number.isNaN(theirs)) return undefined;
    // The header is truncated to the second: their clock was within [theirs, theirs + 1 s).
    return {
      source,
      skewMs: theirs + 500 - (sent + received) / 2,
      errorMs: 500 + (received - sent) / 2,
    };
  } catch {
    return undefined;
  }
}

function amount(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes} min ${seconds % 60} s` : `${seconds} s`;
}

/** The doctor's `clock` line: a warning when ours is more than a minute off LivePerson's or Slack's. */
export async function checkClock(
  core: CoreConfig,
  slackApiUrl: string | undefined,
  deps: ClockDeps = {},
): Promise<CheckResult> {
  const lp = core.liveperson;
  const readings = (
    await Promise.all([
      readClock(
        'LivePerson',
        'GET',
        `${lp.domainApiUrl}/api/account/${encodeURIComponent(lp.accountId)}/service/rtbf/baseURI.json?version=1.0`,
        deps,
      ),
      readClock(
        'Slack',
        'POST',
        `${(slackApiUrl ?? 'https://slack.com/api/').replace(/\/?$/, '/')}api.test`,
        deps,
      ),
    ])
  ).filter((r): r is Reading => r !== undefined);
  if (readings.length === 0) {
    return passed('clock', 'not compared: neither LivePerson nor Slack answered with the time');
  }
  const off = readings.filter((r) => Math.abs(r.skewMs) - r.errorMs > SKEW_LIMIT_MS);
  if (off.length === 0) {
    return passed('clock', `within a minute of ${readings.map((r) => r.source).join(' and ')}`);
  }
  const said = off
    .map((r) => `${amount(r.skewMs)} ${r.skewMs > 0 ? 'behind' : 'ahead of'} ${r.source}'s`)
    .join(', and ');
  return warned(
    'clock',
    `this machine's clock is ${said} (from the Date header of their answers)`,
    "set the clock right and keep it synchronised (NTP: e.g. `timedatectl set-ntp true`, or the container host's time service); LivePerson's list of requests and the approval timers are read against it",
  );
}
