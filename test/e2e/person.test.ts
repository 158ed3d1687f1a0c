import { afterEach, describe, expect, it } from 'vitest';
import {
  ACTION,
  BLOCK,
  CALLBACK,
  PERSON_ACTION,
  PERSON_BLOCK,
  PERSON_CALLBACK,
  keywordHitsBlockId,
} from '../../src/slack/ids.js';
import { NOW, PERSON, SECRETS, seedPerson, type SeededPerson } from '../liveperson/history/fixtures.js';
import { APPROVER, APPROVER_2, Harness, REQUESTER, approveButtonValue } from '../support/harness.js';
import { viewSubmissionPayload, viewValue } from '../support/slack-request.js';

/**
 * Erasing a person, end to end: `/lp-delete person …` → "Searching LivePerson…" → the result in place
 * (views.update) → one approval → every request created once. Against the strict history stand-ins
 * mounted in the LivePerson sandbox, with the person of issue 11 (tests/liveperson/history/fixtures.ts).
 */
describe('erasing a person (real app over signed HTTP, fake Slack, LivePerson sandbox with history)', () => {
  let h: Harness;
  let person: SeededPerson;
  afterEach(async () => {
    await h.close();
  });

  async function start(options: { env?: Record<string, string> } = {}) {
    // Pages of 1 record: the newest window (the open conversation and a closed one) needs two pages.
    h = await Harness.start({ now: () => NOW, sandboxNow: () => NOW, history: { pageSize: 1 }, ...options });
    person = seedPerson(h.history!, 6);
  }

  /** The command, the searching view at once, then the result view in its place. */
  async function search(identifier: string) {
    const before = h.slack.views.length;
    const answer = await h.command(REQUESTER, `person ${identifier}`);
    expect(answer.status).toBe(200);
    const view = await h.slack.waitFor(() => h.slack.views[before]);
    expect(view.history[0]?.callback_id ?? view.view.callback_id).toBe(PERSON_CALLBACK.searching);
    await h.slack.waitFor(
      () => (view.view.callback_id === PERSON_CALLBACK.result ? true : undefined),
      15_000,
    );
    expect(h.slack.callsTo('views.update').length).toBeGreaterThan(0);
    return view;
  }

  async function send(view: { id: string; view: Record<string, unknown> }, ticked: string[] = []) {
    const values: Record<string, Record<string, unknown>> = {
      [PERSON_BLOCK.reason]: { [PERSON_ACTION.reason]: viewValue.text('DSR-2026-0999') },
    };
    if (ticked.length > 0) {
      values[keywordHitsBlockId(0)] = {
        [PERSON_ACTION.keywordHits]: {
          type: 'checkboxes',
          selected_options: ticked.map((value) => ({ text: { type: 'plain_text', text: value }, value })),
        },
      };
    }
    const before = h.approvalMessages().length;
    const answer = await h.interaction(
      viewSubmissionPayload({
        user: REQUESTER,
        callbackId: PERSON_CALLBACK.result,
        privateMetadata: String(view.view.private_metadata ?? ''),
        triggerId: h.slack.issueTrigger(),
        viewId: view.id,
        values: values as never,
      }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('');
    const message = await h.slack.waitFor(() => h.approvalMessages()[before]);
    const requestId = approveButtonValue(message.blocks);
    await h.slack.waitFor(async () => ((await h.store.get(requestId))?.approvalMessage ? true : undefined));
    return { requestId, ts: message.ts };
  }

  const creates = () => h.lp.requests.map((r) => ({ type: r.type, ids: [...r.ids].sort() }));
  const closedIds = () => person.closed.map((c) => c.conversationId).sort();

  it('finds a person by email over 11 months → one approval → exactly two creates; the open one is offered again once closed; nothing private reaches Slack or the logs', async () => {
    await start();
    const view = await search(PERSON.email);
    const shown = JSON.stringify(view.view);
    expect(shown).toContain('Closed conversations to delete*\\n4');
    expect(shown).toContain('2 LivePerson requests');
    // Windows and pages: more than one of each, never past LivePerson's limits.
    const searches = h.history!.calls.filter((c) => c.kind === 'mi.search');
    expect(searches.some((c) => (c.offset ?? 0) > 0)).toBe(true);
    expect(searches.every((c) => c.status === 200 && c.source)).toBe(true);

    const { requestId, ts } = await send(view);
    const approval = JSON.stringify(h.approvalMessage(ts));
    expect(approval).toContain(
      '1 consumer id, 4 closed conversations (1 open held back) → 2 LivePerson requests',
    );
    expect(h.approvalMessages()).toHaveLength(1);

    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => (h.lp.requests.length === 2 ? true : undefined));
    expect(creates()).toEqual([
      { type: 'consumer', ids: [PERSON.consumerId] },
      { type: 'conversation', ids: closedIds() },
    ]);
    await h.slack.waitFor(() =>
      h.threadTexts(ts).filter((t) => /LivePerson request/i.test(t)).length >= 2 ? true : undefined,
    );
    await h.slack.waitFor(() => (h.dmsTo(REQUESTER).length >= 3 ? true : undefined));

    // The open conversation closes; the sweep offers it in the thread with a button.
    await h.app.housekeeping.runOnce();
    expect(h.threadTexts(ts).some((t) => /now closed/.test(t))).toBe(false);
    h.history!.setStatus(person.open.conversationId, 'CLOSE', NOW);
    await h.app.housekeeping.runOnce();
    const offer = await h.slack.waitFor(() =>
      h.slack
        .threadReplies('CPRIVACY1', ts)
        .find((m) => /1 held-back conversation is now closed/.test(m.text)),
    );
    await h.app.housekeeping.runOnce(); // offered once
    expect(h.threadTexts(ts).filter((t) => /now closed/.test(t))).toHaveLength(1);
    await h.click(APPROVER_2, ACTION.fileHeldBack, requestId, offer.ts);
    const second = await h.slack.waitFor(() => h.approvalMessages()[1]);
    const secondId = approveButtonValue(second.blocks);
    expect((await h.store.get(secondId))?.requestedBy).toBe(APPROVER_2);
    // A second click files nothing more.
    await h.click(APPROVER, ACTION.fileHeldBack, requestId, offer.ts);
    await h.slack.waitFor(() => h.ephemeralsTo(APPROVER).find((t) => /already|just filed/i.test(t)));
    expect(h.approvalMessages()).toHaveLength(2);
    await h.slack.waitFor(async () => ((await h.store.get(secondId))?.approvalMessage ? true : undefined));
    await h.click(APPROVER, ACTION.approve, secondId, second.ts);
    await h.slack.waitFor(() => (h.lp.requests.length === 3 ? true : undefined));
    expect(creates()[2]).toEqual({ type: 'conversation', ids: [person.open.conversationId] });

    // Privacy: no transcript, name, email or phone from LivePerson in any Slack message or log line.
    await h.slack.waitFor(() => (h.dmsTo(APPROVER_2).length >= 2 ? true : undefined));
    const messages = [
      ...h.slack.messages.map((m) => JSON.stringify(m)),
      ...h.slack.ephemerals.map((e) => JSON.stringify(e)),
    ];
    expect(messages.length).toBeGreaterThan(8);
    for (const text of [...messages, ...h.logLines]) {
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    }
    // The store keeps the kind of identifier with the request, never the identifier, nothing of the person.
    const stored = JSON.stringify(await h.store.listMonth('2026-11'));
    expect(stored).toContain('"subjectKind":"email"');
    for (const secret of SECRETS) expect(stored).not.toContain(secret);
  });

  it('finds the same person by consumer id', async () => {
    await start();
    const view = await search(PERSON.consumerId.toUpperCase());
    const { requestId, ts } = await send(view);
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => (h.lp.requests.length === 2 ? true : undefined));
    expect(creates()).toEqual([
      { type: 'consumer', ids: [PERSON.consumerId] },
      { type: 'conversation', ids: closedIds() },
    ]);
  });

  it('leaves a keyword-only hit out unless the officer ticks it in', async () => {
    await start();
    const view = await search(PERSON.email);
    expect(JSON.stringify(view.view)).toContain(person.mention.conversationId);
    const { requestId, ts } = await send(view, [person.mention.conversationId]);
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => (h.lp.requests.length === 2 ? true : undefined));
    expect(creates()[1]).toEqual({
      type: 'conversation',
      ids: [...closedIds(), person.mention.conversationId].sort(),
    });
  });

  it('with LP_CHAT_HISTORY=true, the person’s chats become an engagement request too', async () => {
    await start({ env: { LP_CHAT_HISTORY: 'true' } });
    const chat = h.history!.addChat({
      visitorId: 'visitor-ada',
      visitorName: PERSON.firstName,
      startTime: new Date(NOW.getTime() - 60 * 24 * 60 * 60 * 1000),
      visitorInfo: [PERSON.email],
      lines: [PERSON.transcript],
    });
    const view = await search(PERSON.email);
    expect(JSON.stringify(view.view)).toContain('3 LivePerson requests');
    const { requestId, ts } = await send(view);
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => (h.lp.requests.length === 3 ? true : undefined));
    expect(creates()[2]).toEqual({ type: 'engagement', ids: [chat.engagementId] });
    expect(h.history!.calls.some((c) => c.kind === 'eh.search')).toBe(true);
    for (const text of [...h.slack.messages.map((m) => JSON.stringify(m)), ...h.logLines]) {
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    }
  });

  it('"A person" in the /lp-delete form searches too, updating the form in place', async () => {
    await start();
    await h.command(REQUESTER, '');
    const form = await h.slack.waitFor(() => h.slack.views[0]);
    const answer = await h.interaction(
      viewSubmissionPayload({
        user: REQUESTER,
        callbackId: CALLBACK.requestModal,
        privateMetadata: '',
        triggerId: h.slack.issueTrigger(),
        viewId: form.id,
        values: {
          [BLOCK.type]: { [ACTION.type]: viewValue.select('person') },
          [BLOCK.ids]: { [ACTION.ids]: viewValue.text(PERSON.email) },
          [BLOCK.moreIds]: { [ACTION.moreIds]: viewValue.text(null) },
          [BLOCK.reason]: { [ACTION.reason]: viewValue.text('DSR-1') },
        },
      }),
    );
    expect(answer.body).toMatchObject({
      response_action: 'update',
      view: { callback_id: PERSON_CALLBACK.searching },
    });
    await h.slack.waitFor(
      () => (form.view.callback_id === PERSON_CALLBACK.result ? true : undefined),
      15_000,
    );
    expect(JSON.stringify(form.view)).toContain('2 LivePerson requests');
    expect(JSON.stringify(form.view)).toContain('"initial_value":"DSR-1"');
  });
});
