import { App, HTTPReceiver, LogLevel, webApi, type Logger as SlackLogger } from '@slack/bolt';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { RouteHandler } from './intake/api.js';
import { sendJson } from './intake/requests.js';
import { probeRoutes, type Readiness } from './startup/probes.js';

/** The Bolt app and, in HTTP mode, its receiver with the health and readiness routes: transport only. */

/** How long any Slack call may take (default): shorter than a notice's claim (30 s). */
export const SLACK_TIMEOUT_MS = 10_000;

export interface Bolt {
  app: InstanceType<typeof App>;
  /**
   * The client the notices are posted with: the same token and URL, a timeout, and no retries of its own
   * (a retried post after a 5xx that had in fact posted would post twice); the notices retry themselves.
   */
  noticeClient: webApi.WebClient;
  /** Undefined in Socket Mode. */
  receiver?: HTTPReceiver;
  socketMode: boolean;
}

export function createBolt(
  config: Config,
  options: {
    log: Logger;
    readiness: Readiness;
    slackRetries?: number;
    slackTimeoutMs?: number;
    /** Served beside Slack's routes in HTTP mode (the intake API). */
    routes?: { path: string; method: string[]; handler: RouteHandler }[];
  },
): Bolt {
  const timeout = options.slackTimeoutMs ?? SLACK_TIMEOUT_MS;
  const socketMode = Boolean(config.slack.appToken);
  const logger = boltLogger(options.log);
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
            handler: (_req, res) => sendJson(res, 200, { ok: true }),
          },
          ...probeRoutes(options.readiness),
          ...(options.routes ?? []),
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
      retryConfig: { retries: options.slackRetries ?? 2 },
      rejectRateLimitedCalls: true,
      // A call that never answers would hold its caller (and a shutdown) for ever.
      timeout,
    },
  });
  const noticeClient = new webApi.WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl ? { slackApiUrl: ensureTrailingSlash(config.slack.apiUrl) } : {}),
    logger,
    logLevel: LogLevel.INFO,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout,
  });
  return { app, noticeClient, ...(receiver ? { receiver } : {}), socketMode };
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
    warn: (...msg) => {
      const message = msg.map(String).join(' ');
      // The Web API client's "http request failed fetch failed", once per try: whoever made the call logs
      // its failure with the host and the cause (start-up's slack_unreachable, a notice's retry).
      if (message.startsWith('http request failed')) return;
      log.warn('bolt', { message: message.slice(0, 300) });
    },
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

function ensureTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
