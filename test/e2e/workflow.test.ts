import { join } from 'node:path';
import { openFileStore } from '../../src/store/lowdb/file-store.js';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import {
  ACCOUNT_ID,
  APPROVER,
  APPROVER_2,
  Harness,
  OUTSIDER,
  REQUESTER,
  SIGNING_SECRET,
} from '../support/harness.js';
import { sendSlashCommand, viewSubmissionPayload, viewValue } from '../support/slack-request.js';

const uuids = (n: number) => Array.from({ length: n }, () => randomUUID());

describe('the Slack workflow, end to end (real app over signed HTTP, fake Slack, LivePerson sandbox)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
  });
  afterEach(async () => {
    await h.close();
  });

  it('happy path: /lp-delete → modal → approval message → Approve → record in the thread, requester told', async () => {
    const ids = uuids(3);
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: ids.join('\n'),
      reason: 'DSR-2026-0042',
    });

    const approval = h.approvalMessage(ts);
    const approvalText = JSON.stringify(approval.blocks);
    for (const id of ids) expect(approvalText).toContain(id);
    expect(approvalText).toContain('DSR-2026-0042');
    expect(approvalText).toContain(`<@${REQUESTER}>`);
    expect(h.hasButtons(ts)).toBe(true);
    const filedDm = await h.slack.waitFor(() => h.dmsTo(REQUESTER).find((m) => /approval/i.test(m)));
    expect(filedDm).toMatch(/https?:\/\//); // the link to the approval message

    expect((await h.click(APPROVER, ACTION.approve, requestId, ts)).status).toBe(200);
    const record = await h.slack.waitFor(() => h.threadTexts(ts).find((t) => t.includes('127223')));
    expect(record).toContain('127223');
    expect(h.lp.requests).toHaveLength(1);
    expect(h.lp.requests[0]?.ids).toEqual(ids);
    expect(h.lp.requests[0]?.type).toBe('conversation');
    await h.slack.waitFor(() => h.dmsTo(REQUESTER).find((m) => m.includes('127223')));
    await h.slack.waitFor(() => (!h.hasButtons(ts) ? true : undefined));
    const stored = await h.store.get(requestId);
    expect(stored?.status).toBe('submitted');
    expect(stored?.decision).toMatchObject({ outcome: 'approved', by: APPROVER });
    expect(stored?.history.map((e) => e.event)).toEqual([
      'filed',
      'posted_for_approval',
      'approved',
      'submitted',
    ]);
  });

  it('refuses the requester approving their own request even though they are an approver', async () => {
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: uuids(1)[0]!,
      reason: 'DSR-1',
    });
    await h.click(REQUESTER, ACTION.approve, requestId, ts);
    const notice = await h.slack.waitFor(() =>
      h.ephemeralsTo(REQUESTER).find((t) => /someone else/i.test(t)),
    );
    expect(notice).toBeTruthy();
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(0);
    expect((await h.store.get(requestId))?.status).toBe('pending_approval');
    expect(h.hasButtons(ts)).toBe(true);
  });

  it('refuses a non-approver, privately, and changes nothing', async () => {
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: uuids(1)[0]!,
      reason: 'DSR-1',
    });
    await h.click(OUTSIDER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => h.ephemeralsTo(OUTSIDER).find((t) => /approver/i.test(t)));
    await h.click(OUTSIDER, ACTION.reject, requestId, ts);
    await h.slack.waitFor(() => (h.ephemeralsTo(OUTSIDER).length >= 2 ? true : undefined));
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(0);
    expect((await h.store.get(requestId))?.status).toBe('pending_approval');
  });

  it('reject asks for a reason, records it, removes the buttons and tells the requester', async () => {
    const { requestId, ts } = await h.fileRequest({
      type: 'consumer',
      idsText: uuids(1)[0]!,
      reason: 'DSR-9',
    });
    const trigger = h.slack.issueTrigger();
    await h.click(APPROVER, ACTION.reject, requestId, ts, trigger);
    const view = await h.slack.waitFor(() =>
      h.openedViews().find((v) => v.callback_id === CALLBACK.rejectModal),
    );
    const blank = await h.interaction(
      viewSubmissionPayload({
        user: APPROVER,
        callbackId: CALLBACK.rejectModal,
        values: { [BLOCK.rejectReason]: { [ACTION.rejectReason]: viewValue.text('   ') } },
        privateMetadata: view.private_metadata ?? '',
        triggerId: h.slack.issueTrigger(),
      }),
    );
    expect(blank.body).toMatchObject({ response_action: 'errors' });
    const ok = await h.interaction(
      viewSubmissionPayload({
        user: APPROVER,
        callbackId: CALLBACK.rejectModal,
        values: {
          [BLOCK.rejectReason]: { [ACTION.rejectReason]: viewValue.text('Wrong consumer id <!channel>') },
        },
        privateMetadata: view.private_metadata ?? '',
        triggerId: h.slack.issueTrigger(),
      }),
    );
    expect(ok.status).toBe(200);
    await h.slack.waitFor(async () =>
      (await h.store.get(requestId))?.status === 'rejected' ? true : undefined,
    );
    await h.slack.waitFor(() => (!h.hasButtons(ts) ? true : undefined));
    const dm = await h.slack.waitFor(() => h.dmsTo(REQUESTER).find((t) => /reject/i.test(t)));
    expect(dm).not.toContain('<!channel>');
    expect((await h.store.get(requestId))?.decision).toMatchObject({ outcome: 'rejected', by: APPROVER });
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(0);
    // A late Approve click after the rejection is refused.
    await h.click(APPROVER_2, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => h.ephemeralsTo(APPROVER_2).find((t) => /already|rejected/i.test(t)));
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(0);
  });

  it('accepts exactly 100 ids split over the two inputs, and the approval message fits Slack', async () => {
    const ids = uuids(100);
    const { ts } = await h.fileRequest({
      type: 'conversation',
      idsText: ids.slice(0, 50).join('\n'),
      moreIdsText: ids.slice(50).join('\n'),
      reason: 'DSR-100',
    });
    const text = JSON.stringify(h.approvalMessage(ts).blocks);
    for (const id of ids) expect(text).toContain(id);
  });

  // The one end-to-end test of bad ids in the form; every id rule is unit-tested in test/domain/ids.test.ts.
  it('bad ids in the form: the error under the ids field names them against the configured account; nothing filed', async () => {
    const answer = await h.submitModal(REQUESTER, {
      type: 'engagement',
      idsText: `${ACCOUNT_ID}4295067780, 9999994295067780\nnot-a-number`,
      moreIdsText: '12345',
      reason: 'DSR-1',
    });
    expect(answer.body).toMatchObject({ response_action: 'errors' });
    const error = (answer.body as { errors: Record<string, string> }).errors[BLOCK.ids];
    expect(error).toContain('"9999994295067780", "not-a-number", "12345"');
    expect(error).not.toContain(`${ACCOUNT_ID}4295067780`);
    expect(error).toContain(`the account id ${ACCOUNT_ID}`);
    expect(await h.store.listOpen()).toHaveLength(0);
    expect(h.approvalMessages()).toHaveLength(0);
  });

  it('drops duplicates (UUIDs case-insensitively) and tells the requester how many', async () => {
    const id = randomUUID();
    const { requestId } = await h.fileRequest({
      type: 'conversation',
      idsText: `${id}\n${id.toUpperCase()}, ${id}`,
      reason: 'DSR-1',
    });
    expect((await h.store.get(requestId))?.ids).toEqual([id]);
    await h.slack.waitFor(() => h.dmsTo(REQUESTER).find((t) => /2 duplicate/.test(t)));
  });

  it('five concurrent approvals from several approvers submit exactly one request', async () => {
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: uuids(2).join(','),
      reason: 'DSR-5',
    });
    const clicks = [APPROVER, APPROVER_2, APPROVER, APPROVER_2, APPROVER].map((user) =>
      h.click(user, ACTION.approve, requestId, ts),
    );
    const answers = await Promise.all(clicks);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await h.slack.waitFor(async () =>
      (await h.store.get(requestId))?.status === 'submitted' ? true : undefined,
    );
    await h.slack.waitFor(() =>
      h.ephemeralsTo(APPROVER).length + h.ephemeralsTo(APPROVER_2).length >= 4 ? true : undefined,
    );
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(1);
    expect(h.lp.requests).toHaveLength(1);
    const month = (await h.store.get(requestId))!.quotaMonth!;
    expect((await h.store.usage({ accountId: ACCOUNT_ID, month })).used).toBe(1);
  });

  it('a click on another message cannot decide this request (no replay across messages)', async () => {
    const first = await h.fileRequest({ type: 'conversation', idsText: uuids(1)[0]!, reason: 'DSR-A' });
    const second = await h.fileRequest({ type: 'conversation', idsText: uuids(1)[0]!, reason: 'DSR-B' });
    await h.click(APPROVER, ACTION.approve, first.requestId, second.ts);
    await h.slack.waitFor(() => h.ephemeralsTo(APPROVER).find((t) => /does not belong/.test(t)));
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(0);
  });

  it('LivePerson 5xx: it may have filed it, so outcome unknown, what to check, quota kept, nothing re-sent', async () => {
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: uuids(1)[0]!,
      reason: 'DSR-1',
    });
    h.lp.inject({ kind: 'create', status: 500 });
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    const post = await h.slack.waitFor(() => h.threadTexts(ts).find((t) => /may or may not/i.test(t)));
    expect(post).toMatch(/before/i);
    expect((await h.store.get(requestId))?.status).toBe('outcome_unknown');
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(1);
    expect((await h.app.quota.report()).used).toBe(1);
    await h.slack.waitFor(() => h.dmsTo(REQUESTER).find((t) => /may or may not/i.test(t)));
  });

  it('LivePerson 400: a definite refusal, so failed, quota given back, nothing retried', async () => {
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: uuids(1)[0]!,
      reason: 'DSR-1',
    });
    h.lp.inject({ kind: 'create', status: 400 });
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(async () =>
      (await h.store.get(requestId))?.status === 'failed' ? true : undefined,
    );
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(1);
    expect((await h.app.quota.report()).used).toBe(0);
  });

  it('LivePerson timeout: outcome unknown, says to check before trying again, quota kept counted', async () => {
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: uuids(1)[0]!,
      reason: 'DSR-1',
    });
    h.lp.inject({ kind: 'create', delayMs: 2_000 });
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    const post = await h.slack.waitFor(() => h.threadTexts(ts).find((t) => /may or may not/i.test(t)), 5_000);
    expect(post).toMatch(/before/i);
    expect((await h.store.get(requestId))?.status).toBe('outcome_unknown');
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(1);
    expect((await h.app.quota.report()).used).toBe(1);
  });

  it('quota spent by a 429 from LivePerson: month marked spent, new filings refused clearly', async () => {
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: uuids(1)[0]!,
      reason: 'DSR-1',
    });
    h.lp.inject({ kind: 'create', status: 429 });
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => h.threadTexts(ts).find((t) => /threshold|limit/i.test(t)));
    expect((await h.app.quota.report()).spent).toBe(true);
    const answer = await h.submitModal(REQUESTER, {
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR-2',
    });
    expect(JSON.stringify(answer.body)).toMatch(/resets|reset/);
    // Only the failed request is stored, nothing new.
    expect(await h.store.listMonth(requestId.slice(3, 10))).toHaveLength(1);
  });

  it('quota spent locally (LP_MONTHLY_LIMIT): a second approval and new filings are refused before LivePerson', async () => {
    await h.stopApp();
    h.envOverrides = { LP_MONTHLY_LIMIT: '1' };
    await h.startApp();
    const first = await h.fileRequest({ type: 'conversation', idsText: randomUUID(), reason: 'DSR-Q1' });
    const second = await h.fileRequest({ type: 'conversation', idsText: randomUUID(), reason: 'DSR-Q2' });
    await h.click(APPROVER, ACTION.approve, first.requestId, first.ts);
    await h.slack.waitFor(async () =>
      (await h.store.get(first.requestId))?.status === 'submitted' ? true : undefined,
    );
    await h.click(APPROVER, ACTION.approve, second.requestId, second.ts);
    const refusal = await h.slack.waitFor(() => h.ephemeralsTo(APPROVER).find((t) => /limit|quota/i.test(t)));
    expect(refusal).toMatch(/1 of 1/);
    expect((await h.store.get(second.requestId))?.status).toBe('pending_approval');
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(1);
    const filing = await h.submitModal(REQUESTER, {
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR-Q3',
    });
    expect(JSON.stringify(filing.body)).toMatch(/response_action.*errors.*reset/);
    const quota = JSON.stringify((await h.command(REQUESTER, 'quota')).body);
    expect(quota).toMatch(/1 of 1/);
  });

  it('/lp-delete quota shows used, limit, remaining and the reset', async () => {
    const answer = await h.command(REQUESTER, 'quota');
    expect(answer.status).toBe(200);
    const text = JSON.stringify(answer.body);
    expect(text).toMatch(/0 of 100/);
    expect(text).toMatch(/reset/i);
  });

  it('/lp-delete help lists every command', async () => {
    const text = JSON.stringify((await h.command(REQUESTER, 'help')).body);
    for (const word of [
      'quota',
      'status',
      'cancel',
      'help',
      'Home tab',
      'conversation',
      'engagement',
      'consumer',
    ])
      expect(text).toContain(word);
  });

  it('/lp-delete <type> <ids…> opens the form pre-filled', async () => {
    const id = randomUUID();
    await h.command(REQUESTER, `conversation ${id}`);
    const view = await h.slack.waitFor(() =>
      h.openedViews().find((v) => v.callback_id === CALLBACK.requestModal),
    );
    expect(JSON.stringify(view)).toContain(id);
  });

  it('/lp-delete conversation <100 ids> spreads them over both id boxes, none cut', async () => {
    const ids = uuids(100);
    await h.command(REQUESTER, `conversation ${ids.join(' ')}`);
    const view = await h.slack.waitFor(() =>
      h.openedViews().find((v) => v.callback_id === CALLBACK.requestModal),
    );
    const text = JSON.stringify(view);
    for (const id of ids) expect(text).toContain(id);
  });

  it('refuses a forged or stale signature with 401 and does nothing', async () => {
    const forged = await sendSlashCommand(
      h.appUrl,
      SIGNING_SECRET,
      { user_id: REQUESTER, text: 'help', trigger_id: h.slack.issueTrigger() },
      { signature: 'v0=' + '0'.repeat(64) },
    );
    expect(forged.status).toBe(401);
    const stale = await sendSlashCommand(
      h.appUrl,
      SIGNING_SECRET,
      { user_id: REQUESTER, text: 'help', trigger_id: h.slack.issueTrigger() },
      { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
    );
    expect(stale.status).toBe(401);
    const wrongSecret = await sendSlashCommand(h.appUrl, 'not-the-secret', {
      user_id: REQUESTER,
      text: '',
      trigger_id: h.slack.issueTrigger(),
    });
    expect(wrongSecret.status).toBe(401);
    expect(h.openedViews()).toHaveLength(0);
  });

  it('escapes mrkdwn: a reason with <!channel> and a link pings and links nobody', async () => {
    const { ts } = await h.fileRequest({
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR <!channel> <@UAPPROVER1> <https://evil.example|click> & more',
    });
    const text = JSON.stringify(h.approvalMessage(ts).blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil.example|click>');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&amp; more');
  });

  it('restart between filing and approval: the pending request can still be decided', async () => {
    const ids = uuids(2);
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: ids.join(' '),
      reason: 'DSR-R',
    });
    await h.stopApp();
    await h.startApp();
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => h.threadTexts(ts).find((t) => t.includes('127223')));
    expect(h.lp.requests).toHaveLength(1);
  });

  it('Slack rate-limits the approval post: the request is stored, and posted once Slack is back, across a restart', async () => {
    h.slack.failNext('chat.postMessage', { httpStatus: 429, retryAfter: 1 });
    const answer = await h.submitModal(REQUESTER, {
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR-K',
    });
    expect(answer.status).toBe(200);
    const [request] = await h.store.listOpen();
    expect(request?.status).toBe('pending_approval');
    await h.slack.waitFor(() => (h.logLines.some((l) => l.includes('notice_retry')) ? true : undefined));
    expect(h.approvalMessages()).toHaveLength(0);
    await h.stopApp();
    await h.startApp();
    const message = await h.slack.waitFor(() => h.approvalMessages()[0]);
    expect(JSON.stringify(message.blocks)).toContain(request!.id);
    await h.slack.waitFor(async () =>
      (await h.store.get(request!.id))?.approvalMessage?.ts === message.ts ? true : undefined,
    );
    await h.slack.waitFor(() => h.dmsTo(REQUESTER).find((t) => t.includes(request!.id)));
    expect(h.approvalMessages()).toHaveLength(1);
  });

  it('a filing stored with its notices while the app was down: the start posts it and tells the requester', async () => {
    // The filing and its two notices are one file: stored while no app runs, they go out at the start.
    await h.stopApp();
    const store = await openFileStore(h.dataDir);
    const { id } = await store.create(
      new Date().toISOString().slice(0, 7),
      (newId) => ({
        id: newId,
        accountId: ACCOUNT_ID,
        type: 'conversation',
        ids: [randomUUID()],
        reason: 'DSR-K2',
        requestedBy: REQUESTER,
        createdAt: new Date().toISOString(),
        status: 'pending_approval',
        history: [{ at: new Date().toISOString(), event: 'filed', by: REQUESTER }],
      }),
      [{ kind: 'approval_post' }, { kind: 'requester_filed', duplicatesDropped: 0, notes: [] }],
    );
    await store.close();
    await h.startApp();
    const message = await h.slack.waitFor(() => h.approvalMessages()[0]);
    expect(JSON.stringify(message.blocks)).toContain(id);
    await h.slack.waitFor(async () =>
      (await h.store.get(id))?.approvalMessage?.ts === message.ts ? true : undefined,
    );
  });

  it('killed while submitting: the restart never re-sends, marks it outcome unknown and says what to check', async () => {
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR-S',
    });
    // Simulate a kill right after the approval was stored as "submitting", before LivePerson answered.
    await h.store.update(requestId, (r) => ({ value: undefined, request: { ...r!, status: 'submitting' } }));
    await h.stopApp();
    await h.startApp();
    await h.slack.waitFor(() => h.threadTexts(ts).find((t) => /may or may not/i.test(t)));
    expect((await h.store.get(requestId))?.status).toBe('outcome_unknown');
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(0);
  });

  it('keeps ids, reasons and tokens out of every log line', async () => {
    const ids = uuids(2);
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: ids.join('\n'),
      reason: 'SECRET-DSR-REF',
    });
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => h.threadTexts(ts).find((t) => t.includes('127223')));
    expect(h.logLines.length).toBeGreaterThan(3);
    const all = h.logLines.join('\n');
    for (const secret of [
      ...ids,
      'SECRET-DSR-REF',
      'sandbox-client-secret',
      SIGNING_SECRET,
      'xoxb-test-bot-token',
    ]) {
      expect(all).not.toContain(secret);
    }
  });

  it('a second stop (two signals, or a stop during a stop) is harmless', async () => {
    await expect(Promise.all([h.app.stop(), h.app.stop()])).resolves.toBeDefined();
    await expect(h.app.stop()).resolves.toBeUndefined();
  });

  it('the data folder and its files are readable by their owner only', async () => {
    await h.fileRequest({ type: 'conversation', idsText: randomUUID(), reason: 'DSR-P' });
    const { stat } = await import('node:fs/promises');
    expect((await stat(h.dataDir)).mode & 0o777).toBe(0o700);
    const { readdir } = await import('node:fs/promises');
    const files = [
      join(h.dataDir, 'store.json'),
      ...(await readdir(join(h.dataDir, 'open')))
        .filter((f) => f.endsWith('.json'))
        .map((f) => join(h.dataDir, 'open', f)),
    ];
    for (const file of files) expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('blocks a stranger from filing when a requester allow-list is set', async () => {
    await h.stopApp();
    h.envOverrides = { REQUESTER_USER_IDS: REQUESTER };
    await h.startApp();
    const answer = await h.command(OUTSIDER, '');
    expect(JSON.stringify(answer.body)).toMatch(/requester list/);
    expect(h.openedViews()).toHaveLength(0);
  });
});
