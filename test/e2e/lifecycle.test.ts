import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
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
 * Issue 5 end to end: the real app over signed HTTP, the fake Slack Web API and the LivePerson sandbox,
 * with one injected clock shared by the app and the sandbox (no fake timers, no sleeping).
 */

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

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

/** Files a request, approves it, and returns the thread record LivePerson's answer was posted as. */
async function submitted(harness: Harness, subjectRequestedOn?: string) {
  const filed = await harness.fileRequest({
    type: 'conversation',
    idsText: randomUUID(),
    reason: 'DSR-LIFE',
    ...(subjectRequestedOn ? { subjectRequestedOn } : {}),
  });
  await harness.click(APPROVER, ACTION.approve, filed.requestId, filed.ts);
  const record = await harness.slack.waitFor(() =>
    harness.slack
      .threadReplies(PRIVACY_CHANNEL, filed.ts)
      .find((m) => JSON.stringify(m.blocks ?? []).includes(ACTION.refreshStatus)),
  );
  return { ...filed, recordTs: record.ts };
}

function recordBlocks(harness: Harness, ts: string): string {
  return JSON.stringify(harness.slack.message(PRIVACY_CHANNEL, ts)?.blocks ?? []);
}

function cancelCalls(harness: Harness): number {
  return harness.lp.calls.filter((c) => c.kind === 'cancel').length;
}

