import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import { createBolt } from './bolt-app.js';
import { createLogger, type Logger } from './log.js';
import { systemClock, type Clock } from './domain/clock.js';
import { errorCode } from './domain/error-code.js';
import { registerListeners } from './slack/listeners/index.js';
import { STORE_PROBE_DEADLINE_MS, type Readiness } from './startup/probes.js';
import { explainSocketModeFailure, signInToSlack } from './startup/slack-auth.js';
import { watchOrphans, wireServices, type ServiceDeps, type Services } from './wiring.js';
import { intakeApi, type RouteHandler } from './intake/api.js';
import { INTAKE_PATHS, listenIntake } from './intake/server.js';

/**
 * createApp: the Bolt app (bolt-app.ts) and the services (wiring.ts) put together, the listeners
 * registered, and the order in which everything starts and stops.
 */

/** What createApp is built from: the services' own settings (wiring.ts), and the app's. */
export type AppDeps = Omit<ServiceDeps, 'slack' | 'noticeSlack' | 'now' | 'log'> & {
  now?: Clock;
  log?: Logger;
  /** Tests and the demo set 0 retries so a failing fake answers at once; notices are retried durably anyway. */
  slackRetries?: number;
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
  /** Told a plain line for a person at start-up (Slack unreachable, retrying); index.ts writes it to stderr. */
  say?: (line: string) => void;
};

/** The running app: Bolt, the services (tests call them directly), readiness, start and stop. */
export type RunningApp = Services & {
  app: InstanceType<typeof App>;
  /** What /readyz answers from: the store (AppDeps.storeOk) and Slack sign-in at start-up. */
  readiness: Readiness;
  /** Starts listening (HTTP on `port`, default config.slack.port; or Socket Mode) and runs start-up recovery. */
  start(port?: number): Promise<{ port?: number }>;
  stop(): Promise<void>;
};

export function createApp(deps: AppDeps): RunningApp {
  const { config, store } = deps;
  const now = deps.now ?? systemClock;
  const log = deps.log ?? createLogger();
  let slackSignedIn = false;
  const storeOk = deps.storeOk ?? (() => store.healthy());
  const readiness: Readiness = {
    // Not ready while an outcome LivePerson gave waits for the store (a full disk): see PendingSaves.
    storeOk: () => storeOk() && services.submission.unsavedCount() === 0,
    slackOk: () => slackSignedIn,
    storeAnswers: () => store.probe?.(STORE_PROBE_DEADLINE_MS) ?? Promise.resolve(true),
  };
  // The intake API's handler is made with the services below; its routes exist from the start.
  let intakeHandler: RouteHandler = (_req, res) => {
    res.writeHead(503).end();
  };
  const intakeRoute: RouteHandler = (req, res) => intakeHandler(req, res);
  const { app, noticeClient, receiver, socketMode } = createBolt(config, {
    log,
    readiness,
    slackRetries: deps.slackRetries,
    slackTimeoutMs: deps.slackTimeoutMs,
    routes: INTAKE_PATHS.map((path) => ({ path, method: ['GET', 'POST'], handler: intakeRoute })),
  });
  const services = wireServices({ ...deps, slack: app.client, noticeSlack: noticeClient, now, log });
  intakeHandler = intakeApi({ config: config.intake, intake: services.intake, log, now });
  let intakeServer: Server | undefined;
  const { submission, quotaSync, delivery, housekeeping, followUp, workflow } = services;
  registerListeners(app, {
    ...services,
    legacyTicketing: config.liveperson.legacyTicketing,
    timeZone: config.quotaTimeZone,
    now,
    log,
  });
  // Slack redelivers an event it thinks went unanswered (X-Slack-Retry-Num). Bolt has already acked it;
  // the first delivery did the work, so a retry does nothing. (Clicks are made idempotent by the store.)
  app.use(async (args) => {
    const { context, body, next } = args;
    if (context.retryNum !== undefined && (body as { type?: string }).type === 'event_callback') {
      log.info('slack_retry_ignored', { retryNum: context.retryNum, reason: context.retryReason });
      // function_executed is the one event Bolt leaves for the listener to ack: ack the retry here.
      if ('ack' in args && typeof args.ack === 'function') await args.ack();
      return;
    }
    await next();
  });
  app.error(async (error) => {
    log.error('unhandled_listener_error', { code: errorCode(error) });
  });

  const grace = deps.shutdownGraceMs ?? 10_000;
  let stopping: Promise<void> | undefined;
  let listening = false;
  /** With PostgreSQL only: see watchOrphans. */
  let orphanWatch: NodeJS.Timeout | undefined;
  return {
    ...services,
    app,
    readiness,
    async start(port = config.slack.port) {
      // Creates cut off by the last stop are looked up first: the create lock is a queue, so approvals
      // clicked as soon as the app listens are sent after it (each cut-off attempt is then looked for
      // with no newer attempt of ours around it). Not awaited: it must not hold up start-up.
      void submission
        .recover()
        .catch((error: unknown) => log.warn('startup_reconcile_failed', { code: errorCode(error) }));
      let boundPort: number | undefined;
      if (receiver) {
        const server = await receiver.start(port);
        boundPort = (server.address() as AddressInfo).port;
        listening = true;
        log.info('http_listening', { port: boundPort });
      }
      const signedIn = await signInToSlack(() => app.init(), {
        log,
        apiUrl: config.slack.apiUrl,
        say: deps.say,
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
      if (socketMode && config.intake?.port !== undefined)
        intakeServer = await listenIntake(intakeRoute, config.intake.port, log);
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
      services.callbacks.start();
      if (config.databaseUrl) orphanWatch = watchOrphans({ config, store, log }, housekeeping);
      return { port: boundPort };
    },
    stop() {
      // Idempotent: a second signal, or a test's close after a stop, must not stop Bolt twice (it throws).
      stopping ??= (async () => {
        // Take no new work, let submissions under way finish, deliver what Slack will take, then flush.
        // Bolt refuses to stop a receiver that never started (a stop while waiting for Slack at start-up).
        if (listening) await app.stop();
        clearInterval(orphanWatch);
        await new Promise((resolve) => (intakeServer ? intakeServer.close(resolve) : resolve(undefined)));
        await services.callbacks.stop();
        await services.intake.idle(grace);
        await housekeeping.stop();
        await followUp.stop();
        // One grace for all of it: a Slack call that hangs must not hold the stop longer.
        const deadline = Date.now() + grace;
        const left = () => Math.max(0, deadline - Date.now());
        await services.verification.stop(left());
        const idle = await submission.idle(left());
        await workflow.idle(left());
        const delivered = await delivery.flush(left());
        await delivery.stop(left());
        const owed = await store.owedNotices().catch(() => []);
        log.info('stopped', {
          submissionsFinished: idle,
          noticesDelivered: delivered,
          noticesLeft: owed.length,
        });
      })();
      return stopping;
    },
  };
}
