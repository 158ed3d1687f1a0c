/**
 * Fault injection against the real app: crashes, Slack and LivePerson outages, click storms and hostile
 * input. Every case records a row (fault, expected, observed, requests lost, duplicate submissions);
 * `npm run reliability` writes the table to docs/reliability.md.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateIdsText } from '../../src/domain/ids.js';
import { ACTION, BLOCK } from '../../src/slack/ids.js';
import { openFileStore } from '../../src/store/lowdb/file-store.js';
import { ChildApp } from '../support/child-app.js';
import { ACCOUNT_ID, APPROVER, APPROVER_2, Harness, REQUESTER, SIGNING_SECRET } from '../support/harness.js';
import { signSlackRequest } from '../support/slack-request.js';
import { record, writeRowsOnExit } from './rows.js';

writeRowsOnExit(afterAll, 'The app under faults');

/** LivePerson requests created beyond one per distinct approved request. */
function duplicates(h: Harness): number {
  return Math.max(0, h.lp.requests.length - new Set(h.lp.requests.map((r) => JSON.stringify(r.ids))).size);
}

describe('fault injection (real app, fake Slack, LivePerson sandbox)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
  });
  afterEach(async () => {
    await h.close();
  });

  /**
   * A first create LivePerson answered: reconciliation takes only records with lp-delete's own
   * `requested_by`, which it learns from such an answer (issue 25).
   */
  async function warmUp(): Promise<void> {
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR-WARM',
    });
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(async () =>
      (await h.store.get(requestId))?.status === 'submitted' ? true : undefined,
    );
  }

  it('kill between LivePerson’s answer and the store write: the restart finds it at LivePerson', async () => {
    await warmUp();
    await h.stopApp();
    h.external = true;
    const env = h.appEnv();
    const first = await ChildApp.start({ ...env, LP_DELETE_TEST_FAULT: 'kill-after-create' });
    h.appUrl = first.url;
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR-CRASH',
    });
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    const exit = await first.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(h.lp.requests).toHaveLength(2);

    const second = await ChildApp.start(env);
    h.appUrl = second.url;
    // A fresh process (tsx start-up) under a loaded CI machine: allow it time.
    const thread = await h.slack.waitFor(() => h.threadTexts(ts).find((t) => t.includes('127224')), 20_000);
    second.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    const reader = await openFileStore(h.appEnv().DATA_DIR!, { readOnly: true });
    const stored = await reader.get(requestId);
    expect(stored?.status).toBe('submitted');
    expect(stored?.lpRecord?.requestId).toBe('127224');
    record({
      fault: 'SIGKILL right after LivePerson accepted a create, before the store write',
      expected:
        'restart reconciles with LivePerson’s list: request completed, record posted, no second create',
      observed: `status ${stored?.status}; record in thread: ${thread ? 'yes' : 'no'}; creates at LivePerson: ${h.lp.calls.filter((c) => c.kind === 'create').length}`,
      lost: stored ? 0 : 1,
      duplicates: duplicates(h),
    });
  }, 90_000);

  it('kill during store writes: the data file opens and every acknowledged filing is there', async () => {
    await h.stopApp();
    h.external = true;
    const env = h.appEnv();
    const child = await ChildApp.start(env);
    h.appUrl = child.url;
    const acknowledged: string[] = [];
    // Four streams of filings; the kill lands once ten are acknowledged, with writes still under way.
    let sent = 0;
    const streams = Array.from({ length: 4 }, async () => {
      while (sent < 200) {
        const reason = `DSR-W${sent++}`;
        const answer = await h
          .submitModal(REQUESTER, { type: 'conversation', idsText: randomUUID(), reason })
          .catch(() => undefined);
        if (!answer) return; // the process is gone
        if (answer.status === 200 && answer.body === '') acknowledged.push(reason);
      }
    });
    await h.slack.waitFor(() => acknowledged.length >= 10, 30_000);
    child.kill('SIGKILL');
    await Promise.all(streams);
    await child.exited;
    const store = await openFileStore(env.DATA_DIR!, { readOnly: true });
    const reasons = new Set((await store.listOpen()).map((r) => r.reason));
    const lost = acknowledged.filter((r) => !reasons.has(r)).length;
    record({
      fault: 'SIGKILL in the middle of a stream of filings (store writes under way)',
      expected: 'the data file opens; every filing acknowledged to Slack is stored',
      observed: `${acknowledged.length} acknowledged before the kill, ${reasons.size} stored, file opened cleanly`,
      lost,
      duplicates: 0,
    });
  }, 90_000);

  it('SIGTERM during a submission: it finishes, Slack is told, the process exits 0', async () => {
    await h.stopApp();
    h.external = true;
    const env = h.appEnv();
    const child = await ChildApp.start({ ...env, LP_TIMEOUT_MS: '5000' });
    h.appUrl = child.url;
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR-TERM',
    });
    h.lp.inject({ kind: 'create', delayMs: 800 });
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => h.lp.calls.some((c) => c.kind === 'create'), 20_000);
    child.kill('SIGTERM');
    const exit = await child.exited;
    const reader = await openFileStore(env.DATA_DIR!, { readOnly: true });
    const stored = await reader.get(requestId);
    const recordPosted = h.threadTexts(ts).some((t) => t.includes('127223'));
    record({
      fault: 'SIGTERM while a create is under way at LivePerson (800 ms)',
      expected: 'no new work; the submission finishes and is stored; the record is posted; exit 0',
      observed: `exit code ${exit.code}; status ${stored?.status}; record in thread: ${recordPosted ? 'yes' : 'no'}`,
      lost: stored ? 0 : 1,
      duplicates: duplicates(h),
    });
    expect(exit.code).toBe(0);
    expect(stored?.status).toBe('submitted');
    expect(recordPosted).toBe(true);
  }, 90_000);

  it.each([
    ['the approval post', 'chat.postMessage', 0],
    ['the thread post (record)', 'chat.postMessage', 1],
    ['the DM to the requester', 'chat.postMessage', 2],
  ] as const)('Slack down for %s: delivered once Slack is back', async (what, method, skip) => {
    const { requestId, ts } =
      skip === 0
        ? await (async () => {
            h.slack.failNext(method, { httpStatus: 503 });
            h.slack.failNext(method, { httpStatus: 503 });
            return h.fileRequest({ type: 'conversation', idsText: randomUUID(), reason: 'DSR-S' });
          })()
        : await h.fileRequest({ type: 'conversation', idsText: randomUUID(), reason: 'DSR-S' });
    await h.slack.waitFor(() => h.dmsTo(REQUESTER).find((t) => t.includes(requestId)));
    if (skip > 0) {
      // Fail the next posts: the thread record (skip 1) or, after it, the requester's DM (skip 2).
      if (skip === 2) h.slack.failNext('chat.update', { httpStatus: 503 });
      h.slack.failNext(method, { error: 'ratelimited', httpStatus: 429, retryAfter: 1 });
      h.slack.failNext(method, { httpStatus: 500 });
    }
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => h.threadTexts(ts).find((t) => t.includes('127223')), 8_000);
    await h.slack.waitFor(() => h.dmsTo(REQUESTER).find((t) => t.includes('127223')), 8_000);
    const approvals = h.approvalMessages().length;
    const records = h.threadTexts(ts).filter((t) => t.includes('127223')).length;
    record({
      fault: `Slack answers 5xx / ratelimited for ${what}`,
      expected: 'state stored at once; the message delivered once Slack is back, exactly once',
      observed: `approval messages ${approvals}, records in thread ${records}, request ${(await h.store.get(requestId))?.status}`,
      lost: (await h.store.get(requestId)) ? 0 : 1,
      duplicates: duplicates(h) + Math.max(0, approvals - 1) + Math.max(0, records - 1),
    });
  });

  it('LivePerson 401 then OK (expired token): refreshed once, submitted once', async () => {
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR-401',
    });
    await h.command(REQUESTER, 'quota'); // a first LivePerson call, so a token is cached
    h.lp.expireTokens();
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(async () =>
      (await h.store.get(requestId))?.status === 'submitted' ? true : undefined,
    );
    const creates = h.lp.calls.filter((c) => c.kind === 'create').map((c) => c.status);
    record({
      fault: 'LivePerson answers 401 (token expired) to the create',
      expected: 'one fresh token, one retry, submitted',
      observed: `create answers ${creates.join(', ')}; status ${(await h.store.get(requestId))?.status}`,
      lost: 0,
      duplicates: duplicates(h),
    });
    expect(h.lp.requests).toHaveLength(1);
  });

  it.each([
    ['429 (monthly threshold)', { status: 429 }, 'failed', 'month marked spent, nothing retried'],
    [
      '500 after really filing it',
      { status: 500, carryOut: true },
      'outcome_unknown',
      'outcome unknown (it may exist), found in LivePerson’s list and completed, never re-sent',
    ],
    [
      'an empty 200 after really filing it',
      { status: 200, rawBody: '', carryOut: true },
      'outcome_unknown',
      'outcome unknown (the answer cannot be read), found in LivePerson’s list and completed, never re-sent',
    ],
    ['400', { status: 400 }, 'failed', 'failure explained, quota given back, nothing retried'],
    ['a timeout', { delayMs: 2_000 }, 'outcome_unknown', 'outcome unknown, reconciled at the next start'],
    [
      'a dropped connection',
      { drop: true },
      'outcome_unknown',
      'outcome unknown, reconciled at the next start',
    ],
  ] as const)('LivePerson %s on create', async (what, injection, status, expected) => {
    await warmUp();
    const createsBefore = h.lp.calls.filter((c) => c.kind === 'create').length;
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR-LP',
    });
    h.lp.inject({ kind: 'create', ...injection });
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(
      async () => ((await h.store.get(requestId))?.status === status ? true : undefined),
      5_000,
    );
    await h.slack.waitFor(() => h.threadTexts(ts)[0]);
    let observed = `status ${status}; thread: "${h.threadTexts(ts)[0]?.split('\n')[0]?.slice(0, 60)}…"`;
    if (status === 'outcome_unknown') {
      await h.stopApp();
      await h.startApp();
      await h.slack.waitFor(async () =>
        (await h.store.get(requestId))?.status === 'submitted' ? true : undefined,
      );
      observed += `; after restart: ${(await h.store.get(requestId))?.status} (LivePerson request ${(await h.store.get(requestId))?.lpRecord?.requestId})`;
    }
    record({
      fault: `LivePerson answers ${what} to the create`,
      expected,
      observed: `${observed}; creates ${h.lp.calls.filter((c) => c.kind === 'create').length - createsBefore}`,
      lost: (await h.store.get(requestId)) ? 0 : 1,
      duplicates: duplicates(h),
    });
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(createsBefore + 1);
  });

  it('an event Slack delivers twice (X-Slack-Retry-Num) is handled once', async () => {
    const send = async (retry?: string) => {
      const body = JSON.stringify({
        token: 't',
        team_id: 'T0TEST',
        api_app_id: 'A0TEST',
        type: 'event_callback',
        event_id: 'Ev0SAME',
        event_time: Math.floor(Date.now() / 1000),
        event: { type: 'app_home_opened', user: REQUESTER, channel: 'D0HOME', tab: 'home', event_ts: '1.1' },
      });
      const headers = signSlackRequest(SIGNING_SECRET, body, Math.floor(Date.now() / 1000));
      const response = await fetch(`${h.appUrl}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...headers,
          ...(retry ? { 'x-slack-retry-num': retry, 'x-slack-retry-reason': 'http_timeout' } : {}),
        },
        body,
      });
      await response.text();
      return response.status;
    };
    expect(await send()).toBe(200);
    await h.slack.waitFor(() => h.slack.callsTo('views.publish').length === 1);
    expect(await send('1')).toBe(200);
    await h.slack.waitFor(() =>
      h.logLines.some((l) => l.includes('slack_retry_ignored')) ? true : undefined,
    );
    const publishes = h.slack.callsTo('views.publish').length;
    record({
      fault: 'Slack redelivers an event (X-Slack-Retry-Num: 1)',
      expected: 'acknowledged, no work done twice',
      observed: `views.publish called ${publishes} time(s) for 2 deliveries`,
      lost: 0,
      duplicates: publishes - 1,
    });
  });

  it('200 concurrent clicks on 20 pending requests submit exactly 20', async () => {
    const filed: { requestId: string; ts: string }[] = [];
    for (let i = 0; i < 20; i++) {
      filed.push(await h.fileRequest({ type: 'conversation', idsText: randomUUID(), reason: `DSR-C${i}` }));
    }
    const clicks = filed.flatMap(({ requestId, ts }) =>
      Array.from({ length: 10 }, (_, i) =>
        h.click(i % 2 ? APPROVER : APPROVER_2, ACTION.approve, requestId, ts),
      ),
    );
    const answers = await Promise.all(clicks);
    const statuses = async () =>
      Promise.all(filed.map(async (f) => (await h.store.get(f.requestId))?.status));
    await h.slack.waitFor(async () => (await statuses()).every((s) => s === 'submitted'), 15_000);
    const final = await statuses();
    record({
      fault: '200 concurrent Approve clicks (10 each, two approvers) on 20 pending requests',
      expected: 'exactly 20 creates; every other click refused privately',
      observed: `${answers.filter((a) => a.status === 200).length} acks, ${h.lp.calls.filter((c) => c.kind === 'create').length} creates, ${final.filter((s) => s === 'submitted').length} submitted`,
      lost: final.filter((s) => s === undefined).length,
      duplicates: h.lp.calls.filter((c) => c.kind === 'create').length - 20,
    });
  }, 60_000);

  it('1,000 generated hostile id lists through the real form: clean refusals, nothing invalid accepted', async () => {
    const hostile = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc
        .array(fc.oneof(fc.uuid(), fc.string({ unit: 'grapheme', maxLength: 40 })), { maxLength: 120 })
        .map((parts) => parts.join(['\n', ',', ' ', '\u200b', ';\t'][parts.length % 5])),
      fc.array(fc.uuid(), { minLength: 1, maxLength: 110 }).map((ids) => JSON.stringify(ids)),
      fc.constantFrom('[', '["', '{"a":1}', '\u0000\u0001', '\u202e', '<!channel>', 'x'.repeat(25_000)),
    );
    const samples = fc.sample(hostile, { numRuns: 1_000, seed: 20261128 });
    let refused = 0;
    let accepted = 0;
    let crashes = 0;
    for (let i = 0; i < samples.length; i += 20) {
      const batch = samples.slice(i, i + 20);
      const answers = await Promise.all(
        batch.map((text) =>
          h.submitModal(REQUESTER, { type: 'conversation', idsText: text, reason: 'DSR-H' }),
        ),
      );
      for (const [j, answer] of answers.entries()) {
        if (answer.status !== 200) crashes++;
        else if (answer.body === '') {
          accepted++;
          const verdict = validateIdsText('conversation', [batch[j]], {
            accountId: ACCOUNT_ID,
            legacyTicketing: false,
          });
          expect(verdict.ok).toBe(true);
        } else {
          refused++;
          expect(JSON.stringify(answer.body)).toContain(BLOCK.ids);
        }
      }
    }
    const stored = await h.store.listOpen();
    const invalid = stored.filter(
      (r) => r.ids.length > 100 || r.ids.some((id) => !/^[0-9a-f-]{36}$/.test(id)),
    );
    expect(invalid).toHaveLength(0);
    expect(stored).toHaveLength(accepted);
    expect((await h.command(REQUESTER, 'help')).status).toBe(200);
    record({
      fault:
        '1,000 generated hostile id lists (unicode, zero-width and control characters, JSON fragments, huge pastes, mixed separators)',
      expected:
        'every submission answered; invalid lists refused under the ids field; nothing invalid stored; the app keeps serving',
      observed: `${refused} refused, ${accepted} accepted and valid, ${crashes} non-200 answers`,
      lost: 0,
      duplicates: 0,
    });
    expect(crashes).toBe(0);
  }, 120_000);
});