describe('cancel', () => {
  it('inside the window: offered on the record, cancels once under concurrent clicks, tells the requester', async () => {
    const { h } = await start('2026-11-10T10:00:00Z');
    const { requestId, ts, recordTs } = await submitted(h);
    expect(recordBlocks(h, recordTs)).toContain(ACTION.cancelDeletion);

    // Someone who is neither the requester nor an approver is refused privately.
    await h.click(OUTSIDER, ACTION.cancelDeletion, requestId, recordTs);
    await h.slack.waitFor(() => h.ephemeralsTo(OUTSIDER).find((t) => /requester .* or an approver/.test(t)));
    expect(cancelCalls(h)).toBe(0);

    const clicks = [REQUESTER, APPROVER, APPROVER_2, REQUESTER, APPROVER].map((user) =>
      h.click(user, ACTION.cancelDeletion, requestId, recordTs),
    );
    expect((await Promise.all(clicks)).every((a) => a.status === 200)).toBe(true);
    await h.slack.waitFor(async () =>
      (await h.store.get(requestId))?.status === 'cancelled' ? true : undefined,
    );
    // The four losing clicks are told, privately, that it is under way or done.
    await h.slack.waitFor(() =>
      [REQUESTER, APPROVER, APPROVER_2]
        .flatMap((u) => h.ephemeralsTo(u))
        .filter((t) => /already (cancelling|cancelled)|already being|is already/.test(t)).length >= 4
        ? true
        : undefined,
    );
    expect(cancelCalls(h)).toBe(1);
    expect(h.lp.requests[0]?.isCanceled).toBe(true);

    const stored = (await h.store.get(requestId))!;
    expect(stored.lpRecord?.isCanceled).toBe(true);
    expect(stored.cancellation?.state).toBe('done');
    expect(stored.history.filter((e) => e.event === 'cancelled')).toHaveLength(1);
    await h.slack.waitFor(() => h.dmsTo(REQUESTER).find((t) => /cancelled at LivePerson/.test(t)));
    await h.slack.waitFor(() => h.threadTexts(ts).find((t) => /was cancelled at LivePerson by/.test(t)));
    // The record loses its Cancel button; the approval message says cancelled.
    await h.slack.waitFor(() =>
      recordBlocks(h, recordTs).includes(ACTION.cancelDeletion) ? undefined : true,
    );
    await h.slack.waitFor(() =>
      JSON.stringify(h.approvalMessage(ts).blocks).includes('Cancelled at LivePerson') ? true : undefined,
    );
  });

  it('outside the window: the click is refused and the button removed; the command explains why', async () => {
    const { h, clock } = await start('2026-11-10T10:00:00Z');
    const { requestId, recordTs } = await submitted(h);
    clock.advance(5 * DAY + HOUR);

    await h.click(REQUESTER, ACTION.cancelDeletion, requestId, recordTs);
    const refusal = await h.slack.waitFor(() =>
      h.ephemeralsTo(REQUESTER).find((t) => /can no longer be cancelled/.test(t)),
    );
    expect(refusal).toMatch(/2026-11-15 10:00 UTC/);
    await h.slack.waitFor(() =>
      recordBlocks(h, recordTs).includes(ACTION.cancelDeletion) ? undefined : true,
    );
    expect(recordBlocks(h, recordTs)).toContain(ACTION.refreshStatus);

    const answer = await h.command(APPROVER, `cancel ${requestId}`);
    expect(answer.status).toBe(200);
    await h.slack.waitFor(() => h.ephemeralsTo(APPROVER).find((t) => /can no longer be cancelled/.test(t)));
    expect(cancelCalls(h)).toBe(0);
    expect((await h.store.get(requestId))?.status).toBe('submitted');
    expect(h.lp.requests[0]?.isCanceled).toBe(false);
  });

  it('when the window closes, the sweep takes the Cancel button off the record by itself, once, across a restart', async () => {
    const { h, clock } = await start('2026-11-10T10:00:00Z');
    const { requestId, recordTs } = await submitted(h);
    await h.slack.waitFor(async () => (await h.store.get(requestId))?.recordMessage?.ts === recordTs);
    expect(recordBlocks(h, recordTs)).toContain(ACTION.cancelDeletion);
    clock.advance(4 * DAY);
    expect(await h.app.sweeps.sweepRecords()).toEqual([]);
    clock.advance(DAY + HOUR);
    await h.stopApp();
    await h.startApp();
    await h.app.housekeeping.runOnce();
    await h.slack.waitFor(() =>
      recordBlocks(h, recordTs).includes(ACTION.cancelDeletion) ? undefined : true,
    );
    expect(recordBlocks(h, recordTs)).toContain(ACTION.refreshStatus);
    expect((await h.store.get(requestId))?.recordClosedAt).toBeDefined();
    const updates = h.slack.message(PRIVACY_CHANNEL, recordTs)?.updates.length;
    await h.app.housekeeping.runOnce();
    expect(await h.app.sweeps.sweepRecords()).toEqual([]);
    expect(h.slack.message(PRIVACY_CHANNEL, recordTs)?.updates.length).toBe(updates);
    expect(cancelCalls(h)).toBe(0);
  });

  it('/lp-delete cancel by LivePerson request id works inside the window', async () => {
    const { h } = await start('2026-11-10T10:00:00Z');
    const { requestId } = await submitted(h);
    const lpId = (await h.store.get(requestId))!.lpRecord!.requestId;
    await h.command(REQUESTER, `cancel ${lpId}`);
    await h.slack.waitFor(() => h.ephemeralsTo(REQUESTER).find((t) => /was cancelled at LivePerson/.test(t)));
    expect((await h.store.get(requestId))?.status).toBe('cancelled');
    expect(cancelCalls(h)).toBe(1);
  });
});

