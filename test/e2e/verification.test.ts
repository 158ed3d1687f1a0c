import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { auditExport } from '../../src/audit/export.js';
import { historyDetail } from '../../src/audit/history-words.js';
import { ACTION } from '../../src/slack/ids.js';
import {
  APPROVER,
  APPROVER_2,
  approveButtonValue,
  Harness,
  OUTSIDER,
  PRIVACY_CHANNEL,
  REQUESTER,
} from '../support/harness.js';
import { TestClock } from '../support/clock.js';

/*
 * Issue 20 end to end: proof of erasure. The real app over signed HTTP, the fake Slack, the rtbf sandbox
 * and the history stand-in mounted in it; the stand-in masks what a DONE request covered (as LivePerson
 * does) unless told to leave some records unmasked.
 */

const DAY = 24 * 60 * 60 * 1000;
const REASON = 'DSR-VERIFY-4410';
const PERSON = {
  firstName: 'Ottilie',
  lastName: 'Quarrington',
  email: 'ottilie.quarrington@example.net',
  phone: '+44 20 7946 0321',
};
const TEXTS = ['My card ending 4417 was charged twice', 'I live at 12 Marram Close'];
const SECRETS = [PERSON.firstName, PERSON.lastName, PERSON.email, PERSON.phone, ...TEXTS];

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(): Promise<{ h: Harness; clock: TestClock }> {
  const clock = new TestClock('2026-11-10T10:00:00Z');
  h = await Harness.start({
    now: clock.now,
    sandboxNow: clock.now,
    history: {},
    env: { STATUS_POLL_MINUTES: '0.05' },
  });
  return { h, clock };
}

/** Conversations of one person in the history stand-in, `daysAgo` before now. */
function seed(harness: Harness, clock: TestClock, daysAgo: number[]): string[] {
  return daysAgo.map((days) => {
    const conversationId = randomUUID();
    harness.history?.addConversation({
      conversationId,
      status: 'CLOSE',
      startTime: new Date(clock.now().getTime() - days * DAY),
      consumer: { participantId: 'c-ottilie', ...PERSON },
      personalInfo: [PERSON.email],
      messages: TEXTS,
    });
    return conversationId;
  });
}

async function fileAndApprove(harness: Harness, ids: string[]) {
  const filed = await harness.fileRequest({
    type: 'conversation',
    idsText: ids.join('\n'),
    reason: REASON,
    subjectRequestedOn: '2026-11-09',
  });
  await harness.click(APPROVER, ACTION.approve, filed.requestId, filed.ts);
  await harness.slack.waitFor(async () =>
    (await harness.store.get(filed.requestId))?.lpRecord ? true : undefined,
  );
  return filed;
}

