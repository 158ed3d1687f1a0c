import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLivePersonClient } from '../../src/liveperson/client.js';
import { startSandbox } from '../../sandbox/rtbf/start-sandbox.js';
import type { Sandbox } from '../../sandbox/rtbf/types.js';
import { silentLogger } from '../../src/log.js';
import { CALLBACK, COMMAND, FUNCTION } from '../../src/slack/ids.js';
import { openFileStore, type FileStore } from '../../src/store/lowdb/file-store.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { FakeSocketMode } from '../support/fake-socket-mode.js';
import { manifestFunctions } from '../support/fake-slack-functions.js';

const APP_TOKEN = 'xapp-1-test';
const BOT_TOKEN = 'xoxb-socket-test';
const INTAKE_TOKEN = 'socket-intake-token-0123456789abcdef';
let intakePort = 0;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Socket Mode (SLACK_APP_TOKEN set: no public URL, no signing secret)', () => {
  let socket: FakeSocketMode;
  let slack: FakeSlack;
  let lp: Sandbox;
  let app: RunningApp;
  let store: FileStore;
  let dir: string;

  beforeAll(async () => {
    socket = await FakeSocketMode.start();
    slack = await startFakeSlack({
      botToken: BOT_TOKEN,
      channels: ['CPRIVACY1'],
      socketMode: { appToken: APP_TOKEN, url: () => socket.url },
    });
    lp = await startSandbox({ accountId: '20762324' });
    dir = await mkdtemp(join(tmpdir(), 'lp-delete-socket-'));
    const config = loadConfig({
      LP_ACCOUNT_ID: '20762324',
      LP_BEARER_TOKEN: 'sandbox-bearer-token',
      LP_DOMAIN_API_URL: lp.url,
      DATA_DIR: dir,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: slack.url,
      PRIVACY_CHANNEL_ID: 'CPRIVACY1',
      APPROVER_USER_IDS: 'UAPPROVER1',
      // The intake API has no Bolt HTTP server to ride on in Socket Mode: its own port.
      INTAKE_TOKENS: `OneTrust:${INTAKE_TOKEN}`,
      INTAKE_PORT: String((intakePort = await freePort())),
    });
    store = await openFileStore(config.dataDir);
    app = createApp({
      config,
      lp: createLivePersonClient(config.liveperson),
      store,
      log: silentLogger,
      slackRetries: 0,
    });
    await app.start();
    await socket.connected;
  });
  afterAll(async () => {
    await app.stop();
    await store.close();
    await Promise.all([socket.close(), slack.close(), lp.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  const command = (text: string, triggerId = slack.issueTrigger()) => ({
    token: 'legacy',
    team_id: 'T0TEST',
    team_domain: 'test',
    channel_id: 'CPRIVACY1',
    channel_name: 'privacy',
    user_id: 'UREQUESTER',
    user_name: 'requester',
    command: COMMAND,
    text,
    api_app_id: 'A0TEST',
    is_enterprise_install: 'false',
    response_url: 'https://hooks.slack.com/commands/T0TEST/1/x',
    trigger_id: triggerId,
  });

  it('serves the intake API on INTAKE_PORT: a token is needed, and a bad body is answered 400', async () => {
    const base = `http://127.0.0.1:${intakePort}`;
    expect((await fetch(`${base}/api/v1/erasures/ER-000000000000000000000000`)).status).toBe(401);
    const answer = await fetch(`${base}/api/v1/erasures`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: 'ada@example.org', case_ref: 'DSR-1' }),
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ field: 'received_on' });
    expect((await fetch(`${base}/api/v1/openapi.json`)).status).toBe(200);
    expect((await fetch(`${base}/slack/events`)).status).toBe(404);
  });

  it('connects with the app-level token and answers /lp-delete help through the socket', async () => {
    expect(slack.callsTo('apps.connections.open')).toHaveLength(1);
    const ack = (await socket.send('slash_commands', command('help'))) as { text?: string };
    expect(ack.text).toContain('/lp-delete');
  });

  it('opens the request form from a slash command received over the socket', async () => {
    await socket.send('slash_commands', command(''));
    const view = await slack.waitFor(() => slack.views.find((v) => v.type === 'modal'));
    expect(view.view.callback_id).toBe(CALLBACK.requestModal);
  });

  it('runs the Workflow Builder step from a function_executed event received over the socket', async () => {
    slack.functions.define(
      await manifestFunctions(new URL('../../manifest.socket-mode.yml', import.meta.url)),
    );
    const { event, executionId } = slack.functions.execute(FUNCTION.erasePerson, {
      identifier: 'Jo Smith',
      case_ref: 'DSR-1',
      requester: 'UREQUESTER',
    });
    await socket.send('events_api', {
      token: 'legacy',
      team_id: 'T0TEST',
      api_app_id: 'A0TEST',
      type: 'event_callback',
      event_id: 'Ev0SOCKET1',
      event_time: Math.floor(Date.now() / 1000),
      event,
    });
    const done = await slack.waitFor(() => slack.functions.completionsOf(executionId)[0]);
    expect(done).toMatchObject({ method: 'functions.completeError', token: 'bot' });
    expect(done.error).toMatch(/a name can match several people/);
  });
});