describe('status', () => {
  it('/lp-delete status and Refresh status show LivePerson’s live status and the timeline', async () => {
    const { h, clock } = await start('2026-11-10T10:00:00Z');
    const { requestId, recordTs } = await submitted(h);

    await h.command(REQUESTER, `status ${requestId.toLowerCase()}`);
    const first = await h.slack.waitFor(() =>
      h.ephemeralsTo(REQUESTER).find((t) => t.includes('LivePerson status')),
    );
    expect(first).toContain('not started');
    for (const step of [
      'Filed',
      'Approved',
      'Submitted to LivePerson',
      'Cancellable until',
      'Deletion guaranteed by',
    ])
      expect(first).toContain(step);

    clock.advance(6 * DAY);
    await h.click(APPROVER, ACTION.refreshStatus, requestId, recordTs);
    const second = await h.slack.waitFor(() =>
      h.ephemeralsTo(APPROVER).find((t) => t.includes('LivePerson status')),
    );
    expect(second).toContain('in progress');
    expect(second).toContain('Cancel window closed');
    // The record shows the status it read, and no longer offers Cancel.
    await h.slack.waitFor(() => (recordBlocks(h, recordTs).includes('in progress') ? true : undefined));
    expect(recordBlocks(h, recordTs)).not.toContain(ACTION.cancelDeletion);
    expect((await h.store.get(requestId))?.lpRecord?.status).toBe('IN_PROGRESS');

    clock.advance(30 * DAY);
    await h.command(REQUESTER, `status ${requestId}`);
    await h.slack.waitFor(() =>
      h.ephemeralsTo(REQUESTER).find((t) => t.includes('done (LivePerson reports')),
    );
  });

  it('a request cancelled elsewhere is taken over; one made elsewhere is shown; an unknown id is explained', async () => {
    const { h } = await start('2026-11-10T10:00:00Z');
    const { requestId } = await submitted(h);
    const lpId = (await h.store.get(requestId))!.lpRecord!.requestId;
    const record = h.lp.requests.find((r) => String(r.requestId) === lpId)!;
    record.isCanceled = true;
    await h.command(REQUESTER, `status ${lpId}`);
    await h.slack.waitFor(() => h.ephemeralsTo(REQUESTER).find((t) => t.includes('cancelled (nothing will')));
    expect((await h.store.get(requestId))?.status).toBe('cancelled');

    const external = h.lp.addExternalRequest();
    await h.command(APPROVER, `status ${external.requestId}`);
    await h.slack.waitFor(() => h.ephemeralsTo(APPROVER).find((t) => /not filed through lp-delete/.test(t)));

    await h.command(APPROVER, 'status DR-ZZZZZZ');
    await h.slack.waitFor(() => h.ephemeralsTo(APPROVER).find((t) => /has no request "DR-ZZZZZZ"/.test(t)));
  });
});

