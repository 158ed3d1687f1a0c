/**
 * The app under load, alone in its process: `real` is lp-delete as `npm start` builds it (data file,
 * LivePerson client, fake Slack Web API URL); `bare` is a Bolt app with the same signing secret that acks
 * the same requests and does nothing else. Prints {"port": …} when listening.
 * Usage: tsx bench/app-under-test.ts real|bare <slack url> <lp url> <data file>
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, LogLevel } from '@slack/bolt';
import { silentLogger } from '../src/log.js';
import { ACTION, CALLBACK, COMMAND } from '../src/slack/ids.js';
import { serveUntilSignalled } from '../src/server.js';
import { APPROVER, SIGNING_SECRET } from './load.js';
import { BOT_TOKEN, CHANNEL } from './stand-in-ids.js';

const [kind, slackUrl, lpUrl, dataFile] = process.argv.slice(2) as [string, string, string, string];

let port: number;
if (kind === 'bare') {
  // Same token set-up as lp-delete (Bolt checks it with auth.test against the same stand-in).
  const app = new App({
    token: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: slackUrl.endsWith('/') ? slackUrl : `${slackUrl}/` },
  });
  app.command(COMMAND, async ({ ack }) => ack());
  app.view(CALLBACK.requestModal, async ({ ack }) => ack());
  app.action(ACTION.approve, async ({ ack }) => ack());
  const server = (await app.start(0)) as Server;
  port = (server.address() as AddressInfo).port;
  process.on('SIGTERM', () => process.exit(0));
} else {
  // lp-delete as `npm start` builds it (src/server.ts), stopped gracefully on SIGTERM.
  const server = await serveUntilSignalled({
    log: silentLogger,
    env: {
      LP_ACCOUNT_ID: '20762324',
      LP_CLIENT_ID: 'sandbox-client',
      LP_CLIENT_SECRET: 'sandbox-client-secret',
      LP_DOMAIN_API_URL: lpUrl,
      LP_MONTHLY_LIMIT: '1000000',
      DATA_DIR: dataFile,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slackUrl,
      PRIVACY_CHANNEL_ID: CHANNEL,
      APPROVER_USER_IDS: APPROVER,
      PORT: '0',
    },
  });
  port = server.port ?? 0;
}
console.log(JSON.stringify({ port }));
