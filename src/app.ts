import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Config } from './config.js';
import type { LivePersonClient } from './liveperson/client.js';
import { createLogger, type Logger } from './log.js';
import { DeletionService } from './service/deletion-service.js';
import type { RequestStore } from './store/port.js';
import { SlackDirectory } from './slack/directory.js';
import { SlackNoticeSender } from './slack/notice-sender.js';
import { registerListeners } from './slack/listeners/index.js';
import { FollowUp } from './service/follow-up.js';
import { Housekeeping } from './service/housekeeping.js';
import { LifecycleService } from './service/lifecycle-service.js';
import { NoticeDelivery } from './service/notice-delivery.js';
import { QuotaService } from './service/quota-service.js';
import { QuotaSync } from './service/quota-sync.js';
import { errorCode } from './service/request-steps.js';
import { probeRoutes, type Readiness } from './startup/probes.js';
import { explainSocketModeFailure, signInToSlack } from './startup/slack-auth.js';
import { createEngagementHistoryClient } from './liveperson/history/engagement-history-client.js';
import { createHistoryConnection } from './liveperson/history/history-http.js';
import { createMsgHistoryClient } from './liveperson/history/msg-history-client.js';
import type { LpLogger } from './liveperson/http.js';
import { PersonErasure, type HistoryClients } from './service/person-erasure.js';
import type { LogFields } from './log.js';

export interface AppDeps {
  config: Config;
  lp: LivePersonClient;
  store: RequestStore;
  now?: () => Date;
  log?: Logger;
  /** Tests and the demo set 0 retries so a failing fake answers at once; notices are retried durably anyway. */
  slackRetries?: number;
  /** How often the sweep (reminders, expiry, daily quota sync) runs; default 10 minutes. */
  sweepIntervalMs?: number;
  /** First retry delay of Slack notices (default 1 s); tests shorten it. */
  noticeBaseDelayMs?: number;
  /** How long shutdown waits for submissions under way and for queued Slack messages (default 10 s). */
  shutdownGraceMs?: number;
  /** For /readyz: whether the store is open and usable (default: always, once createApp has it). */
  storeOk?: () => boolean;
  /** Called once the app listens (before start-up recovery and the first quota sync finish). */
  onListening?: (info: { port?: number }) => void;
  /** Waits between start-up sign-in attempts while Slack is unreachable (tests shorten them). */
  slackAuthDelaysMs?: readonly number[];
  /** True once a signal asked the process to stop: start-up stops waiting for Slack. */
  shutdownRequested?: () => boolean;
  /** LivePerson's history APIs (erasing a person); built from `config.liveperson` when absent. */
  history?: HistoryClients;
  /** Records per history page (LivePerson's maximum of 100 by default); tests make pages small. */
  historyPageSize?: number;
}

