import { createApp, type AppDeps, type RunningApp } from './app.js';
import { loadConfig } from './config.js';
import { logSelfCheck, runChecks } from './doctor/doctor.js';
import { createLivePersonClient, type LivePersonClient } from './liveperson/client.js';
import { createLogger, type Logger } from './log.js';
import { errorCode } from './domain/error-code.js';
import { openStore } from './store/open-store.js';
import type { RequestStore } from './store/port.js';
import { explainUnwritableDataFolder } from './startup/data-folder.js';
import { StoreError } from './store/errors.js';

export interface ServerOptions {
  env?: Record<string, string | undefined>;
  log?: Logger;
  /** Lets a test process put a fault around the LivePerson client (e.g. die right after a create). */
  wrapLivePerson?: (client: LivePersonClient) => LivePersonClient;
  /** Called as soon as the app listens (index.ts prints "lp-delete is running"). */
  onListening?: (info: { port?: number }) => void;
  /** True once a signal asked the process to stop (set by serveUntilSignalled). */
  shutdownRequested?: () => boolean;
  /** Timings a test process shortens (the sweep interval, Slack retries); production uses the defaults. */
  timings?: Pick<
    AppDeps,
    | 'sweepIntervalMs'
    | 'noticeBaseDelayMs'
    | 'slackRetries'
    | 'shutdownGraceMs'
    | 'slackTimeoutMs'
    | 'noticeClaimMs'
  >;
  /** The data folder lock's staleness time (default 30 s); a test process shortens it. */
  lockStaleMs?: number;
}

export interface Server {
  running: RunningApp;
  /** The opened data store (read-only use: the demo shows what it holds). */
  store: RequestStore;
  port?: number;
  /** Graceful stop: no new work, submissions under way finish, queued Slack messages delivered, store flushed. */
  stop(signal: string): Promise<void>;
}

/** Loads the configuration, opens the store, starts the app and runs the non-fatal self-check. */
export async function startServer(options: ServerOptions = {}): Promise<Server> {
  const env = options.env ?? process.env;
  const log = options.log ?? createLogger();
  const config = loadConfig(env);
  // Taken over by another instance (this one was paused): nothing more may be written, so no graceful
  // stop either; one line says why, and the process ends.
  const lock = {
    ...(options.lockStaleMs ? { staleMs: options.lockStaleMs } : {}),
    onLost: (message: string) => {
      console.error(message);
      process.exit(1);
    },
  };
  const store = await openStore(config, { log, lock }).catch(async (error: unknown) => {
    // The store probes its folder once; when that fails, the doctor's check says why (a file in the way,
    // a read-only folder) and what to do, in one line.
    if (!config.databaseUrl && error instanceof StoreError && error.code === 'STORE_WRITE_FAILED') {
      await explainUnwritableDataFolder(config.dataDir);
    }
    throw error;
  });
  const client = createLivePersonClient(config.liveperson, {
    log: (event, fields) =>
      log.info(`liveperson_${event}`, fields as Record<string, string | number | boolean>),
  });
  const lp = options.wrapLivePerson ? options.wrapLivePerson(client) : client;
  const running = createApp({
    ...options.timings,
    config,
    lp,
    store,
    log,
    onListening: options.onListening,
    shutdownRequested: options.shutdownRequested,
  });
  let port: number | undefined;
  try {
    ({ port } = await running.start());
  } catch (error) {
    await store.close();
    throw error;
  }
  // The self-check only reports: a failed check is a warning in the log, never a reason not to run.
  void runChecks(env, { slackClient: running.app.client })
    .then((results) => logSelfCheck(results, log))
    .catch((error: unknown) => log.warn('self_check_failed', { code: errorCode(error) }));
  return {
    running,
    store,
    port,
    async stop(signal) {
      log.info('shutdown', { signal });
      try {
        await running.stop();
      } finally {
        await store.close();
      }
    },
  };
}

/**
 * Starts the server and stops it gracefully on SIGTERM or SIGINT, then exits 0 (1 if the stop failed).
 * The handlers are in place before start-up begins: a signal that arrives while the app is still
 * starting (recovery, the first quota sync) waits for the start to finish and then stops it cleanly.
 */
export async function serveUntilSignalled(options: ServerOptions = {}): Promise<Server> {
  let server: Server | undefined;
  let requested: string | undefined;
  const stop = (signal: string) => {
    if (!server) {
      requested ??= signal;
      return;
    }
    const running = server;
    server = undefined; // a second signal does not stop twice
    running.stop(signal).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const started = await startServer({ ...options, shutdownRequested: () => requested !== undefined });
  server = started;
  if (requested) stop(requested);
  return started;
}