describe('proof of erasure', () => {
  it('all masked → "Verified: 3 of 3 conversations erased" in the thread, the DM, the history and the audit', async () => {
    const { h, clock } = await start();
    const ids = seed(h, clock, [3, 40, 200]);
    const { requestId, ts } = await fileAndApprove(h, ids);

    clock.advance(26 * DAY); // the sandbox reports DONE; the stand-in masks what it covered
    const reply = await h.slack.waitFor(
      () => h.threadTexts(ts).find((t) => t.includes('Verified: 3 of 3 conversations erased')),
      8000,
    );
    expect(reply).toContain(requestId);
    const dm = await h.slack.waitFor(() =>
      h.dmsTo(REQUESTER).find((t) => t.includes('A confirmation you can send to the data subject')),
    );
    expect(dm).toContain('Verified: 3 of 3 conversations erased');
    // Only the three by-id reads of one call: 100 ids per call.
    const reads = h.history?.calls.filter((c) => c.kind === 'mi.byId' && c.status === 200);
    expect(reads).toHaveLength(1);
    expect(reads?.[0]?.source).toBe('lpDelete_verify');

    const stored = await h.store.get(requestId);
    expect(stored?.history.filter((e) => e.event === 'verified')).toHaveLength(1);
    expect(historyDetail(stored!.history.find((e) => e.event === 'verified')!)).toMatch(/^first check/);

    // Two days later the second check runs; the same answer is not said again.
    clock.advance(2 * DAY + 60_000);
    await h.slack.waitFor(async () =>
      ((await h.store.get(requestId))?.history.filter((e) => e.event === 'verified').length ?? 0) === 2
        ? true
        : undefined,
    );
    expect(h.threadTexts(ts).filter((t) => t.includes('Verified: 3 of 3'))).toHaveLength(1);
    expect(historyDetail((await h.store.get(requestId))!.history.at(-1)!)).toMatch(/^second check/);

    const csv = await auditExport(h.store, {
      month: '2026-11',
      timeZone: 'UTC',
      format: 'csv',
      withIds: false,
    });
    const [head = '', row = ''] = csv.split('\r\n');
    const columns = head.split(',');
    for (const column of ['verified_at', 'erased_count', 'residual_count', 'not_checkable_count']) {
      expect(columns).toContain(column);
    }
    const cells = row.split(',');
    expect(cells[columns.indexOf('erased_count')]).toBe('3');
    expect(cells[columns.indexOf('residual_count')]).toBe('0');
    expect(cells[columns.indexOf('not_checkable_count')]).toBe('0');
    expect(cells[columns.indexOf('verified_at')]).toMatch(/^2026-12-08T/);
  });

  it('one left unmasked → residual alert to the approvers; File again files exactly it, once, after a second person approves', async () => {
    const { h, clock } = await start();
    const ids = seed(h, clock, [5, 6, 7]);
    const left = ids[1] ?? '';
    h.history?.leaveUnmasked([left]);
    const { requestId, ts } = await fileAndApprove(h, ids);

    clock.advance(26 * DAY);
    const alert = await h.slack.waitFor(
      () =>
        h.slack
          .threadReplies(PRIVACY_CHANNEL, ts)
          .find((m) => m.text.includes('1 of 3 conversations still readable at LivePerson')),
      8000,
    );
    const blocks = JSON.stringify(alert.blocks);
    expect(blocks).toContain(ACTION.fileAgain);
    for (const approver of [APPROVER, APPROVER_2]) expect(blocks).toContain(`<@${approver}>`);
    expect(JSON.stringify(h.slack.callsTo('chat.postMessage').map((c) => c.body))).toContain(
      'reply_broadcast',
    );
    const dm = await h.slack.waitFor(() =>
      h.dmsTo(REQUESTER).find((t) => t.includes('A confirmation you can send')),
    );
    expect(dm).toContain('Not verified: 1 of 3 conversations still readable at LivePerson');

    // An outsider may not file; an approver files it (and so cannot approve it), another approves.
    await h.click(APPROVER, ACTION.fileAgain, requestId, alert.ts);
    const second = await h.slack.waitFor(() => h.approvalMessages()[1]);
    const secondId = approveButtonValue(second.blocks);
    const refiled = await h.store.get(secondId);
    expect(refiled).toMatchObject({
      ids: [left],
      type: 'conversation',
      refileOf: requestId,
      requestedBy: APPROVER,
    });
    expect(refiled?.reason).toBe(REASON);
    expect(JSON.stringify(second.blocks)).toContain(`Filed again: what ${requestId} left readable`);
    await h.click(APPROVER_2, ACTION.fileAgain, requestId, alert.ts);
    await h.slack.waitFor(() => h.ephemeralsTo(APPROVER_2).find((t) => /already|just filed/i.test(t)));
    expect(h.approvalMessages()).toHaveLength(2);

    const creates = () => h.lp.requests.map((r) => ({ type: r.type, ids: r.ids }));
    await h.slack.waitFor(async () => ((await h.store.get(secondId))?.approvalMessage ? true : undefined));
    await h.click(APPROVER, ACTION.approve, secondId, second.ts); // their own filing: refused
    await h.slack.waitFor(() =>
      h.ephemeralsTo(APPROVER).find((t) => /You filed .* someone else must approve/.test(t)),
    );
    expect(h.lp.requests).toHaveLength(1);
    await h.click(APPROVER_2, ACTION.approve, secondId, second.ts);
    await h.slack.waitFor(() => (h.lp.requests.length === 2 ? true : undefined));
    expect(creates()[1]).toEqual({ type: 'conversation', ids: [left] });
    expect((await h.store.get(requestId))?.verification?.refiled?.requestId).toBe(secondId);
  });

  it('older than 13 months → "not checkable", never erased', async () => {
    const { h, clock } = await start();
    // 380 days old at filing: past LivePerson's 13 months once the request is done, 26 days later.
    const ids = seed(h, clock, [380, 10]);
    const { requestId, ts } = await fileAndApprove(h, ids);
    clock.advance(26 * DAY);
    const reply = await h.slack.waitFor(
      () => h.threadTexts(ts).find((t) => t.includes('Verified: 1 of 2 conversations erased')),
      8000,
    );
    expect(reply).toContain('1 conversation not checkable');
    const stored = await h.store.get(requestId);
    expect(stored?.verification?.lastRead).toMatchObject({ erased: 1, notCheckable: 1, residual: 0 });
  });

  it('a read failure → "not yet verified", retried on the follow-up schedule, then verified', async () => {
    const { h, clock } = await start();
    const ids = seed(h, clock, [4]);
    const { requestId, ts } = await fileAndApprove(h, ids);
    // The key may not read history (403, not retried by the client): the first check fails.
    h.history?.inject({ kind: 'mi.byId', status: 403, times: 1 });
    clock.advance(26 * DAY);
    await h.slack.waitFor(() => h.threadTexts(ts).find((t) => t.includes('Not yet verified')), 8000);
    expect(h.threadTexts(ts).some((t) => t.includes('Verified:'))).toBe(false);
    const dm = await h.slack.waitFor(() =>
      h.dmsTo(REQUESTER).find((t) => t.includes('A confirmation you can send')),
    );
    expect(dm).toContain('Not yet verified');
    expect((await h.store.get(requestId))?.verification?.lastRead).toBeUndefined();
    // The next follow-up round after the poll interval (3 s) reads again, and the changed answer is said.
    clock.advance(5_000);
    await h.slack.waitFor(
      () => h.threadTexts(ts).find((t) => t.includes('Verified: 1 of 1 conversation erased')),
      8000,
    );
  });

  it('/lp-delete verify: requester and approvers get the counts privately; others are refused', async () => {
    const { h, clock } = await start();
    const ids = seed(h, clock, [2, 3]);
    const { requestId, ts } = await fileAndApprove(h, ids);
    await h.command(REQUESTER, `verify ${requestId}`);
    await h.slack.waitFor(() =>
      h.ephemeralsTo(REQUESTER).find((t) => t.includes('not finished at LivePerson')),
    );
    clock.advance(26 * DAY);
    await h.slack.waitFor(() => h.threadTexts(ts).find((t) => t.includes('Verified: 2 of 2')), 8000);
    const before = h.threadTexts(ts).length;

    await h.command(APPROVER_2, `verify ${requestId.toLowerCase()}`);
    const answer = await h.slack.waitFor(() =>
      h.ephemeralsTo(APPROVER_2).find((t) => t.includes('Verified: 2 of 2 conversations erased')),
    );
    expect(answer).toContain(requestId);
    await h.command(OUTSIDER, `verify ${requestId}`);
    const refused = await h.slack.waitFor(() => h.ephemeralsTo(OUTSIDER)[0]);
    expect(refused).not.toContain('erased');
    const stored = await h.store.get(requestId);
    expect(stored?.history.filter((e) => e.event === 'verified').at(-1)).toMatchObject({ by: APPROVER_2 });
    expect(h.threadTexts(ts)).toHaveLength(before);
  });

  it('nothing read from LivePerson reaches Slack or the log', async () => {
    const { h, clock } = await start();
    const ids = seed(h, clock, [5, 9]);
    h.history?.leaveUnmasked([ids[0] ?? '']);
    const { requestId, ts } = await fileAndApprove(h, ids);
    clock.advance(26 * DAY);
    await h.slack.waitFor(() => h.threadTexts(ts).find((t) => t.includes('still readable')), 8000);
    await h.command(REQUESTER, `verify ${requestId}`);
    await h.slack.waitFor(() => h.ephemeralsTo(REQUESTER).find((t) => t.includes('still readable')));
    await h.slack.waitFor(() => h.dmsTo(REQUESTER).find((t) => t.includes('confirmation')));
    const sent = [JSON.stringify(h.slack.calls), ...h.logLines];
    expect(h.logLines.some((l) => l.includes('verification_done'))).toBe(true);
    for (const text of sent) for (const secret of SECRETS) expect(text).not.toContain(secret);
    // Nothing read is kept either: the store holds counts and the request's own ids.
    const stored = JSON.stringify(await h.store.listMonth('2026-11'));
    for (const secret of SECRETS) expect(stored).not.toContain(secret);
  });
});
