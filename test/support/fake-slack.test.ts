import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from './fake-slack.js';

let fake: FakeSlack | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(opts: FakeSlackOptions = {}, token?: string) {
  fake = await startFakeSlack({ channels: ['C0PRIVACY'], ...opts });
  // The real client, exactly as Bolt builds it; no retries so a failure surfaces at once.
  const client = new webApi.WebClient(token ?? fake.botToken, {
    slackApiUrl: fake.url,
    retryConfig: { retries: 0 },
    logLevel: webApi.LogLevel.ERROR,
  });
  return { fake, client };
}

const section = (text: string) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } });
const modal = {
  type: 'modal' as const,
  title: { type: 'plain_text' as const, text: 'Hi' },
  blocks: [section('hi')],
};

/** The error code a WebClient call failed with (`platform_error` carries Slack's `error`). */
async function slackError(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    // A platform error carries Slack's answer as `data`: { ok: false, error }.
    const data: unknown =
      typeof error === 'object' && error !== null && 'data' in error ? error.data : undefined;
    if (typeof data === 'object' && data !== null && 'error' in data && typeof data.error === 'string') {
      return data.error;
    }
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected the call to fail');
}

describe('fake Slack with a real WebClient', () => {
  it('answers auth.test and ends its url with /api/', async () => {
    const { fake, client } = await setup();
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    const answer = await client.auth.test();
    expect(answer).toMatchObject({ ok: true, user_id: fake.botUserId });
  });

  it('refuses a wrong token', async () => {
    const { client } = await setup({}, 'xoxb-wrong');
    expect(await slackError(client.auth.test())).toBe('invalid_auth');
  });

  it('posts, threads, updates, links and sends ephemerals, recording everything', async () => {
    let clock = 1_700_000_000_000;
    const { fake, client } = await setup({ now: () => clock });
    const posted = await client.chat.postMessage({
      channel: 'C0PRIVACY',
      text: 'fallback',
      blocks: [section('first')],
    });
    expect(posted.ts).toBe('1700000000.000000');
    expect(posted.channel).toBe('C0PRIVACY');
    const ts = posted.ts ?? '';

    const reply = await client.chat.postMessage({ channel: 'C0PRIVACY', thread_ts: ts, text: 'in thread' });
    expect(reply.ts).toBe('1700000000.000100'); // Same clock instant: still a new, larger ts.
    clock += 1500;
    await client.chat.update({ channel: 'C0PRIVACY', ts, text: 'updated', blocks: [section('second')] });

    expect(fake.messagesIn('C0PRIVACY')).toHaveLength(1);
    expect(fake.threadReplies('C0PRIVACY', ts).map((m) => m.text)).toEqual(['in thread']);
    const message = fake.message('C0PRIVACY', ts);
    expect(message?.text).toBe('updated');
    expect(message?.blocks).toEqual([section('second')]);
    expect(message?.updates).toEqual([
      { at: 1_700_000_001_500, text: 'updated', blocks: [section('second')] },
    ]);

    const link = await client.chat.getPermalink({ channel: 'C0PRIVACY', message_ts: ts });
    expect(link.permalink).toBe('https://test-workspace.slack.com/archives/C0PRIVACY/p1700000000000000');

    const ephemeral = await client.chat.postEphemeral({
      channel: 'C0PRIVACY',
      user: 'U0REQUEST',
      text: 'only you',
    });
    expect(ephemeral.message_ts).toBeDefined();
    expect(fake.ephemerals).toMatchObject([{ channel: 'C0PRIVACY', user: 'U0REQUEST', text: 'only you' }]);

    expect(fake.calls.map((call) => call.method)).toEqual([
      'chat.postMessage',
      'chat.postMessage',
      'chat.update',
      'chat.getPermalink',
      'chat.postEphemeral',
    ]);
    // Form-encoded blocks arrive parsed.
    expect(fake.callsTo('chat.postMessage')[0]?.body.blocks).toEqual([section('first')]);
  });

  it('posts to a user id as a DM', async () => {
    const { fake, client } = await setup({ users: { U0REQUEST: { tz: 'Europe/Berlin' } } });
    const answer = await client.chat.postMessage({ channel: 'U0REQUEST', text: 'hello' });
    expect(answer.channel).toMatch(/^D/);
    expect(fake.dms).toMatchObject([{ dmUser: 'U0REQUEST', text: 'hello' }]);
    expect(fake.messagesIn('U0REQUEST')).toHaveLength(1);
    expect(await slackError(client.chat.postMessage({ channel: 'U0STRANGER', text: 'x' }))).toBe(
      'channel_not_found',
    );
  });

  it('refuses unknown channels, threads and messages', async () => {
    const { client } = await setup();
    expect(await slackError(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).toBe(
      'channel_not_found',
    );
    expect(
      await slackError(client.chat.postMessage({ channel: 'C0PRIVACY', text: 'x', thread_ts: '1.000001' })),
    ).toBe('thread_not_found');
    expect(await slackError(client.chat.update({ channel: 'C0PRIVACY', ts: '1.000001', text: 'x' }))).toBe(
      'message_not_found',
    );
    expect(await slackError(client.chat.getPermalink({ channel: 'C0PRIVACY', message_ts: '1.000001' }))).toBe(
      'message_not_found',
    );
  });

  it('refuses invalid blocks and over-long text like Slack', async () => {
    const { fake, client } = await setup();
    expect(
      await slackError(
        client.chat.postMessage({ channel: 'C0PRIVACY', text: 'x', blocks: [section('y'.repeat(3001))] }),
      ),
    ).toBe('invalid_blocks');
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' as const }));
    expect(
      await slackError(client.chat.postMessage({ channel: 'C0PRIVACY', text: 'x', blocks: tooMany })),
    ).toBe('invalid_blocks');
    const { ts } = await client.chat.postMessage({ channel: 'C0PRIVACY', text: 'ok' });
    expect(
      await slackError(client.chat.update({ channel: 'C0PRIVACY', ts: ts ?? '', text: 'z'.repeat(4001) })),
    ).toBe('msg_too_long');
    expect(fake.messages).toHaveLength(1);
  });

  it('opens a modal once per trigger, within 3 seconds of the fake clock', async () => {
    let clock = 1_700_000_000_000;
    const { fake, client } = await setup({ now: () => clock });

    const trigger = fake.issueTrigger();
    const opened = await client.views.open({ trigger_id: trigger, view: modal });
    expect(opened.view?.id).toBe(fake.views[0]?.id);
    expect(await slackError(client.views.open({ trigger_id: trigger, view: modal }))).toBe(
      'exchanged_trigger_id',
    );

    const late = fake.issueTrigger();
    clock += 3001;
    expect(await slackError(client.views.open({ trigger_id: late, view: modal }))).toBe('expired_trigger_id');
    expect(await slackError(client.views.open({ trigger_id: 'made-up', view: modal }))).toBe(
      'invalid_trigger_id',
    );
    expect(fake.views).toHaveLength(1);
  });

  it('validates views and supports update, push and publish', async () => {
    const { fake, client } = await setup({ users: { U0REQUEST: {} } });
    const badTitle = { ...modal, title: { type: 'plain_text' as const, text: 'x'.repeat(25) } };
    expect(await slackError(client.views.open({ trigger_id: fake.issueTrigger(), view: badTitle }))).toBe(
      'invalid_arguments',
    );

    const opened = await client.views.open({ trigger_id: fake.issueTrigger(), view: modal });
    const id = opened.view?.id ?? '';
    const updated = await client.views.update({
      view_id: id,
      hash: opened.view?.hash ?? '',
      view: { ...modal, blocks: [section('later')] },
    });
    expect(updated.ok).toBe(true);
    expect(fake.views[0]?.view.blocks).toEqual([section('later')]);
    expect(fake.views[0]?.history).toHaveLength(1);
    expect(await slackError(client.views.update({ view_id: id, hash: 'stale', view: modal }))).toBe(
      'hash_conflict',
    );
    expect(await slackError(client.views.update({ view_id: 'V0NOPE', view: modal }))).toBe('not_found');

    const pushed = await client.views.push({ trigger_id: fake.issueTrigger(), view: modal });
    expect(pushed.view?.previous_view_id).toBe(id);

    await client.views.publish({ user_id: 'U0REQUEST', view: { type: 'home', blocks: [section('home')] } });
    await client.views.publish({ user_id: 'U0REQUEST', view: { type: 'home', blocks: [section('home 2')] } });
    expect(fake.views.filter((v) => v.type === 'home')).toMatchObject([
      { userId: 'U0REQUEST', view: { blocks: [section('home 2')] } },
    ]);
  });

  it('answers users.info, usergroups.users.list and conversations.info', async () => {
    const { client } = await setup({
      users: { U0APPROVER: { tz: 'America/New_York', name: 'ann' } },
      usergroups: { S0APPROVERS: ['U0APPROVER'] },
    });
    const user = await client.users.info({ user: 'U0APPROVER' });
    expect(user.user).toMatchObject({ id: 'U0APPROVER', tz: 'America/New_York', name: 'ann' });
    expect(await slackError(client.users.info({ user: 'U0NOBODY' }))).toBe('user_not_found');
    expect((await client.usergroups.users.list({ usergroup: 'S0APPROVERS' })).users).toEqual(['U0APPROVER']);
    expect(await slackError(client.usergroups.users.list({ usergroup: 'S0NOPE' }))).toBe('no_such_subteam');
    expect((await client.conversations.info({ channel: 'C0PRIVACY' })).channel).toMatchObject({
      id: 'C0PRIVACY',
    });
    expect(await slackError(client.conversations.info({ channel: 'C0NOPE' }))).toBe('channel_not_found');
  });

  it('fails the next call on demand, including rate limiting with Retry-After', async () => {
    const { fake, client } = await setup();
    fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    expect(await slackError(client.chat.postMessage({ channel: 'C0PRIVACY', text: 'x' }))).toBe(
      'not_in_channel',
    );

    fake.failNext('chat.postMessage', { httpStatus: 429, retryAfter: 7 });
    const limited = new webApi.WebClient(fake.botToken, {
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logLevel: webApi.LogLevel.ERROR,
    });
    let caught: unknown;
    try {
      await limited.chat.postMessage({ channel: 'C0PRIVACY', text: 'x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: webApi.ErrorCode.RateLimitedError, retryAfter: 7 });

    // Only the next call fails.
    expect((await client.chat.postMessage({ channel: 'C0PRIVACY', text: 'x' })).ok).toBe(true);
  });

  it('accepts JSON bodies too', async () => {
    const { fake } = await setup();
    const response = await fetch(`${fake.url}chat.postMessage`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        authorization: `Bearer ${fake.botToken}`,
      },
      body: JSON.stringify({ channel: 'C0PRIVACY', text: 'json', blocks: [section('json')] }),
    });
    expect(await response.json()).toMatchObject({ ok: true, channel: 'C0PRIVACY' });
    expect(fake.messages[0]?.blocks).toEqual([section('json')]);
  });

  it('waits for async work and times out with a useful message', async () => {
    const { fake, client } = await setup();
    setTimeout(() => void client.chat.postMessage({ channel: 'C0PRIVACY', text: 'later' }), 30);
    const message = await fake.waitFor(() => fake.messages.find((m) => m.text === 'later'));
    expect(message.channel).toBe('C0PRIVACY');
    await expect(fake.waitFor(() => false, 50)).rejects.toThrow(
      /within 50 ms \(calls so far: chat.postMessage\)/,
    );
  });
});

describe('fake Slack: message metadata, reading history, and faults (issue 25)', () => {
  const meta = (id: string) => ({ event_type: 'lp_delete_notice', event_payload: { notice_id: id } });

  it('keeps metadata, and returns it from history and replies only with include_all_metadata', async () => {
    const { client } = await setup();
    const parent = await client.chat.postMessage({ channel: 'C0PRIVACY', text: 'p', metadata: meta('a') });
    await client.chat.postMessage({
      channel: 'C0PRIVACY',
      text: 'r',
      thread_ts: parent.ts,
      metadata: meta('b'),
    });
    const plain = await client.conversations.history({ channel: 'C0PRIVACY' });
    expect(plain.messages?.map((m) => [m.text, m.metadata])).toEqual([['p', undefined]]);
    const full = await client.conversations.history({ channel: 'C0PRIVACY', include_all_metadata: true });
    expect(full.messages?.[0]?.metadata).toEqual(meta('a'));
    const thread = await client.conversations.replies({
      channel: 'C0PRIVACY',
      ts: parent.ts!,
      include_all_metadata: true,
    });
    expect(thread.messages?.map((m) => [m.text, m.metadata?.event_payload])).toEqual([
      ['p', { notice_id: 'a' }],
      ['r', { notice_id: 'b' }],
    ]);
    expect(
      await slackError(client.chat.postMessage({ channel: 'C0PRIVACY', text: 'x', metadata: {} as never })),
    ).toBe('invalid_metadata_format');
  });

  it('pages at most 15 messages whatever the limit, newest first, with exclusive oldest', async () => {
    let clock = 1_700_000_000_000;
    const { client } = await setup({ now: () => (clock += 1000) });
    const posted: string[] = [];
    for (let i = 0; i < 20; i += 1)
      posted.push((await client.chat.postMessage({ channel: 'C0PRIVACY', text: `m${i}` })).ts!);
    const first = await client.conversations.history({ channel: 'C0PRIVACY', limit: 200 });
    expect(first.messages).toHaveLength(15);
    expect(first.messages?.[0]?.text).toBe('m19');
    expect(first.has_more).toBe(true);
    const second = await client.conversations.history({
      channel: 'C0PRIVACY',
      limit: 200,
      cursor: first.response_metadata?.next_cursor,
    });
    expect(second.messages?.map((m) => m.text)).toEqual(['m4', 'm3', 'm2', 'm1', 'm0']);
    expect(second.has_more).toBe(false);
    const since = await client.conversations.history({ channel: 'C0PRIVACY', oldest: posted[17] });
    expect(since.messages?.map((m) => m.text)).toEqual(['m19', 'm18']);
  });

  it('reads a DM through conversations.open; a user id is not a conversation; non-member channels refuse', async () => {
    const { client } = await setup({
      users: { U1: {} },
      channels: ['C0PRIVACY', 'C0OUT'],
      nonMemberChannels: ['C0OUT'],
    });
    await client.chat.postMessage({ channel: 'U1', text: 'dm', metadata: meta('d') });
    expect(await slackError(client.conversations.history({ channel: 'U1' }))).toBe('channel_not_found');
    const open = await client.conversations.open({ users: 'U1' });
    const dm = await client.conversations.history({ channel: open.channel!.id!, include_all_metadata: true });
    expect(dm.messages?.[0]?.metadata).toEqual(meta('d'));
    expect(await slackError(client.conversations.history({ channel: 'C0OUT' }))).toBe('not_in_channel');
  });

  it('answers a 5xx after really posting, and hangs a call (only the one it matches)', async () => {
    const { fake, client } = await setup();
    fake.failNext('chat.postMessage', { httpStatus: 503, afterEffect: true });
    await expect(client.chat.postMessage({ channel: 'C0PRIVACY', text: 'once' })).rejects.toMatchObject({
      code: webApi.ErrorCode.HTTPError,
      statusCode: 503,
    });
    expect(fake.messages.map((m) => m.text)).toEqual(['once']);

    fake.failNext('chat.postMessage', { hang: true, afterEffect: true, when: (b) => b.text === 'stuck' });
    const timed = new webApi.WebClient(fake.botToken, {
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
      timeout: 300,
      logLevel: webApi.LogLevel.ERROR,
    });
    const stuck = timed.chat.postMessage({ channel: 'C0PRIVACY', text: 'stuck' });
    expect((await timed.chat.postMessage({ channel: 'C0PRIVACY', text: 'free' })).ok).toBe(true);
    await expect(stuck).rejects.toMatchObject({ code: webApi.ErrorCode.RequestError });
    expect(fake.hung.map((c) => c.body.text)).toEqual(['stuck']);
    expect(fake.messages.map((m) => m.text)).toEqual(['once', 'stuck', 'free']);
  });
});
