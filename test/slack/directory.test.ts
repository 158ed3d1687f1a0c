import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { SlackDirectory } from '../../src/slack/directory.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';

let fake: FakeSlack | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup() {
  fake = await startFakeSlack({ usergroups: { SAPPROVERS: ['UGROUP1'] } });
  const client = new webApi.WebClient(fake.botToken, {
    slackApiUrl: fake.url,
    retryConfig: { retries: 0 },
    logLevel: webApi.LogLevel.ERROR,
  });
  let at = Date.parse('2026-11-02T09:00:00.000Z');
  const directory = new SlackDirectory({
    client,
    approverUserIds: ['UCONFIGURED'],
    approverUsergroupId: 'SAPPROVERS',
    requesterUserIds: [],
    now: () => new Date(at),
  });
  return { fake, directory, later: (ms: number) => (at += ms) };
}

describe('SlackDirectory (real WebClient, strict fake Slack)', () => {
  it('counts the configured ids and the group’s members, and asks Slack once a minute at most', async () => {
    const { fake, directory, later } = await setup();
    expect([...(await directory.approvers())]).toEqual(['UCONFIGURED', 'UGROUP1']);
    later(59_000);
    await directory.approvers();
    expect(fake.callsTo('usergroups.users.list')).toHaveLength(1);
    later(2_000);
    await directory.approvers();
    expect(fake.callsTo('usergroups.users.list')).toHaveLength(2);
  });

  it('a failed look-up keeps the members read last; with none read, only the configured ids count', async () => {
    const { fake, directory, later } = await setup();
    fake.failNext('usergroups.users.list', { error: 'internal_error' });
    expect([...(await directory.approvers())]).toEqual(['UCONFIGURED']);
    expect([...(await directory.approvers())]).toEqual(['UCONFIGURED', 'UGROUP1']);
    later(61_000);
    fake.failNext('usergroups.users.list', { httpStatus: 503 });
    expect([...(await directory.approvers())]).toEqual(['UCONFIGURED', 'UGROUP1']);
    expect(fake.callsTo('usergroups.users.list')).toHaveLength(3);
  });

  it('without an allow-list anyone may file', async () => {
    const { directory } = await setup();
    expect(await directory.requesters()).toBeNull();
  });
});
