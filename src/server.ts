import { createApp, type RunningApp } from './app.js';
import { loadConfig } from './config.js';
import { logSelfCheck, runChecks } from './doctor/doctor.js';
import { createLivePersonClient, type LivePersonClient } from './liveperson/client.js';
import { createLogger, type Logger } from './log.js';
import { Store } from './store/store.js';

export interface ServerOptions {
  env?: Record<string, string | undefined>;
  log?: Logger;
  /** Lets a test process put a fault around the LivePerson client (e.g. die right after a create). */
  wrapLivePerson?: (client: LivePersonClient) => LivePersonClient;
}

export interface Server {
  running: RunningApp;
  port?: number;
  /** Graceful stop: no new work, submissions under way finish, queued Slack messages delivered, store flushed. */
  stop(signal: string): Promise<void>;
}

/** Loads the configuration, opens the store, starts the app and runs the non-fatal self-check. */
export async function startServer(options: ServerOptions = {}): Promise<Server> {
  const env = options.env ?? process.env;
  const log = options.log ?? createLogger();
  const config = loadConfig(env);
  const store = await Store.open(config.dataFile);
  const client = createLivePersonClient(config.liveperson, {
    log: (event, fields) =>
      log.info(`liveperson_${event}`, fields as Record<string, string | number | boolean>),
  });
  const lp = options.wrapLivePerson ? options.wrapLivePerson(client) : client;
  const running = createApp({ config, lp, store, log });
  const { port } = await running.start();
  // The self-check only reports: a failed check is a warning in the log, never a reason not to run.
  void runChecks(env, { slackClient: running.app.client })
    .then((results) => logSelfCheck(results, log))
    .catch((error: unknown) => log.warn('self_check_failed', { code: (error as Error).name }));
  return {
    running,
    port,
    async stop(signal) {
      log.info('shutdown', { signal });
      await running.stop();
    },
  };
}
