import dotenv from 'dotenv';
import { ConfigError } from './config.js';
import { startServer } from './server.js';
import { StoreError } from './store/json-file-adapter.js';

/** Entry point: load .env, start, and stop gracefully on SIGTERM / SIGINT (exit 0 once flushed). */
async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const server = await startServer();
  console.error(
    `lp-delete is running (${server.port === undefined ? 'Socket Mode' : `HTTP on port ${server.port}, /slack/events`}).`,
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.stop(signal).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StoreError) console.error(error.message);
  else console.error(`lp-delete could not start: ${(error as Error).message}`);
  process.exit(1);
});
