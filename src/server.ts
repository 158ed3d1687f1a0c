import { createApp, type AppDeps, type RunningApp } from './app.js';
import { loadConfig } from './config.js';
import { logSelfCheck, runChecks } from './doctor/doctor.js';
import { createLivePersonClient, type LivePersonClient } from './liveperson/client.js';
import { createLogger } from './log.js';
import { errorCode } from './domain/error-code.js';
import { openStore } from './store/open-store.js';
import type { RequestStore } from './store/port.js';
import { explainUnwritableDataFolder, refuseUnusableDataFolder } from './startup/data-folder.js';
import {
  reportLivePersonReachability,
  sayGroupApprovers,
  warnAboutApprovers,
  warnAboutSettings,
} from './startup/warnings.js';
import { StoreError } from './store/errors.js';

/** The app's start-up hooks (see AppDeps: index.ts prints "lp-delete is running" and the start-up lines). */
export interface ServerOptions extends Pick<AppDeps, 'log' | 'onListening' | 'shutdownRequested' | 'say'> {
  env?: Record<string, string | undefined>;
  /** Lets a test process put a fault around the LivePerson client (e.g. die right after a create). */
  wrapLivePerson?: (client: LivePersonClient) => LivePersonClient;
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
  const say = options.say ?? (() => {});
  warnAboutSettings(env, { log, say });
  const config = loadConfig(env);
  warnAboutApprovers(config, { log, say });
  // A folder that does not exist yet is checked before the store creates it: Node's recursive mkdir
  // never returns for some paths (/proc/x), and the check says what is wrong in one line.
  if (!config.databaseUrl) await refuseUnusableDataFolder(config.dataDir);
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
  const client = createLivePersonClient(config.liveperson, { log });
  const lp = options.wrapLivePerson ? options.wrapLivePerson(client) : client;
  // Whether LivePerson answers is told at once, while start-up may still be waiting for Slack.
  void reportLivePersonReachability(config, { log, say });
  const running = createApp({
    ...options.timings,
    config,
    lp,
    store,
    log,
    onListening: options.onListening,
    shutdownRequested: options.shutdownRequested,
    say,
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
    .then((results) => {
      logSelfCheck(results, log);
      sayGroupApprovers(results, config, { say });
    })
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

/** How long a signal during start-up waits for start-up to reach a point where it can stop cleanly. */
export const STARTUP_STOP_MS = 1500;

/**
 * Starts the server and stops it gracefully on SIGTERM or SIGINT, then exits 0 (1 if the stop failed).
 * The handlers are in place before start-up begins. A signal while the app is still starting asks
 * start-up to stop at its next step; if that takes longer than STARTUP_STOP_MS (a call that hangs, a
 * folder that never answers), the process exits 0 anyway: nothing was taken on yet, and whatever start-up
 * was recovering is recovered again at the next start, as after a crash.
 */
export async function serveUntilSignalled(options: ServerOptions = {}): Promise<Server> {
  const say = options.say ?? ((line: string) => void process.stderr.write(`${line}\n`));
  let server: Server | undefined;
  let requested: string | undefined;
  let forced: NodeJS.Timeout | undefined;
  const stoppedEarly = (signal: string) => say(`lp-delete stopped (${signal}) before it was ready.`);
  const stop = (signal: string) => {
    if (!server) {
      if (requested) return;
      requested = signal;
      forced = setTimeout(() => {
        stoppedEarly(signal);
        process.exit(0);
      }, STARTUP_STOP_MS);
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
  const started = await startServer({
    ...options,
    say,
    shutdownRequested: () => requested !== undefined,
  });
  server = started;
  if (requested) {
    clearTimeout(forced);
    stoppedEarly(requested);
    stop(requested);
  }
  return started;
}