describe('quota you can trust', () => {
  it('is reconciled up from requests made elsewhere, alerts at 80% and 100% once per month', async () => {
    const { h, clock } = await start('2026-11-10T10:00:00Z', { env: { LP_MONTHLY_LIMIT: '5' } });
    for (let i = 0; i < 3; i += 1)
      h.lp.addExternalRequest({ requestTime: '2026-11-0' + (i + 1) + 'T12:00:00Z' });
    // Last month's request does not count.
    h.lp.addExternalRequest({ requestTime: '2026-10-31T12:00:00Z' });
    await h.stopApp();
    await h.startApp(); // start-up sync

    expect(await h.app.quota.report()).toMatchObject({ used: 3, remaining: 2 });
    const report = JSON.stringify((await h.command(REQUESTER, 'quota')).body);
    expect(report).toContain('3 of 5 used');
    expect(report).toMatch(/lp-delete counted 0 requests/);
    expect(report).toMatch(/LivePerson listed 3 requests for the month \(3 made outside lp-delete\)/);

    await submitted(h); // 4 of 5: 80%
    const alerts = () => h.approvalMessages().filter((m) => /deletion quota/.test(m.text));
    await h.slack.waitFor(() => (alerts().length === 1 ? true : undefined));
    expect(alerts()[0]?.text).toMatch(/80%/);
    expect(await h.app.quota.report()).toMatchObject({ used: 4, sources: { counted: 1 } });

    // Our own request now appears in LivePerson's list but is not counted twice. (`quota` reuses a sync
    // younger than a minute, so the clock moves on before each fresh one.)
    clock.advance(61_000);
    await h.command(REQUESTER, 'quota');
    expect((await h.app.quota.report()).used).toBe(4);

    h.lp.addExternalRequest({ requestTime: '2026-11-10T09:00:00Z' });
    clock.advance(61_000);
    const full = JSON.stringify((await h.command(REQUESTER, 'quota')).body);
    expect(full).toContain('5 of 5 used');
    await h.slack.waitFor(() => (alerts().length === 2 ? true : undefined));
    expect(alerts()[1]?.text).toMatch(/used up/);

    // Never twice: more syncs, sweeps and a restart send nothing new.
    await h.app.housekeeping.runOnce();
    await h.command(REQUESTER, 'quota');
    await h.stopApp();
    await h.startApp();
    await h.app.housekeeping.runOnce();
    expect(alerts()).toHaveLength(2);
    // Filing is refused now that LivePerson's count reached the limit.
    const refused = await h.submitModal(REQUESTER, {
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR-X',
    });
    expect(JSON.stringify(refused.body)).toMatch(/used up|limit/);
  });

  it('counts the month in QUOTA_TIMEZONE across the boundary (Europe/Berlin, UTC+1 in winter)', async () => {
    // 23:30 UTC on 30 November is 00:30 on 1 December in Berlin.
    const { h, clock } = await start('2026-11-30T23:30:00Z', { env: { QUOTA_TIMEZONE: 'Europe/Berlin' } });
    h.lp.addExternalRequest({ requestTime: '2026-11-30T22:50:00Z' }); // 23:50 Berlin: November
    h.lp.addExternalRequest({ requestTime: '2026-11-30T23:10:00Z' }); // 00:10 Berlin: December
    clock.advance(61_000); // past the start-up sync, which `quota` would otherwise reuse
    const report = JSON.stringify((await h.command(REQUESTER, 'quota')).body);
    expect(report).toContain('2026-12');
    expect(report).toMatch(/LivePerson listed 1 request for the month \(1 made outside/);

    const { requestId } = await submitted(h);
    expect((await h.store.get(requestId))?.quotaMonth).toBe('2026-12');
    expect(await h.app.quota.report()).toMatchObject({ month: '2026-12', used: 2 });
    expect((await h.store.usage({ accountId: h.config.liveperson.accountId, month: '2026-11' })).used).toBe(
      0,
    );
  });
});

describe('reminders and expiry', () => {
  it('reminds once after 24 hours and expires after 7 days, across restarts', async () => {
    const { h, clock } = await start('2026-11-02T09:00:00Z');
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR-WAIT',
      subjectRequestedOn: '2026-11-01',
    });
    const reminders = () => h!.threadTexts(ts).filter((t) => /still waits for approval/.test(t));

    clock.advance(23 * HOUR);
    await h.app.housekeeping.runOnce();
    expect(reminders()).toHaveLength(0);

    clock.advance(2 * HOUR);
    await h.stopApp();
    await h.startApp(); // the start-up sweep sends the reminder
    await h.slack.waitFor(() => (reminders().length === 1 ? true : undefined));
    expect(reminders()[0]).toContain('GDPR deadline 1 December 2026');
    expect((await h.store.get(requestId))?.reminderSentAt).toBe('2026-11-03T10:00:00.000Z');

    await h.app.housekeeping.runOnce();
    await h.stopApp();
    await h.startApp();
    await h.app.housekeeping.runOnce();
    expect(reminders()).toHaveLength(1);
    expect(h.hasButtons(ts)).toBe(true);

    clock.set('2026-11-09T09:00:01Z');
    await h.stopApp();
    await h.startApp(); // expired by the start-up sweep
    await h.slack.waitFor(async () =>
      (await h!.store.get(requestId))?.status === 'expired' ? true : undefined,
    );
    await h.slack.waitFor(() => (h!.hasButtons(ts) ? undefined : true));
    await h.slack.waitFor(() => h!.dmsTo(REQUESTER).find((t) => /expired without a decision/.test(t)));
    await h.slack.waitFor(() => h!.threadTexts(ts).find((t) => /expired: nobody approved/.test(t)));

    await h.app.housekeeping.runOnce();
    await h.stopApp();
    await h.startApp();
    expect(h.threadTexts(ts).filter((t) => /expired: nobody approved/.test(t))).toHaveLength(1);
    expect((await h.store.get(requestId))?.history.filter((e) => e.event === 'expired')).toHaveLength(1);

    // A late approval is refused and nothing reaches LivePerson.
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => h!.ephemeralsTo(APPROVER).find((t) => /expired/.test(t)));
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(0);
  });
});

