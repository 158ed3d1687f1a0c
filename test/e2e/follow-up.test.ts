import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { auditExport } from '../../src/audit/export.js';
import { ACTION } from '../../src/slack/ids.js';
import {
  APPROVER,
  APPROVER_2,
  Harness,
  OUTSIDER,
  PRIVACY_CHANNEL,
  REQUESTER,
  type HarnessOptions,
} from '../support/harness.js';
import { TestClock } from '../support/clock.js';

/*
 * Issue 12 end to end: the follow-up at LivePerson until a deletion is done, who may see a request, and
 * the limits on LivePerson reads. The real app over signed HTTP, the fake Slack and the LivePerson sandbox.
 */

const DAY = 24 * 60 * 60 * 1000;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(iso: string, options: HarnessOptions = {}): Promise<{ h: Harness; clock: TestClock }> {
  const clock = new TestClock(iso);
  h = await Harness.start({ now: clock.now, sandboxNow: clock.now, ...options });
  return { h, clock };
}

const REASON = 'DSR-FOLLOW-7731';

async function submitted(harness: Harness, by = REQUESTER) {
  const conversationId = randomUUID();
  const filed = await harness.fileRequest(
    { type: 'conversation', idsText: conversationId, reason: REASON, subjectRequestedOn: '2026-11-09' },
    by,
  );
  await harness.click(by === APPROVER ? APPROVER_2 : APPROVER, ACTION.approve, filed.requestId, filed.ts);
  const record = await harness.slack.waitFor(() =>
    harness.slack
      .threadReplies(PRIVACY_CHANNEL, filed.ts)
      .find((m) => JSON.stringify(m.blocks ?? []).includes(ACTION.refreshStatus)),
  );
  const lpId = (await harness.store.get(filed.requestId))!.lpRecord!.requestId;
  return { ...filed, recordTs: record.ts, lpId, conversationId };
}

/** Calls of `kind` LivePerson answered (a 401 for a token that expired while the clock jumped is retried). */
const lpCalls = (harness: Harness, kind: string) =>
  harness.lp.calls.filter((c) => c.kind === kind && c.status !== 401).length;
const lpReads = (harness: Harness) => lpCalls(harness, 'get') + lpCalls(harness, 'list');

describe('follow-up at LivePerson', () => {
  it('DONE at LivePerson → thread reply with the date, record re-rendered and a DM, within one poll', async () => {
    const { h, clock } = await start('2026-11-10T10:00:00Z', { env: { STATUS_POLL_MINUTES: '0.05' } });
    const first = await submitted(h);
    const second = await submitted(h);
    const listsBefore = lpCalls(h, 'list');
    const getsBefore = lpCalls(h, 'get');

    clock.advance(26 * DAY); // past LivePerson's 25 days: the sandbox reports DONE
    const polled = Date.now();
    for (const { ts } of [first, second]) {
      await h.slack.waitFor(
        () => h.threadTexts(ts).find((t) => t.startsWith('LivePerson finished deleting')),
        4500,
      );
    }
    expect(Date.now() - polled).toBeLessThan(4500); // one poll is 3 s
    const reply = h.threadTexts(first.ts).find((t) => t.startsWith('LivePerson finished deleting'))!;
    expect(reply).toContain(first.requestId);
    expect(reply).toMatch(/reported done <!date\^\d+\^/);
    expect(reply).toContain('within the GDPR deadline');

    await h.slack.waitFor(() =>
      h.dmsTo(REQUESTER).filter((t) => t.includes('A confirmation you can send to the data subject'))
        .length === 2
        ? true
        : undefined,
    );
    const dm = h.dmsTo(REQUESTER).find((t) => t.includes(first.requestId) && t.includes('confirmation'))!;
    expect(dm).toContain('The deletion was completed on 6 December 2026');
    await h.slack.waitFor(() =>
      JSON.stringify(h.slack.message(PRIVACY_CHANNEL, first.recordTs)?.blocks).includes(
        'LivePerson finished deleting',
      )
        ? true
        : undefined,
    );
    // Both were asked about in one list call, not a get each.
    expect(lpCalls(h, 'list') - listsBefore).toBe(1);
    expect(lpCalls(h, 'get') - getsBefore).toBe(0);

    const stored = (await h.store.get(first.requestId))!;
    expect(stored.completedAt).toBeDefined();
    expect(stored.history.filter((e) => e.event === 'completed')).toHaveLength(1);

    // Final now: later polls ask LivePerson nothing more and say nothing again.
    const readsAfter = lpReads(h);
    await h.app.followUp.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(lpReads(h)).toBe(readsAfter);
    expect(h.threadTexts(first.ts).filter((t) => t.startsWith('LivePerson finished deleting'))).toHaveLength(
      1,
    );

    // The audit export has the completion date and whether it met the deadline (9 December).
    const csv = await auditExport(h.store, {
      month: '2026-11',
      timeZone: 'UTC',
      format: 'json',
      withIds: false,
    });
    const rows = (JSON.parse(csv) as { requests: Record<string, string>[] }).requests;
    expect(rows.find((r) => r.request === first.requestId)).toMatchObject({
      completedOn: '2026-12-06',
      completedBeforeDeadline: 'yes',
    });
  });

  it('a request not final 30 days after submission is flagged once, in the thread and on the Home tab; restart-safe', async () => {
    const sandboxClock = new TestClock('2026-11-10T10:00:00Z');
    const { h, clock } = await start('2026-11-10T10:00:00Z', { sandboxNow: sandboxClock.now });
    const { requestId, ts } = await submitted(h);
    clock.advance(31 * DAY); // LivePerson's clock stays: still not started there

    const [listsBefore, getsBefore] = [lpCalls(h, 'list'), lpCalls(h, 'get')];
    await h.app.followUp.runOnce();
    // One request due: a get for it, no list.
    expect([lpCalls(h, 'list') - listsBefore, lpCalls(h, 'get') - getsBefore]).toEqual([0, 1]);
    await h.slack.waitFor(() =>
      h.threadTexts(ts).find((t) => t.includes('still not done at LivePerson 30 days')),
    );
    await h.app.followUp.runOnce();
    await h.stopApp();
    await h.startApp();
    await h.app.followUp.runOnce();
    await h.app.delivery.flush(2000);
    expect(h.threadTexts(ts).filter((t) => t.includes('still not done at LivePerson'))).toHaveLength(1);
    expect((await h.store.get(requestId))?.overdueFlaggedAt).toBeDefined();

    await h.event({ type: 'app_home_opened', user: REQUESTER, channel: 'D0HOME', tab: 'home' });
    const home = await h.slack.waitFor(() =>
      h.slack.views.find((v) => v.type === 'home' && v.userId === REQUESTER),
    );
    expect(JSON.stringify(home.view)).toContain('not done at LivePerson 30 days after submission');
  });
});

