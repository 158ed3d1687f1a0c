/**
 * The real app in its own process, for tests that kill it. Same start-up as `npm start` (src/server.ts),
 * plus an optional fault: LP_DELETE_TEST_FAULT=kill-after-create makes the process die (SIGKILL, no
 * clean-up) the moment LivePerson has answered a create (the LP_DELETE_TEST_FAULT_AFTER-th, default the
 * first), before anything is stored.
 * LP_DELETE_TEST_SWEEP_MS runs the periodic sweep (reminders, expiry) this often instead of every
 * 10 minutes, so a test sees it run on every replica. LP_DELETE_TEST_LOCK_STALE_MS shortens the data folder
 * lock's staleness time, so a test can pause a holder past it.
 * LP_DELETE_TEST_SLACK_TIMEOUT_MS, LP_DELETE_TEST_CLAIM_MS, LP_DELETE_TEST_NOTICE_BASE_MS and
 * LP_DELETE_TEST_GRACE_MS shorten the Slack call timeout, the notice claim, the first notice retry delay and
 * the shutdown grace (Slack delivery tests, issue 25); LP_DELETE_TEST_CLOCK_SKEW_MS sets the wall clock off.
 */
import './skew-clock.js';
import { serveUntilSignalled } from '../../src/server.js';

const fault = process.env.LP_DELETE_TEST_FAULT;
/** kill-after-create: die after this many creates (default the first). */
let createsLeft = Number(process.env.LP_DELETE_TEST_FAULT_AFTER ?? '1');
const sweepMs = Number(process.env.LP_DELETE_TEST_SWEEP_MS ?? '');
const lockStaleMs = Number(process.env.LP_DELETE_TEST_LOCK_STALE_MS ?? '');
const ms = (name: string) => {
  const value = Number(process.env[name] ?? '');
  return value > 0 ? value : undefined;
};
const timings = {
  ...(sweepMs > 0 ? { sweepIntervalMs: sweepMs } : {}),
  slackTimeoutMs: ms('LP_DELETE_TEST_SLACK_TIMEOUT_MS'),
  noticeClaimMs: ms('LP_DELETE_TEST_CLAIM_MS'),
  noticeBaseDelayMs: ms('LP_DELETE_TEST_NOTICE_BASE_MS'),
  shutdownGraceMs: ms('LP_DELETE_TEST_GRACE_MS'),
};

await serveUntilSignalled({
  timings,
  ...(lockStaleMs > 0 ? { lockStaleMs } : {}),
  wrapLivePerson: (client) =>
    fault === 'kill-after-create'
      ? {
          ...client,
          create: async (type, ids) => {
            const record = await client.create(type, ids);
            createsLeft -= 1;
            if (createsLeft <= 0) process.kill(process.pid, 'SIGKILL');
            return record;
          },
        }
      : client,
});