describe('expiry at the click', () => {
  it('Approve after the expiry time is refused in the decision itself, with the sweep stopped', async () => {
    const { h, clock } = await start('2026-11-02T10:00:00Z');
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR-LATE',
    });
    await h.app.housekeeping.stop(); // no sweep will run: the click alone must refuse
    clock.advance(7 * 24 * HOUR + 1000);
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    const refusal = await h.slack.waitFor(() => h.ephemeralsTo(APPROVER).find((t) => /expired/.test(t)));
    expect(refusal).toMatch(/File it again/);
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(0);
    const stored = await h.store.get(requestId);
    expect(stored?.status).toBe('expired');
    // The message loses its buttons and the requester is told, as when the sweep expires it.
    await h.slack.waitFor(() => (h.hasButtons(ts) ? undefined : true));
    await h.slack.waitFor(() => h.dmsTo(REQUESTER).find((t) => /expired/.test(t)));
  });
});

describe('GDPR deadline', () => {
  it('a request made on 31 January is due on 28 February, and the messages warn as it nears', async () => {
    const { h } = await start('2027-02-24T10:00:00Z');
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR-JAN31',
      subjectRequestedOn: '2027-01-31',
    });
    expect((await h.store.get(requestId))?.subjectRequestedOn).toBe('2027-01-31');
    const approval = JSON.stringify(h.approvalMessage(ts).blocks);
    expect(approval).toContain('GDPR deadline 28 February 2027');
    expect(approval).toContain(':warning:');
    expect(approval).toContain('4 days left');

    expect(await h.event({ type: 'app_home_opened', user: APPROVER, channel: 'D0HOME', tab: 'home' })).toBe(
      200,
    );
    const home = await h.slack.waitFor(() =>
      h.slack.views.find((v) => v.type === 'home' && v.userId === APPROVER),
    );
    expect(JSON.stringify(home.view)).toContain('GDPR deadline 28 February 2027');

    const future = await h.submitModal(REQUESTER, {
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR-FUTURE',
      subjectRequestedOn: '2027-03-01',
    });
    expect(JSON.stringify(future.body)).toMatch(/in the future/);
  });

  it('the modal asks for the date, starting on today in the team’s zone', async () => {
    const { h } = await start('2026-12-31T23:30:00Z', { env: { QUOTA_TIMEZONE: 'Europe/Berlin' } });
    await h.command(REQUESTER, '');
    const view = await h.slack.waitFor(() => h.openedViews()[0]);
    expect(JSON.stringify(view)).toContain('"initial_date":"2027-01-01"');
  });
});

describe('App Home', () => {
  it('shows the quota bar, approvals waiting with links, own requests, and everyone’s only to approvers', async () => {
    const { h } = await start('2026-11-10T10:00:00Z');
    await submitted(h);
    await h.fileRequest({ type: 'consumer', idsText: randomUUID(), reason: 'DSR-PENDING' }, APPROVER);

    await h.event({ type: 'app_home_opened', user: APPROVER, channel: 'D0HOME', tab: 'home' });
    const home = await h.slack.waitFor(() =>
      h.slack.views.find((v) => v.type === 'home' && v.userId === APPROVER),
    );
    const text = JSON.stringify(home.view);
    expect(text).toContain('▓');
    expect(text).toContain('1 of 100 used');
    expect(text).toContain('Waiting for approval (1)');
    expect(text).toMatch(/https:\/\/test-workspace\.slack\.com\/archives\/CPRIVACY1\/p\d+\|DR-/);
    expect(text).toContain('Your recent requests (1)');
    expect(text).toContain('Everyone’s recent requests (2)');

    await h.event({ type: 'app_home_opened', user: OUTSIDER, channel: 'D0HOME2', tab: 'home' });
    const outsider = await h.slack.waitFor(() =>
      h.slack.views.find((v) => v.type === 'home' && v.userId === OUTSIDER),
    );
    const outsiderText = JSON.stringify(outsider.view);
    expect(outsiderText).toContain('Your recent requests (0)');
    expect(outsiderText).not.toContain('Everyone’s recent requests');
  });
});
