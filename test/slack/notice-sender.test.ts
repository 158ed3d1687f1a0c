import { webApi } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { queuedNoticeSchema, type Notice } from '../../src/domain/notices.js';
import type { DeletionRequest } from '../../src/domain/request.js';
import { describeForPeople } from '../../src/liveperson/describe-for-people.js';
import { httpError } from '../../src/liveperson/liveperson-error.js';
import type { QuotaReport } from '../../src/service/quota-service.js';
import type { SendAttempt } from '../../src/service/ports.js';
import { SlackNoticeSender } from '../../src/slack/notice-sender.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { decided } from './request-fixture.js';

const QUOTA: QuotaReport = {
  used: 1,
  limit: 100,
  remaining: 99,
  spent: false,
  pendingApprovals: 0,
  month: '2024-03',
  resetsAt: new Date('2024-04-01T00:00:00Z'),
};

/** Delivers `notice` through the real sender to a stand-in Web API; returns what was posted. */
async function deliver(
  notice: Notice,
  request: DeletionRequest,
): Promise<{ text: string; blocks?: unknown }> {
  const posted: { text: string; blocks?: unknown }[] = [];
  const client = {
    chat: {
      postMessage: async (args: { text: string; blocks?: unknown }) => {
        posted.push(args);
        return { ok: true, ts: '1700000001.000100', channel: 'C0PRIVACY' };
      },
    },
  } as unknown as WebClient;
  const sender = new SlackNoticeSender(client, 'C0PRIVACY', () => new Date(), 'UTC');
  await sender.send(notice, request, QUOTA);
  expect(posted).toHaveLength(1);
  return posted[0]!;
}

/** A notice as a store reads it back: JSON through the queued-notice schema. */
function readBack(notice: unknown): Notice {
  const queued = { seq: 1, notice, queuedAt: '2024-03-01T09:46:00Z', attempts: 0, nextAttemptAt: '' };
  return queuedNoticeSchema.parse(JSON.parse(JSON.stringify(queued))).notice;
}

describe('SlackNoticeSender: failure notices', () => {
  const request = decided('failed', {
    failure: { code: 'LP_BAD_REQUEST', httpStatus: 400 },
    approvalMessage: { channelId: 'C0PRIVACY', ts: '1700000000.000100' },
  });
  const err = httpError('create', 400, 'bad id');
  // What the previous version stored in the notices for this failure.
  const words = describeForPeople(err);

  it('words the facts at delivery exactly as the previous version stored them', async () => {
    const facts = { code: 'LP_BAD_REQUEST', httpStatus: 400, operation: 'create', detail: 'bad id' };
    const post = await deliver(readBack({ kind: 'failure_post', failure: facts }), request);
    const oldPost = await deliver(readBack({ kind: 'failure_post', ...words }), request);
    expect(post).toEqual(oldPost);
    expect(JSON.stringify(post.blocks)).toContain('LivePerson refused the request as invalid (“bad id”).');

    const dm = await deliver(readBack({ kind: 'requester_outcome', failure: facts }), request);
    const oldDm = await deliver(readBack({ kind: 'requester_outcome', ...words }), request);
    expect(dm).toEqual(oldDm);
    expect(dm.text).toContain('did not accept it (LivePerson refused the request as invalid (“bad id”).)');
    expect(dm.text).toContain('Check the ids and the deletion type');
  });

  it('a notice saved with its words by the previous version still renders them as stored', async () => {
    const old = { what: 'LivePerson did not like <this>.', next: 'Ask `someone`.' };
    const post = await deliver(readBack({ kind: 'failure_post', ...old }), request);
    expect(JSON.stringify(post.blocks)).toContain('LivePerson did not like &lt;this&gt;.');
    expect(JSON.stringify(post.blocks)).toContain('Ask `someone`.');
    const dm = await deliver(readBack({ kind: 'requester_outcome', ...old }), {
      ...request,
      failure: { code: 'LP_BAD_REQUEST', message: old.what, httpStatus: 400 },
    });
    expect(dm.text).toContain('did not accept it (LivePerson did not like &lt;this&gt;.)');
    expect(dm.text).toMatch(/\nLivePerson did not like &lt;this&gt;\. Ask `someone`\.$/);
  });

  it('an interruption is worded from its candidates when the thread is told', async () => {
    const unknown = decided('outcome_unknown', {
      failure: { code: 'INTERRUPTED' },
      approvalMessage: { channelId: 'C0PRIVACY', ts: '1700000000.000100' },
    });
    const post = await deliver(
      readBack({ kind: 'failure_post', failure: { code: 'INTERRUPTED', candidates: null } }),
      unknown,
    );
    expect(post.text).toBe(`Deletion request ${unknown.id}: outcome unknown`);
    expect(JSON.stringify(post.blocks)).toContain('lp-delete could not reach LivePerson to check');
  });
});

describe('SlackNoticeSender: the requester’s DM on filing', () => {
  const request = decided('pending_approval', { type: 'ticketing' });

  it('words what the form changed in the ticket ids, and the duplicates dropped', async () => {
    const notice = readBack({
      kind: 'requester_filed',
      duplicatesDropped: 1,
      ticketChanges: { prefixesRemoved: 2, suffixesRemoved: 1 },
    });
    const dm = await deliver(notice, request);
    expect(dm.text).toContain('1 duplicate id was dropped.');
    expect(dm.text).toContain('Removed the LTK prefix from 2 ticket ids');
    expect(dm.text).toContain('Removed the X suffix from 1 ticket id');
  });

  it('a DM saved with its words by an earlier version is sent as stored; nothing changed, nothing said', async () => {
    const old = await deliver(
      readBack({
        kind: 'requester_filed',
        duplicatesDropped: 0,
        notes: ['Removed the LTK prefix from 3 ticket ids'],
      }),
      request,
    );
    expect(old.text).toContain('Removed the LTK prefix from 3 ticket ids');
    const plain = await deliver(readBack({ kind: 'requester_filed', duplicatesDropped: 0 }), request);
    expect(plain.text).not.toContain('Removed');
    expect(plain.blocks).toBeDefined();
  });
});

