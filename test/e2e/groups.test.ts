import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK } from '../../src/slack/ids.js';
import { ACCOUNT_ID, APPROVER, Harness, REQUESTER } from '../support/harness.js';

/** 250 engagement ids (account id + chat id) fit the form's two boxes and one approval message. */
const engagementIds = (n: number, from = 4_294_967_000) =>
  Array.from({ length: n }, (_, i) => `${ACCOUNT_ID}${from + i}`);

describe('several requests under one approval (real app over signed HTTP, fake Slack, LivePerson sandbox)', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('250 ids of one type → one approval message → three creates of 100, 100 and 50, each record in the thread', async () => {
    h = await Harness.start();
    const ids = engagementIds(250);
    const { requestId, ts } = await h.fileRequest({
      type: 'engagement',
      idsText: ids.slice(0, 150).join('\n'),
      moreIdsText: ids.slice(150).join('\n'),
      reason: 'DSR-250',
    });
    expect(h.approvalMessages()).toHaveLength(1);
    const text = JSON.stringify(h.approvalMessage(ts).blocks);
    for (const id of ids) expect(text).toContain(id);
    expect(text).toContain('3 LivePerson requests');
    const lead = await h.store.get(requestId);
    expect(lead?.group?.members).toHaveLength(3);

    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => (h.lp.requests.length === 3 ? true : undefined));
    expect(h.lp.requests.map((r) => [r.type, r.ids.length])).toEqual([
      ['engagement', 100],
      ['engagement', 100],
      ['engagement', 50],
    ]);
    expect(h.lp.requests.flatMap((r) => r.ids)).toEqual(ids);
    // Each record in the lead's thread; every part submitted once; the message shows no buttons.
    await h.slack.waitFor(() =>
      h.threadTexts(ts).filter((t) => /LivePerson request/i.test(t)).length >= 3 ? true : undefined,
    );
    for (const id of lead?.group?.members ?? []) {
      expect((await h.store.get(id))?.status).toBe('submitted');
    }
    await h.slack.waitFor(() => (!h.hasButtons(ts) ? true : undefined));
    // Status and cancel work per part: cancelling the second leaves the others alone.
    const second = lead?.group?.members?.[1] ?? '';
    expect(await h.app.statusReads.status(second, REQUESTER)).toMatchObject({ ok: true });
    expect(await h.app.cancellation.cancel(second, REQUESTER)).toMatchObject({ ok: true });
    expect((await h.store.get(second))?.status).toBe('cancelled');
    expect((await h.store.get(requestId))?.status).toBe('submitted');
    await h.slack.waitFor(() => (h.threadTexts(ts).some((t) => /cancelled/i.test(t)) ? true : undefined));
    // A second click is refused and sends nothing more.
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => h.ephemeralsTo(APPROVER).find((t) => /already/i.test(t)));
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(3);
  });

  it('refuses up front a plan needing more requests than the month has left, saying how many remain and when it resets', async () => {
    h = await Harness.start({ env: { LP_MONTHLY_LIMIT: '2' } });
    const answer = await h.submitModal(REQUESTER, {
      type: 'engagement',
      idsText: engagementIds(250).join('\n'),
      reason: 'DSR-too-big',
    });
    const error = (answer.body as { errors?: Record<string, string> }).errors?.[BLOCK.type] ?? '';
    expect(error).toMatch(/3 LivePerson requests, but only 2 are left/);
    expect(error).toMatch(/resets on/);
    expect(await h.store.listOpen()).toHaveLength(0);
    expect(h.approvalMessages()).toHaveLength(0);
  });

  it('reject on the lead rejects every part; nothing is sent', async () => {
    h = await Harness.start();
    const ids = engagementIds(150);
    const { requestId } = await h.fileRequest({
      type: 'engagement',
      idsText: ids.join('\n'),
      reason: 'DSR-R',
    });
    const rejected = await h.app.decisions.reject(requestId, APPROVER, 'wrong person');
    expect(rejected.ok).toBe(true);
    const lead = await h.store.get(requestId);
    for (const id of lead?.group?.members ?? []) expect((await h.store.get(id))?.status).toBe('rejected');
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(0);
    // A part cannot be approved on its own.
    const part = lead?.group?.members?.[1] ?? '';
    expect(await h.app.decisions.approve(part, APPROVER)).toMatchObject({ ok: false, code: 'WRONG_MESSAGE' });
  });

  it('after a crash between the lead’s approval and its parts’, recovery sends the pending parts once', async () => {
    h = await Harness.start();
    const ids = engagementIds(150);
    const { requestId } = await h.fileRequest({
      type: 'engagement',
      idsText: ids.join('\n'),
      reason: 'DSR-C',
    });
    const lead = await h.store.get(requestId);
    const partId = lead?.group?.members?.[1] ?? '';
    // What a crash right after the lead's approval leaves: the lead submitted, the part still pending.
    await h.store.update(requestId, (r) => {
      const next = {
        ...r!,
        status: 'submitted' as const,
        decision: { outcome: 'approved' as const, by: APPROVER, at: new Date().toISOString() },
      };
      return { value: undefined, request: next };
    });
    await h.app.housekeeping.runOnce();
    await h.slack.waitFor(async () =>
      (await h.store.get(partId))?.status === 'submitted' ? true : undefined,
    );
    expect(h.lp.requests.map((r) => r.ids.length)).toEqual([50]);
    await h.app.housekeeping.runOnce();
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(1);
  });

  it('expiry applies to every part, said once in the thread and once to the requester', async () => {
    let now = new Date();
    h = await Harness.start({ now: () => now });
    const { requestId, ts } = await h.fileRequest({
      type: 'engagement',
      idsText: engagementIds(150).join('\n'),
      reason: 'DSR-E',
    });
    await h.slack.waitFor(() => (h.dmsTo(REQUESTER).length >= 1 ? true : undefined));
    now = new Date(now.getTime() + 8 * 24 * 60 * 60 * 1000);
    await h.app.housekeeping.runOnce();
    const lead = await h.store.get(requestId);
    for (const id of lead?.group?.members ?? []) expect((await h.store.get(id))?.status).toBe('expired');
    await h.slack.waitFor(() => (!h.hasButtons(ts) ? true : undefined));
    await h.slack.waitFor(() => (h.dmsTo(REQUESTER).length >= 2 ? true : undefined));
    await h.app.delivery.flush(2000);
    expect(h.threadTexts(ts).filter((t) => /expired/i.test(t))).toHaveLength(1);
    expect(h.dmsTo(REQUESTER).filter((t) => /expired/i.test(t))).toHaveLength(1);
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(0);
  });

  it('a part left submitting by a crash is looked up at LivePerson after the restart, never sent again', async () => {
    h = await Harness.start();
    const { requestId } = await h.fileRequest({
      type: 'engagement',
      idsText: engagementIds(150).join('\n'),
      reason: 'DSR-K',
    });
    const partId = (await h.store.get(requestId))?.group?.members?.[1] ?? '';
    const decision = { outcome: 'approved' as const, by: APPROVER, at: new Date().toISOString() };
    // What a kill between a part's move to submitting and its call leaves behind.
    for (const [id, status] of [
      [requestId, 'submitted'],
      [partId, 'submitting'],
    ] as const) {
      await h.store.update(id, (r) => ({
        value: undefined,
        request: { ...r!, status, decision, quotaMonth: new Date().toISOString().slice(0, 7) },
      }));
    }
    await h.stopApp();
    await h.startApp();
    await h.slack.waitFor(async () =>
      (await h.store.get(partId))?.status === 'outcome_unknown' ? true : undefined,
    );
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(0);
  });
});
