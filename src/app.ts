import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Config } from './config.js';
import type { LivePersonClient } from './liveperson/client.js';
import { createLogger, type Logger } from './log.js';
import { DeletionService } from './service/deletion-service.js';
import type { Store } from './store/store.js';
import { SlackDirectory } from './slack/directory.js';
import { WebApiGateway } from './slack/gateway.js';
import { registerListeners } from './slack/listeners/index.js';
import { Housekeeping } from './service/housekeeping.js';
import { LifecycleService } from './service/lifecycle-service.js';
import { QuotaSync } from './service/quota-sync.js';

export interface AppDeps {
  config: Config;
  lp: LivePersonClient;
  store: Store;
  now?: () => Date;
  log?: Logger;
  /** Tests and the demo set 0 retries so a failing fake answers at once; production keeps Slack's defaults. */
  slackRetries?: number;
  /** How often the sweep (reminders, expiry, daily quota sync) runs; default 10 minutes. */
  sweepIntervalMs?: number;
}

export interface RunningApp {
  app: InstanceType<typeof App>;
  service: DeletionService;
  /** Status, cancel, approval reminders and expiry. */
  lifecycle: LifecycleService;
  quotaSync: QuotaSync;
  /** The periodic sweep; tests call `housekeeping.runOnce()` with their own clock. */
  housekeeping: Housekeeping;
  /** Starts listening (HTTP on `port`, default config.slack.port; or Socket Mode) and runs start-up recovery. */
  start(port?: number): Promise<{ port?: number }>;
  stop(): Promise<void>;
}

/**
 * Bolt's own log lines go through our JSON logger at INFO and above only: at DEBUG Bolt prints whole
 * payloads, which hold deletion ids and reasons.
 */
function boltLogger(log: Logger): SlackLogger {
  let level = LogLevel.INFO;
  return {
    debug: () => {},
    info: (...msg) => log.info('bolt', { message: msg.map(String).join(' ').slice(0, 300) }),
    warn: (...msg) => log.warn('bolt', { message: msg.map(String).join(' ').slice(0, 300) }),
    error: (...msg) =>
      log.error('bolt', {
        message: msg
          .map((m) => (m instanceof Error ? m.name : String(m)))
          .join(' ')
          .slice(0, 300),
      }),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

export function createApp(deps: AppDeps): RunningApp {
  const { config, lp, store } = deps;
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? createLogger();
  const socketMode = Boolean(config.slack.appToken);
  const app = new App({
    token: config.slack.botToken,
    ...(socketMode
      ? { socketMode: true, appToken: config.slack.appToken }
      : { signingSecret: config.slack.signingSecret ?? '' }),
    logger: boltLogger(log),
    logLevel: LogLevel.INFO,
    clientOptions: {
      ...(config.slack.apiUrl ? { slackApiUrl: ensureTrailingSlash(config.slack.apiUrl) } : {}),
      ...(deps.slackRetries !== undefined ? { retryConfig: { retries: deps.slackRetries } } : {}),
    },
    customRoutes: socketMode
      ? undefined
      : [
          {
            path: '/health',
            method: ['GET'],
            handler: (_req, res) => {
              res.writeHead(200, { 'content-type': 'application/json' });
              res.end(JSON.stringify({ ok: true }));
            },
          },
        ],
  });

  const directory = new SlackDirectory({
    client: app.client,
    approverUserIds: config.slack.approverUserIds,
    approverUsergroupId: config.slack.approverUsergroupId,
    requesterUserIds: config.slack.requesterUserIds,
    requesterUsergroupId: config.slack.requesterUsergroupId,
  });
  const gateway = new WebApiGateway(app.client, config.slack.privacyChannelId);
  gateway.clock = { now, timeZone: config.quotaTimeZone };
  const service = new DeletionService({
    store,
    lp,
    slack: gateway,
    directory,
    accountId: config.liveperson.accountId,
    monthlyLimit: config.monthlyLimit,
    quotaTimeZone: config.quotaTimeZone,
    now,
    log,
  });
  const lifecycleDeps = { store, lp, slack: gateway, deletion: service, now, log };
  const lifecycle = new LifecycleService({
    ...lifecycleDeps,
    directory,
    timers: {
      reminderHours: config.slack.approvalReminderHours,
      expiryDays: config.slack.approvalExpiryDays,
    },
    timeZone: config.quotaTimeZone,
  });
  const quotaSync = new QuotaSync({
    ...lifecycleDeps,
    accountId: config.liveperson.accountId,
    quotaTimeZone: config.quotaTimeZone,
  });
  const housekeeping = new Housekeeping({ lifecycle, quotaSync, intervalMs: deps.sweepIntervalMs, log });
  registerListeners(app, {
    lifecycle,
    quotaSync,
    service,
    directory,
    accountId: config.liveperson.accountId,
    legacyTicketing: config.liveperson.legacyTicketing,
    log,
  });
  app.error(async (error) => {
    log.error('unhandled_listener_error', { code: (error as { code?: string }).code ?? error.name });
  });

  return {
    app,
    service,
    lifecycle,
    quotaSync,
    housekeeping,
    async start(port = config.slack.port) {
      let boundPort: number | undefined;
      if (socketMode) await app.start();
      else {
        const server = (await app.start(port)) as Server;
        boundPort = (server.address() as AddressInfo).port;
      }
      log.info('app_started', { mode: socketMode ? 'socket' : 'http', port: boundPort });
      await service.recover();
      // Start-up: LivePerson's count of the month, then reminders and expiry due while the app was down.
      await quotaSync.sync();
      await housekeeping.runOnce();
      housekeeping.start();
      return { port: boundPort };
    },
    async stop() {
      await app.stop();
      await housekeeping.stop();
      await store.flush();
    },
  };
}

function ensureTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