describe('unknown outcomes on the follow-up schedule', () => {
  it('a create answered 200 with an empty body is reconciled by the next poll, no restart and no sweep', async () => {
    const { h } = await start('2026-11-10T10:00:00Z', { env: { STATUS_POLL_MINUTES: '0.05' } });
    await h.app.housekeeping.stop(); // only the follow-up runs from here on
    // A first create LivePerson answered: reconciliation takes only records with lp-delete's own
    // requested_by, learnt from such an answer (issue 25).
    await submitted(h);
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: randomUUID(),
      reason: REASON,
    });
    h.lp.inject({ kind: 'create', status: 200, rawBody: '', carryOut: true });
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(async () =>
      (await h.store.get(requestId))?.status === 'outcome_unknown' ? true : undefined,
    );
    await h.slack.waitFor(
      async () => ((await h.store.get(requestId))?.status === 'submitted' ? true : undefined),
      4500,
    );
    await h.slack.waitFor(() =>
      h.slack
        .threadReplies(PRIVACY_CHANNEL, ts)
        .find((m) => JSON.stringify(m.blocks ?? []).includes(ACTION.refreshStatus)),
    );
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(2);
  });
});

describe('who may see what', () => {
  it('an outsider’s status, Refresh and Home cause no LivePerson call and reveal no ids, reason or names', async () => {
    const { h } = await start('2026-11-10T10:00:00Z');
    const { requestId, recordTs, lpId, conversationId } = await submitted(h);
    await h.fileRequest({ type: 'consumer', idsText: randomUUID(), reason: REASON }, APPROVER);
    const external = h.lp.addExternalRequest();
    const before = h.lp.calls.length;

    await h.command(OUTSIDER, `status ${requestId}`);
    await h.command(OUTSIDER, `status ${lpId}`);
    await h.command(OUTSIDER, `status ${external.requestId}`);
    await h.click(OUTSIDER, ACTION.refreshStatus, requestId, recordTs);
    await h.command(OUTSIDER, `cancel ${lpId}`);
    await h.event({ type: 'app_home_opened', user: OUTSIDER, channel: 'D0HOME', tab: 'home' });
    await h.slack.waitFor(() => (h.ephemeralsTo(OUTSIDER).length >= 5 ? true : undefined));
    const home = await h.slack.waitFor(() =>
      h.slack.views.find((v) => v.type === 'home' && v.userId === OUTSIDER),
    );

    expect(h.lp.calls.length).toBe(before);
    const answers = h.ephemeralsTo(OUTSIDER);
    expect(answers.filter((t) => t.includes('is not yours to see'))).toHaveLength(3);
    expect(answers.filter((t) => t.includes('only approvers may look up'))).toHaveLength(1);
    expect(answers.filter((t) => t.includes('is not yours: nothing was done'))).toHaveLength(1);
    for (const t of answers) expect(t).toMatch(/Nothing was (looked up|done)\b.*(ask|give)/i);
    const seen = [...answers, JSON.stringify(home.view)].join('\n');
    for (const secret of [REASON, conversationId, REQUESTER, APPROVER, APPROVER_2, 'Filed', 'Approved']) {
      expect(seen).not.toContain(secret);
    }
    // The LivePerson id they typed is echoed back, never matched to a DR-… id.
    expect(answers.find((t) => t.includes(lpId))).not.toContain(requestId);
    const homeText = JSON.stringify(home.view);
    expect(homeText).toContain('Waiting for approval (0)');
    expect(homeText).not.toContain('DR-');

    // The requester sees their own; an approver sees everything, external ids included.
    await h.command(REQUESTER, `status ${requestId}`);
    await h.slack.waitFor(() => h.ephemeralsTo(REQUESTER).find((t) => t.includes('LivePerson status')));
    await h.command(APPROVER, `status ${external.requestId}`);
    await h.slack.waitFor(() => h.ephemeralsTo(APPROVER).find((t) => /not filed through lp-delete/.test(t)));
  });
});