describe('SlackNoticeSender: metadata, and looking before posting again (issue 25)', () => {
  let fake: FakeSlack | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  async function setup() {
    fake = await startFakeSlack({ channels: ['C0PRIVACY'], users: { [REQUESTER]: {} } });
    const client = new webApi.WebClient(fake.botToken, {
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
      logLevel: webApi.LogLevel.ERROR,
    });
    const sender = new SlackNoticeSender(client, 'C0PRIVACY', () => new Date(), 'UTC');
    return { fake, client, sender };
  }

  const REQUESTER = 'U0REQUESTER';
  const attempt = (noticeId: string, maybePosted: boolean, mayPost = true): SendAttempt => ({
    noticeId,
    queuedAt: new Date(Date.now() - 60_000),
    maybePosted,
    mayPost: () => mayPost,
  });
  const noticeIds = (fake: FakeSlack) => fake.messages.map((m) => m.metadata?.event_payload.notice_id);

  it('every post carries the notice id in its metadata', async () => {
    const { fake, sender } = await setup();
    const request = decided('pending_approval', { requestedBy: REQUESTER });
    await sender.send({ kind: 'approval_post' }, request, QUOTA, undefined, attempt('DR-1#1', false));
    expect(fake.messages[0]?.metadata).toEqual({
      event_type: 'lp_delete_notice',
      event_payload: { notice_id: 'DR-1#1' },
    });
  });

  it('after an unknown outcome, a message Slack has (channel, thread, DM) is the post: nothing is posted again', async () => {
    const { fake, sender } = await setup();
    const filed = decided('pending_approval', { requestedBy: REQUESTER });
    // First attempts whose answers were lost (5xx after Slack had posted).
    const first: Notice[] = [{ kind: 'approval_post' }, { kind: 'requester_filed', duplicatesDropped: 0 }];
    for (const notice of first) {
      fake.failNext('chat.postMessage', { httpStatus: 500, afterEffect: true });
      await expect(
        sender.send(notice, filed, QUOTA, undefined, attempt(`${notice.kind}#1`, false)),
      ).rejects.toMatchObject({ statusCode: 500 });
    }
    // Other messages since, more than one page of history (pages hold at most 15).
    const client = new webApi.WebClient(fake.botToken, {
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
    });
    for (let i = 0; i < 20; i += 1)
      await client.chat.postMessage({ channel: 'C0PRIVACY', text: `chatter ${i}` });
    const approval = await sender.send(
      { kind: 'approval_post' },
      filed,
      QUOTA,
      undefined,
      attempt('approval_post#1', true),
    );
    expect(approval.posted).toEqual({ channelId: 'C0PRIVACY', ts: fake.messages[0]?.ts });
    await sender.send(
      { kind: 'requester_filed', duplicatesDropped: 0 },
      filed,
      QUOTA,
      undefined,
      attempt('requester_filed#1', true),
    );
    expect(noticeIds(fake).filter((id) => id === 'approval_post#1')).toHaveLength(1);
    expect(noticeIds(fake).filter((id) => id === 'requester_filed#1')).toHaveLength(1);
    expect(fake.callsTo('conversations.history').length).toBeGreaterThan(2);

    const submitted = decided('submitted', {
      requestedBy: REQUESTER,
      approvalMessage: { channelId: 'C0PRIVACY', ts: fake.messages[0]!.ts },
    });
    fake.failNext('chat.postMessage', { httpStatus: 503, afterEffect: true });
    await expect(
      sender.send({ kind: 'record_post' }, submitted, QUOTA, undefined, attempt('record#1', false)),
    ).rejects.toMatchObject({ statusCode: 503 });
    const record = await sender.send(
      { kind: 'record_post' },
      submitted,
      QUOTA,
      undefined,
      attempt('record#1', true),
    );
    expect(record.posted?.ts).toBe(fake.threadReplies('C0PRIVACY', fake.messages[0]!.ts)[0]?.ts);
    expect(noticeIds(fake).filter((id) => id === 'record#1')).toHaveLength(1);
    expect(fake.callsTo('conversations.replies').length).toBe(1);
  });

  it('after an unknown outcome with nothing in Slack, it posts; once the claim may run out, it posts nothing', async () => {
    const { fake, sender } = await setup();
    const request = decided('pending_approval', { requestedBy: REQUESTER });
    await sender.send({ kind: 'approval_post' }, request, QUOTA, undefined, attempt('a#1', true));
    expect(noticeIds(fake)).toEqual(['a#1']);
    await expect(
      sender.send({ kind: 'approval_post' }, request, QUOTA, undefined, attempt('a#2', false, false)),
    ).rejects.toMatchObject({ code: 'claim_expired' });
    expect(noticeIds(fake)).toEqual(['a#1']);
    expect(sender.classify(Object.assign(new Error('x'), { code: 'claim_expired' }))).toEqual({
      kind: 'transient',
      code: 'claim_expired',
    });
  });
});
