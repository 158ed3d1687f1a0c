import dotenv from 'dotenv';
import { ConfigError } from './config/messages.js';
import { serveUntilSignalled } from './server.js';
import { StoreError } from './store/errors.js';
import { StartupError } from './startup/startup-error.js';
import { errorMessage } from './domain/error-code.js';

/** Entry point: load .env, start, and stop gracefully on SIGTERM / SIGINT (exit 0 once flushed). */
async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  await serveUntilSignalled({
    onListening: ({ port }) =>
      console.error(
        `lp-delete is running (${port === undefined ? 'Socket Mode' : `HTTP on port ${port}, /slack/events`}).`,
      ),
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StoreError || error instanceof StartupError)
    console.error(error.message);
  else console.error(`lp-delete could not start: ${errorMessage(error)}`);
  process.exit(1);
});
