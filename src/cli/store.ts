import dotenv from 'dotenv';
import { StoreError } from '../store/json-file-adapter.js';
import { runStore } from './store-main.js';

// A local .env fills in what the environment leaves unset; quiet keeps dotenv's banner off stdout.
dotenv.config({ quiet: true });
process.exitCode = await runStore(
  process.argv.slice(2),
  { env: process.env, stdout: process.stdout, stderr: process.stderr },
  {
    // TODO(lowdb store): open the data folder read-only with the lowdb RequestStore once it lands.
    openDataFolder: async (folder) => {
      throw new StoreError(
        'STORE_UNREADABLE',
        `Copying from the data folder ${folder} needs the lowdb store, which this build does not have yet.`,
      );
    },
  },
);
