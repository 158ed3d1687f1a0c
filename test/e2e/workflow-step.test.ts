import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, CALLBACK, FUNCTION } from '../../src/slack/ids.js';
import { NOW, PERSON, SECRETS, seedPerson, type SeededPerson } from '../liveperson/history/fixtures.js';
import { manifestFunctions } from '../support/fake-slack-functions.js';
import {
  APPROVER,
  APPROVER_2,
  Harness,
  REQUESTER,
  SIGNING_SECRET,
  approveButtonValue,
  type HarnessOptions,
} from '../support/harness.js';
import { signSlackRequest, viewSubmissionPayload, viewValue } from '../support/slack-request.js';

/**
 * The Workflow Builder step `lp_erase_person` end to end: a signed `function_executed` event to the real
 * app, the search against the history stand-ins, the usual approval message in the privacy channel, the
 * clicks, and the completion the strict fake Slack takes (outputs checked against manifest.yml's types).
 */
describe('the Workflow Builder step "Erase a person in LivePerson" (signed HTTP, fake Slack, sandbox)', () => {
  let h: Harness;
  let person: SeededPerson;
  afterEach(async () => {
    await h.close();
  });

  async function start(options: HarnessOptions = {}) {
    h = await Harness.start({ now: () => NOW, sandboxNow: () => NOW, history: { pageSize: 5 }, ...options });
    person = seedPerson(h.history!, 2);
    h.slack.functions.define(await manifestFunctions(new URL('../../manifest.yml', import.meta.url)));
  }

  /** Slack runs the step: the event as Slack sends it, signed, to /slack/events. */
  async function runStep(inputs: Record<string, unknown> = {}) {
    const { event, executionId } = h.slack.functions.execute(FUNCTION.erasePerson, {
      identifier: PERSON.email,
      case_ref: 'DSR-2026-0999',
      received_on: '2026-11-18',
      requester: REQUESTER,
      ...inputs,
    });
    expect(await h.event(event)).toBe(200);
    return executionId;
  }

  async function approvalPosted() {
    const message = await h.slack.waitFor(() => h.approvalMessages()[0], 15_000);
    const requestId = approveButtonValue(message.blocks);
    await h.slack.waitFor(async () => ((await h.store.get(requestId))?.approvalMessage ? true : undefined));
    return { requestId, ts: message.ts };
  }

  const completions = (executionId: string) => h.slack.functions.completionsOf(executionId);
  const completed = (executionId: string) => h.slack.waitFor(() => completions(executionId)[0], 10_000);

  it('files after a second person approves, then completes once with the filed ids, by the bot token', async () => {
    await start();
    const executionId = await runStep();
    const { requestId, ts } = await approvalPosted();
    const lead = await h.store.get(requestId);
    expect(lead).toMatchObject({
      requestedBy: REQUESTER,
      reason: 'DSR-2026-0999',
      subjectRequestedOn: '2026-11-18',
      workflowStep: { executionId },
    });
    expect(JSON.stringify(h.approvalMessage(ts))).toContain('1 open held back');
    expect(completions(executionId)).toHaveLength(0);

    // Four eyes: the requester named by the workflow cannot approve it.
    await h.click(REQUESTER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => h.ephemeralsTo(REQUESTER).find((t) => /someone else must approve/.test(t)));
    expect(h.lp.requests).toHaveLength(0);
    expect(completions(executionId)).toHaveLength(0);

    await h.click(APPROVER, ACTION.approve, requestId, ts);
    const done = await completed(executionId);
    const members = (await h.store.get(requestId))?.group?.members ?? [];
    expect(members).toHaveLength(2);
    expect(h.lp.requests).toHaveLength(2);
    expect(done).toMatchObject({ method: 'functions.completeSuccess', token: 'bot' });
    expect(done.outputs).toEqual({
      outcome: 'filed',
      request_ids: members.join(','),
      lp_request_ids: h.lp.requests.map((r) => r.requestId).join(','),
      conversations: person.closed.length,
      held_back: 1,
      approver: APPROVER,
      receipt_text: expect.stringContaining('within 25 days') as unknown,
    });
    expect(String(done.outputs?.receipt_text)).toContain('of 18 November 2026');
    await h.slack.waitFor(async () =>
      (await h.store.get(requestId))?.workflowStep?.outcome === 'filed' ? true : undefined,
    );

    // Another sweep, or a later click, completes nothing more.
    await h.app.housekeeping.runOnce();
    await h.click(APPROVER_2, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => h.ephemeralsTo(APPROVER_2).length > 0);
    expect(h.slack.callsTo('functions.completeSuccess')).toHaveLength(1);
    for (const text of [...h.logLines, ...h.slack.messages.map((m) => JSON.stringify(m))]) {
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    }
  });

  it('Reject → outcome rejected, nothing filed at LivePerson', async () => {
    await start();
    const executionId = await runStep();
    const { requestId, ts } = await approvalPosted();
    await h.click(APPROVER, ACTION.reject, requestId, ts);
    const view = await h.slack.waitFor(() =>
      h.openedViews().find((v) => v.callback_id === CALLBACK.rejectModal),
    );
    await h.interaction(
      viewSubmissionPayload({
        user: APPROVER,
        callbackId: CALLBACK.rejectModal,
        values: { [BLOCK.rejectReason]: { [ACTION.rejectReason]: viewValue.text('Wrong person') } },
        privateMetadata: view.private_metadata ?? '',
        triggerId: h.slack.issueTrigger(),
      }),
    );
    const done = await completed(executionId);
    expect(done.method).toBe('functions.completeSuccess');
    expect(done.outputs).toMatchObject({ outcome: 'rejected', approver: APPROVER, conversations: 0 });
    expect(done.outputs?.lp_request_ids).toBeUndefined();
    expect(done.outputs?.receipt_text).toBeUndefined();
    expect(h.lp.requests).toHaveLength(0);
  });

  it('nothing found → outcome nothing_found at once, with a receipt, and no approval message', async () => {
    await start();
    const executionId = await runStep({ identifier: 'nobody.here@example.net' });
    const done = await completed(executionId);
    expect(done.method).toBe('functions.completeSuccess');
    expect(done.outputs).toMatchObject({ outcome: 'nothing_found', conversations: 0, held_back: 0 });
    expect(String(done.outputs?.receipt_text)).toMatch(/found no conversations of yours/);
    expect(h.approvalMessages()).toHaveLength(0);
  });

  it('the month’s quota too short for the plan → functions.completeError with a sentence, nothing filed', async () => {
    await start({ env: { LP_MONTHLY_LIMIT: '1' } });
    const executionId = await runStep();
    const done = await completed(executionId);
    expect(done.method).toBe('functions.completeError');
    expect(done.error).toMatch(
      /needs 2 LivePerson requests, but only 1 is left this month, so nothing was filed/,
    );
    expect(h.approvalMessages()).toHaveLength(0);
    expect(h.lp.requests).toHaveLength(0);
  });

  it('namesakes (a second consumer with the same email in its own fields) → nothing filed, completeError', async () => {
    await start();
    h.history!.addConversation({
      status: 'CLOSE',
      startTime: new Date(NOW.getTime() - 40 * 24 * 60 * 60 * 1000),
      consumer: { participantId: '9d2f5c1e-3b7a-4c6d-8e9f-0a1b2c3d4e5f', email: PERSON.email },
      personalInfo: [PERSON.email],
      messages: ['hello'],
    });
    const executionId = await runStep();
    const done = await completed(executionId);
    expect(done.method).toBe('functions.completeError');
    expect(done.error).toMatch(/2 different consumers in LivePerson.*nothing was filed.*\/lp-delete person/);
    expect(h.approvalMessages()).toHaveLength(0);
    expect(h.lp.requests).toHaveLength(0);
  });

  it('the month’s quota spent → functions.completeError saying so, before any search', async () => {
    await start({ env: { LP_MONTHLY_LIMIT: '1' } });
    const spent = await h.fileRequest({ type: 'consumer', idsText: PERSON.consumerId, reason: 'DSR-0' });
    await h.click(APPROVER, ACTION.approve, spent.requestId, spent.ts);
    await h.slack.waitFor(() => (h.lp.requests.length === 1 ? true : undefined));
    const executionId = await runStep();
    const done = await completed(executionId);
    expect(done.method).toBe('functions.completeError');
    expect(done.error).toMatch(/can't file a deletion request right now/);
    expect(h.history!.calls).toHaveLength(0);
    // (The channel also hears the 100% quota alert: count the requests, not the channel's messages.)
    expect(await h.store.listMonth('2026-11')).toHaveLength(1);
    expect(h.lp.requests).toHaveLength(1);
  });

  it('Slack’s redelivery of the event (X-Slack-Retry-Num) is acked at once and runs nothing twice', async () => {
    await start();
    const { event, executionId } = h.slack.functions.execute(FUNCTION.erasePerson, {
      identifier: 'nobody.here@example.net',
      case_ref: 'DSR-1',
      requester: REQUESTER,
    });
    const deliver = async (retry?: number) => {
      const body = JSON.stringify({
        type: 'event_callback',
        team_id: 'T0TEST',
        api_app_id: 'A0TEST',
        event_id: 'Ev0RETRY',
        event_time: Math.floor(Date.now() / 1000),
        event,
      });
      const response = await fetch(`${h.appUrl}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signSlackRequest(SIGNING_SECRET, body, Math.floor(Date.now() / 1000)),
          ...(retry ? { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_timeout' } : {}),
        },
        body,
      });
      await response.text();
      return { status: response.status };
    };
    expect((await deliver()).status).toBe(200);
    await completed(executionId);
    // Acked: Bolt answers 404 to an event nobody acks within 3 s, and Slack would retry again.
    expect((await deliver(1)).status).toBe(200);
    await h.app.housekeeping.runOnce();
    expect(h.slack.callsTo('functions.completeSuccess')).toHaveLength(1);
  });

  it('a name or an empty identifier is refused with completeError before any search', async () => {
    await start();
    const byName = await runStep({ identifier: `${PERSON.firstName} ${PERSON.lastName}` });
    expect((await completed(byName)).error).toMatch(/a name can match several people/);
    const blank = await runStep({ identifier: '\u200b ' });
    expect((await completed(blank)).error).toMatch(/identifier was empty/);
    expect(h.history!.calls).toHaveLength(0);
    expect(h.approvalMessages()).toHaveLength(0);
  });

  it('an approval that expires undecided → outcome failed, with no approver', async () => {
    let now = NOW;
    await start({ now: () => now });
    const executionId = await runStep();
    const { requestId } = await approvalPosted();
    now = new Date(NOW.getTime() + 8 * 24 * 60 * 60 * 1000);
    await h.app.housekeeping.runOnce();
    await h.app.housekeeping.runOnce();
    const done = await completed(executionId);
    expect((await h.store.get(requestId))?.status).toBe('expired');
    expect(done.outputs).toMatchObject({ outcome: 'failed', conversations: 0 });
    expect(done.outputs?.approver).toBeUndefined();
    expect(h.lp.requests).toHaveLength(0);
  });

  it('a restart between the approval and the completion → still exactly one completion', async () => {
    await start();
    const executionId = await runStep();
    const { requestId, ts } = await approvalPosted();
    // Slack is down when the approval is filed: the completion fails, the filing stands.
    h.slack.failNext('functions.completeSuccess', { httpStatus: 503 });
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => h.slack.callsTo('functions.completeSuccess').length === 1);
    await h.slack.waitFor(async () =>
      (await h.store.get(requestId))?.status === 'submitted' ? true : undefined,
    );
    expect(completions(executionId)).toHaveLength(0);
    expect((await h.store.get(requestId))?.workflowStep?.completedAt).toBeUndefined();

    // A new app on the same data folder: its start-up sweep completes the step.
    await h.stopApp();
    await h.startApp();
    const done = await completed(executionId);
    expect(done.outputs).toMatchObject({ outcome: 'filed', approver: APPROVER });
    await h.slack.waitFor(async () =>
      (await h.store.get(requestId))?.workflowStep?.completedAt ? true : undefined,
    );

    // Slack took a completion whose answer never reached the store (a crash right after): the next
    // start calls again, Slack answers execution_not_in_running_state, and that counts as done.
    await h.store.update(requestId, (r) =>
      r?.workflowStep
        ? { value: undefined, request: { ...r, workflowStep: { executionId } } }
        : { value: undefined },
    );
    await h.stopApp();
    await h.startApp();
    await h.slack.waitFor(async () =>
      (await h.store.get(requestId))?.workflowStep?.completedAt ? true : undefined,
    );
    expect(h.slack.callsTo('functions.completeSuccess')).toHaveLength(3);
    expect(completions(executionId)).toHaveLength(1);
    expect(h.lp.requests).toHaveLength(2);
  });

  it('a double click (two approvers at once) → one filing and one completion', async () => {
    await start();
    const executionId = await runStep();
    const { requestId, ts } = await approvalPosted();
    await Promise.all([
      h.click(APPROVER, ACTION.approve, requestId, ts),
      h.click(APPROVER_2, ACTION.approve, requestId, ts),
      h.click(APPROVER, ACTION.approve, requestId, ts),
    ]);
    await completed(executionId);
    await h.app.housekeeping.runOnce();
    expect(h.lp.requests).toHaveLength(2);
    expect(h.slack.callsTo('functions.completeSuccess')).toHaveLength(1);
    expect(completions(executionId)).toHaveLength(1);
  });
});
