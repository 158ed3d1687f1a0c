import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Config } from './config.js';
import type { LivePersonClient } from './liveperson/client.js';
import { createLogger, type Logger } from './log.js';
import { DeletionService } from './service/deletion-service.js';
import type { RequestStore } from './store/port.js';
import { SlackDirectory } from './slack/directory.js';
import { SlackNoticeSender } from './slack/notice-sender.js';
import { registerListeners } from './slack/listeners/index.js';
import { Housekeeping } from './service/housekeeping.js';
import { LifecycleService } from './service/lifecycle-service.js';
import { NoticeDelivery } from './service/notice-delivery.js';
import { QuotaService } from './service/quota-service.js';
import { QuotaSync } from './service/quota-sync.js';
import { errorCode } from './service/request-steps.js';

export interface AppDeps {
  config: Config;
  lp: LivePersonClient;
  store: RequestStore;
  now?: () => Date;
  log?: Logger;
  /** Tests and the demo set 0 retries so a failing fake answers at once; the outbox retries durably anyway. */
  slackRetries?: number;
  /** How often the sweep (reminders, expiry, daily quota sync) runs; default 10 minutes. */
  sweepIntervalMs?: number;
  /** First retry delay of Slack notices (default 1 s); tests shorten it. */
  noticeBaseDelayMs?: number;
  /** How long shutdown waits for submissions under way and for queued Slack messages (default 10 s). */
  shutdownGraceMs?: number;
}

export interface RunningApp {
  app: InstanceType<typeof App>;
  service: DeletionService;
  /** Status, cancel, approval reminders and expiry. */
  lifecycle: LifecycleService;
  quotaSync: QuotaSync;
  /** The periodic sweep; tests call `housekeeping.runOnce()` with their own clock. */
  housekeeping: Housekeeping;
  quota: QuotaService;
  /** Delivers the Slack notices the store holds. */
  delivery: NoticeDelivery;
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
      ? {
          socketMode: true,
          appToken: config.slack.appToken,
          // The Socket Mode client makes its own Web API calls (apps.connections.open): same base URL.
          installerOptions: config.slack.apiUrl
            ? { clientOptions: { slackApiUrl: ensureTrailingSlash(config.slack.apiUrl) } }
            : undefined,
        }
      : { signingSecret: config.slack.signingSecret ?? '' }),
    logger: boltLogger(log),
    logLevel: LogLevel.INFO,
    // No listener reads Bolt's conversation state: skip its store lookup on every request.
    convoStore: false,
    clientOptions: {
      ...(config.slack.apiUrl ? { slackApiUrl: ensureTrailingSlash(config.slack.apiUrl) } : {}),
      // Slack's client would otherwise sit out rate limits and outages in memory for up to 30 minutes;
      // the durable outbox waits them out instead, and survives a restart while doing so.
      retryConfig: { retries: deps.slackRetries ?? 2 },
      rejectRateLimitedCalls: true,
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
  const quota = new QuotaService({
    store,
    accountId: config.liveperson.accountId,
    monthlyLimit: config.monthlyLimit,
    quotaTimeZone: config.quotaTimeZone,
    now,
  });
  const timers = {
    reminderHours: config.slack.approvalReminderHours,
    expiryDays: config.slack.approvalExpiryDays,
  };
  const service = new DeletionService({
    store,
    lp,
    quota,
    directory,
    accountId: config.liveperson.accountId,
    timers,
    now,
    log,
  });
  const lifecycle = new LifecycleService({
    store,
    lp,
    directory,
    now,
    log,
    timers,
    timeZone: config.quotaTimeZone,
  });
  const quotaSync = new QuotaSync({ store, lp, quota, quotaTimeZone: config.quotaTimeZone, now, log });
  const delivery = new NoticeDelivery({
    store,
    sender: new SlackNoticeSender(app.client, config.slack.privacyChannelId, {
      now,
      timeZone: config.quotaTimeZone,
    }),
    quota: () => quota.report(),
    log,
    now,
    baseDelayMs: deps.noticeBaseDelayMs,
  });
  store.onNoticesQueued(() => delivery.kick());
  const housekeeping = new Housekeeping({
    store,
    lifecycle,
    quotaSync,
    recover: () => service.submission.recover(),
    intervalMs: deps.sweepIntervalMs,
    log,
  });
  registerListeners(app, {
    lifecycle,
    quotaSync,
    service,
    directory,
    accountId: config.liveperson.accountId,
    legacyTicketing: config.liveperson.legacyTicketing,
    log,
  });
  // Slack redelivers an event it thinks went unanswered (X-Slack-Retry-Num). Bolt has already acked it;
  // the first delivery did the work, so a retry does nothing. (Clicks are made idempotent by the store.)
  app.use(async ({ context, body, next }) => {
    if (context.retryNum !== undefined && (body as { type?: string }).type === 'event_callback') {
      log.info('slack_retry_ignored', { retryNum: context.retryNum, reason: context.retryReason });
      return;
    }
    await next();
  });
  app.error(async (error) => {
    log.error('unhandled_listener_error', { code: errorCode(error) });
  });

  const grace = deps.shutdownGraceMs ?? 10_000;
  let stopping: Promise<void> | undefined;
  return {
    app,
    service,
    quota,
    delivery,
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
      // Notices owed from before (a crash, Slack down) go out first; then interrupted submissions are
      // looked up at LivePerson, LivePerson's count of the month read, and reminders and expiry caught up.
      delivery.start();
      await quotaSync.sync();
      await housekeeping.runOnce();
      housekeeping.start();
      return { port: boundPort };
    },
    stop() {
      // Idempotent: a second signal, or a test's close after a stop, must not stop Bolt twice (it throws).
      stopping ??= (async () => {
        // Take no new work, let submissions under way finish, deliver what Slack will take.
        await app.stop();
        await housekeeping.stop();
        const idle = await service.idle(grace);
        const delivered = await delivery.flush(grace);
        await delivery.stop();
        const left = (await store.owedNotices()).length;
        log.info('stopped', { submissionsFinished: idle, noticesDelivered: delivered, noticesLeft: left });
      })();
      return stopping;
    },
  };
}

function ensureTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
