import dotenv from 'dotenv';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { logSelfCheck, runChecks } from './doctor/doctor.js';
import { createLivePersonClient } from './liveperson/client.js';
import { createLogger } from './log.js';
import { Store } from './store/store.js';
import { StoreError } from './store/json-file-adapter.js';

/** Entry point: load config, open the store, start the app, stop cleanly on SIGTERM / SIGINT. */
async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const log = createLogger();
  const config = loadConfig();
  const store = await Store.open(config.dataFile);
  const lp = createLivePersonClient(config.liveperson, {
    log: (event, fields) =>
      log.info(`liveperson_${event}`, fields as Record<string, string | number | boolean>),
  });
  const running = createApp({ config, lp, store, log });
  const { port } = await running.start();
  console.error(
    `lp-delete is running (${config.slack.appToken ? 'Socket Mode' : `HTTP on port ${port}, /slack/events`}).`,
  );
  // The self-check only reports: a failed check is a warning in the log, never a reason not to run.
  void runChecks(process.env, { slackClient: running.app.client })
    .then((results) => logSelfCheck(results, log))
    .catch((error: unknown) => log.warn('self_check_failed', { code: (error as Error).name }));
  const shutdown = async (signal: string) => {
    log.info('shutdown', { signal });
    await running.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StoreError) console.error(error.message);
  else console.error(`lp-delete could not start: ${(error as Error).message}`);
  process.exit(1);
});