export interface RunningApp {
  app: InstanceType<typeof App>;
  service: DeletionService;
  /** Status, cancel, approval reminders and expiry. */
  lifecycle: LifecycleService;
  quotaSync: QuotaSync;
  /** The periodic sweep; tests call `housekeeping.runOnce()` with their own clock. */
  housekeeping: Housekeeping;
  /** Submitted requests followed at LivePerson until final, every STATUS_POLL_MINUTES. */
  followUp: FollowUp;
  quota: QuotaService;
  /** Delivers the Slack notices the store holds. */
  delivery: NoticeDelivery;
  /** What /readyz answers from: the store (AppDeps.storeOk) and Slack sign-in at start-up. */
  readiness: Readiness;
  /** Erasing a person: search, file the plan, held-back conversations. */
  person: PersonErasure;
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
  let slackSignedIn = false;
  const readiness: Readiness = {
    storeOk: deps.storeOk ?? (() => store.healthy()),
    slackOk: () => slackSignedIn,
  };
  const logger = boltLogger(log);
  // HTTP mode: our own receiver, so the port (and /healthz, /readyz) is up while start-up still waits for
  // Slack; Bolt's App.start would refuse to listen before its sign-in (App.init) has succeeded.
  const receiver = socketMode
    ? undefined
    : new HTTPReceiver({
        signingSecret: config.slack.signingSecret ?? '',
        logger,
        logLevel: LogLevel.INFO,
        customRoutes: [
          {
            path: '/health',
            method: ['GET'],
            handler: (_req, res) => {
              res.writeHead(200, { 'content-type': 'application/json' });
              res.end(JSON.stringify({ ok: true }));
            },
          },
          ...probeRoutes(readiness),
        ],
      });
  const app = new App({
    token: config.slack.botToken,
    // Bolt would otherwise call auth.test in the constructor, crash the process on a rejected token and
    // cache a failed call forever; start() signs in instead, retrying while Slack is unreachable.
    deferInitialization: true,
    ...(socketMode
      ? {
          socketMode: true,
          appToken: config.slack.appToken,
          // The Socket Mode client makes its own Web API calls (apps.connections.open): same base URL.
          installerOptions: config.slack.apiUrl
            ? { clientOptions: { slackApiUrl: ensureTrailingSlash(config.slack.apiUrl) } }
            : undefined,
        }
      : { receiver }),
    logger,
    logLevel: LogLevel.INFO,
    // No listener reads Bolt's conversation state: skip its store lookup on every request.
    convoStore: false,
    clientOptions: {
      ...(config.slack.apiUrl ? { slackApiUrl: ensureTrailingSlash(config.slack.apiUrl) } : {}),
      // Slack's client would otherwise sit out rate limits and outages in memory for up to 30 minutes;
      // the notices kept in the store wait them out instead, and survive a restart while doing so.
      retryConfig: { retries: deps.slackRetries ?? 2 },
      rejectRateLimitedCalls: true,
    },
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
  const chatHistory = config.liveperson.chatHistory ?? false;
  const person = new PersonErasure({
    service,
    quota,
    store,
    history: deps.history ?? {
      ...historyClients(config, chatHistory, (event, fields) => log.info(event, fields as LogFields)),
      ...(deps.historyPageSize ? { pageSize: deps.historyPageSize } : {}),
    },
    chatHistory,
    timeZone: config.quotaTimeZone,
    now,
    log,
  });
  const housekeeping = new Housekeeping({
    store,
    lifecycle,
    quotaSync,
    recover: () => service.recover(),
    recheckHeldBack: () => person.recheckHeldBack(),
    intervalMs: deps.sweepIntervalMs,
    log,
  });
  const followUp = new FollowUp({
    store,
    lp,
    recover: () => service.submission.recover(),
    intervalMs: config.slack.statusPollMinutes * 60_000,
    now,
    log,
  });
  registerListeners(app, {
    lifecycle,
    quotaSync,
    service,
    person,
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

  // With PostgreSQL, a replica that dies while sending a request leaves it `submitting`, and its lease
  // runs out after REPLICA_LEASE_SECONDS. Looking for such requests is one indexed read, so every replica
  // looks every third of the lease rather than at the 10-minute sweep; finding one runs the sweep at once,
  // which reconciles it with LivePerson's list (under the sweep's lock: one replica does it).
  let orphanWatch: NodeJS.Timeout | undefined;
  const watchOrphans = () => {
    let checking = false;
    orphanWatch = setInterval(
      () => {
        if (checking) return;
        checking = true;
        store
          .orphanedSubmissions()
          .then((orphans) => (orphans.length > 0 ? housekeeping.runOnce() : undefined))
          .catch((error: unknown) => log.warn('orphan_check_failed', { code: errorCode(error) }))
          .finally(() => {
            checking = false;
          });
      },
      Math.max(250, (config.replicaLeaseSeconds * 1000) / 3),
    );
    orphanWatch.unref();
  };

  const grace = deps.shutdownGraceMs ?? 10_000;
  let stopping: Promise<void> | undefined;
  let listening = false;
  return {
    app,
    service,
    quota,
    delivery,
    readiness,
    lifecycle,
    quotaSync,
    housekeeping,
    followUp,
    person,
    async start(port = config.slack.port) {
      let boundPort: number | undefined;
      if (receiver) {
        const server = await receiver.start(port);
        boundPort = (server.address() as AddressInfo).port;
        listening = true;
        log.info('http_listening', { port: boundPort });
      }
      const signedIn = await signInToSlack(() => app.init(), {
        log,
        delaysMs: deps.slackAuthDelaysMs,
        stopping: () => stopping !== undefined || (deps.shutdownRequested?.() ?? false),
      });
      if (!signedIn) return { port: boundPort };
      slackSignedIn = true;
      if (socketMode) {
        await app.start().catch((error: unknown) => {
          throw explainSocketModeFailure(error);
        });
        listening = true;
      }
      log.info('app_started', { mode: socketMode ? 'socket' : 'http', port: boundPort });
      deps.onListening?.({ port: boundPort });
      // Notices owed from before (a crash, Slack down) go out first; then interrupted submissions are
      // looked up at LivePerson, LivePerson's count of the month read, and reminders and expiry caught up.
      delivery.start();
      await quotaSync.sync();
      await housekeeping.runOnce();
      housekeeping.start();
      // A round at start too: the schedule restarts with the process, the state (when each request was
      // last checked) is in the store, so only requests already due are asked about.
      await followUp.runOnce();
      followUp.start();
      if (config.databaseUrl) watchOrphans();
      return { port: boundPort };
    },
    stop() {
      // Idempotent: a second signal, or a test's close after a stop, must not stop Bolt twice (it throws).
      stopping ??= (async () => {
        // Take no new work, let submissions under way finish, deliver what Slack will take, then flush.
        // Bolt refuses to stop a receiver that never started (a stop while waiting for Slack at start-up).
        if (listening) await app.stop();
        clearInterval(orphanWatch);
        await housekeeping.stop();
        await followUp.stop();
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

/** The history clients from the rtbf client's settings (same Domain API, same credentials). */
function historyClients(config: Config, chatHistory: boolean, log: LpLogger): HistoryClients {
  const connection = createHistoryConnection(config.liveperson, { log });
  return {
    msgHist: createMsgHistoryClient(connection),
    ...(chatHistory ? { engHist: createEngagementHistoryClient(connection) } : {}),
    log,
  };
}

function ensureTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