describe('limits on LivePerson reads', () => {
  it('40 `quota` commands in a minute cost at most 2 list calls; one person is limited and told when to retry', async () => {
    const { h, clock } = await start('2026-11-10T10:00:00Z');
    clock.advance(61_000); // past the start-up sync
    const listsBefore = lpCalls(h, 'list');
    const people = [REQUESTER, APPROVER, APPROVER_2, OUTSIDER];
    const answers: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      answers.push(JSON.stringify((await h.command(people[i % 4]!, 'quota')).body));
      clock.advance(1400);
    }
    expect(lpCalls(h, 'list') - listsBefore).toBeGreaterThanOrEqual(1);
    expect(lpCalls(h, 'list') - listsBefore).toBeLessThanOrEqual(2);
    expect(answers.every((a) => a.includes('of 100 used'))).toBe(true);

    // An eleventh ask within the minute from the same person is refused, saying when to try again.
    for (let i = 0; i < 10; i += 1) await h.command(OUTSIDER, 'quota');
    const refused = JSON.stringify((await h.command(OUTSIDER, 'quota')).body);
    expect(refused).toMatch(/Nothing was looked up\. Try again in \d+ seconds/);
  });

  it('Refresh reads LivePerson at most every 30 s per request; 400 clicks while Slack rate-limits chat.update → a handful of updates', async () => {
    const { h, clock } = await start('2026-11-10T10:00:00Z');
    const { requestId, recordTs } = await submitted(h);
    await h.app.delivery.flush(2000);

    const getsBefore = lpCalls(h, 'get');
    await h.click(APPROVER, ACTION.refreshStatus, requestId, recordTs);
    await h.slack.waitFor(() => h.ephemeralsTo(APPROVER).find((t) => t.includes('LivePerson status')));
    await h.click(APPROVER, ACTION.refreshStatus, requestId, recordTs);
    const stored = await h.slack.waitFor(() => h.ephemeralsTo(APPROVER).find((t) => t.includes('as read')));
    expect(stored).toContain('at most every 30 seconds');
    expect(lpCalls(h, 'get') - getsBefore).toBe(1);

    // Slack rate-limits chat.update throughout; the clicks come in 10 bursts, 31 s apart.
    for (let i = 0; i < 8; i += 1) h.slack.failNext('chat.update', { httpStatus: 429, retryAfter: 1 });
    const updatesBefore = h.slack.callsTo('chat.update').length;
    const clickers = [REQUESTER, APPROVER, APPROVER_2];
    for (let burst = 0; burst < 10; burst += 1) {
      clock.advance(31_000);
      const clicks = Array.from({ length: 40 }, (_, i) =>
        h!.click(clickers[i % 3]!, ACTION.refreshStatus, requestId, recordTs),
      );
      expect((await Promise.all(clicks)).every((a) => a.status === 200)).toBe(true);
    }
    expect(lpCalls(h, 'get') - getsBefore).toBeLessThanOrEqual(11);
    // Every click is answered privately (from LivePerson, the stored status, or the per-person limit).
    await h.slack.waitFor(
      () => (clickers.flatMap((u) => h!.ephemeralsTo(u)).length >= 400 ? true : undefined),
      10_000,
    );
    // The outbox waits out Slack's Retry-After on the app's clock: move it on until everything is delivered.
    await h.slack.waitFor(async () => {
      clock.advance(60_000);
      h!.app.delivery.kick();
      return (await h!.store.owedNotices()).length === 0 ? true : undefined;
    }, 10_000);
    // 8 refused by Slack's rate limit, then the latest state once: the queued re-renders collapsed.
    const updates = h.slack.callsTo('chat.update').length - updatesBefore;
    expect(updates).toBeLessThanOrEqual(12);
    expect(JSON.stringify(h.slack.message(PRIVACY_CHANNEL, recordTs)?.blocks)).toContain('LivePerson status');
  });
});
