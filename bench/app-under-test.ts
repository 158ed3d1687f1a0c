/**
 * The app under load, alone in its process: `real` is lp-delete as `npm start` builds it (data file,
 * LivePerson client, fake Slack Web API URL); `bare` is a Bolt app with the same signing secret that acks
 * the same requests and does nothing else. Prints {"port": …} when listening.
 * Usage: tsx bench/app-under-test.ts real|bare <slack url> <lp url> <data file>
 *
 * Answers one command a line on stdin with a JSON line: `stats` → {cpuMs, rssBytes} (process.cpuUsage and
 * memoryUsage of this process alone); `profile-start` → {profiling: true}; `profile-stop <file>` →
 * {profile: file}, a V8 CPU profile (the .cpuprofile format `node --cpu-prof` writes, readable in Chrome's
 * DevTools) of what ran in between.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { createInterface } from 'node:readline';
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

let session: Session | undefined;
createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, arg] = line.trim().split(' ');
  const answer = async (): Promise<unknown> => {
    if (command === 'stats') {
      const { user, system } = process.cpuUsage();
      const memory = process.memoryUsage();
      return {
        cpuMs: (user + system) / 1000,
        systemMs: system / 1000,
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        heapTotalBytes: memory.heapTotal,
        externalBytes: memory.external + memory.arrayBuffers,
      };
    }
    if (command === 'gc') {
      // Only with --expose-gc: what stays allocated once garbage is collected.
      (globalThis as { gc?: () => void }).gc?.();
      return { gc: typeof (globalThis as { gc?: () => void }).gc === 'function' };
    }
    if (command === 'profile-start') {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      // 250 µs between samples (V8's default is 1 ms): enough samples from a few hundred flows.
      await session.post('Profiler.setSamplingInterval', { interval: 250 });
      await session.post('Profiler.start');
      return { profiling: true };
    }
    if (command === 'profile-stop' && session && arg) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      session = undefined;
      await writeFile(arg, JSON.stringify(profile));
      return { profile: arg };
    }
    return { unknown: line };
  };
  void answer().then((value) => console.log(JSON.stringify(value)));
});
