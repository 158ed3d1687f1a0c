import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, CALLBACK, COMMAND } from '../../src/slack/ids.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import {
  blockActionsPayload,
  sendInteraction,
  sendSlashCommand,
  signSlackRequest,
  viewSubmissionPayload,
  viewValue,
} from './slack-request.js';

describe('signSlackRequest', () => {
  it('matches Slack’s published test vector', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618)).toEqual({
      'x-slack-request-timestamp': '1531420618',
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    });
  });
});

describe('signed requests into a real Bolt app', () => {
  const secret = 'test-signing-secret';
  let fake: FakeSlack;
  let app: App;
  let appUrl: string;
  const seen: { command?: string; action?: { user: string; value: string | undefined; channel?: string } } =
    {};
  let submitted:
    { callbackId: string; metadata: string; ids: string | null | undefined; type?: string } | undefined;

  beforeAll(async () => {
    fake = await startFakeSlack();
    app = new App({
      token: fake.botToken,
      signingSecret: secret,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
    });
    app.command(COMMAND, async ({ ack, command }) => {
      seen.command = command.text;
      await ack({ response_type: 'ephemeral', text: `got ${command.text}` });
    });
    app.action({ action_id: ACTION.approve }, async ({ ack, body, action }) => {
      await ack();
      seen.action = {
        user: body.user.id,
        value: action.type === 'button' ? action.value : undefined,
        ...(body.channel ? { channel: body.channel.id } : {}),
      };
    });
    app.view(CALLBACK.requestModal, async ({ ack, view }) => {
      submitted = {
        callbackId: view.callback_id,
        metadata: view.private_metadata,
        ids: view.state.values[BLOCK.ids]?.[ACTION.ids]?.value,
        ...(view.state.values[BLOCK.type]?.[ACTION.type]?.selected_option
          ? { type: view.state.values[BLOCK.type]?.[ACTION.type]?.selected_option?.value }
          : {}),
      };
      await ack({ response_action: 'errors', errors: { [BLOCK.ids]: 'checked' } });
    });
    const server = await app.start(0);
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`; // HTTP receiver: a TCP address.
  });

  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  it('delivers a slash command and returns the ack body', async () => {
    const response = await sendSlashCommand(appUrl, secret, {
      user_id: 'U0REQUEST',
      text: 'quota',
      trigger_id: fake.issueTrigger(),
    });
    expect(response).toEqual({ status: 200, body: { response_type: 'ephemeral', text: 'got quota' } });
    expect(seen.command).toBe('quota');
  });

  it('is refused with 401 when the signature is wrong or stale', async () => {
    const fields = { user_id: 'U0REQUEST', text: 'x', trigger_id: '1.2.3' };
    expect((await sendSlashCommand(appUrl, secret, fields, { signature: 'v0=deadbeef' })).status).toBe(401);
    expect((await sendSlashCommand(appUrl, 'other-secret', fields)).status).toBe(401);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await sendSlashCommand(appUrl, secret, fields, { timestamp: sixMinutesAgo })).status).toBe(401);
  });

  it('delivers a button click', async () => {
    const payload = blockActionsPayload({
      user: 'U0APPROVER',
      actionId: ACTION.approve,
      value: 'DR-7K3QX9',
      channel: 'C0PRIVACY',
      messageTs: '1700000000.000100',
      triggerId: fake.issueTrigger(),
    });
    const response = await sendInteraction(appUrl, secret, payload);
    expect(response.status).toBe(200);
    expect(seen.action).toEqual({ user: 'U0APPROVER', value: 'DR-7K3QX9', channel: 'C0PRIVACY' });
  });

  it('delivers a view submission and returns its response_action', async () => {
    const payload = viewSubmissionPayload({
      user: 'U0REQUEST',
      callbackId: CALLBACK.requestModal,
      privateMetadata: '{"channel":"C0PRIVACY"}',
      triggerId: fake.issueTrigger(),
      values: {
        [BLOCK.type]: { [ACTION.type]: viewValue.select('conversation', 'Messaging conversation') },
        [BLOCK.ids]: { [ACTION.ids]: viewValue.text('a\nb') },
        [BLOCK.moreIds]: { [ACTION.moreIds]: viewValue.text(null) },
        [BLOCK.reason]: { [ACTION.reason]: viewValue.text('DSR-1') },
      },
    });
    const response = await sendInteraction(appUrl, secret, payload);
    expect(response).toEqual({
      status: 200,
      body: { response_action: 'errors', errors: { [BLOCK.ids]: 'checked' } },
    });
    expect(submitted).toEqual({
      callbackId: CALLBACK.requestModal,
      metadata: '{"channel":"C0PRIVACY"}',
      ids: 'a\nb',
      type: 'conversation',
    });
  });
});
