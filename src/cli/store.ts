import dotenv from 'dotenv';
import { openFileStore } from '../store/lowdb/file-store.js';
import { runStore } from './store-main.js';

// A local .env fills in what the environment leaves unset; quiet keeps dotenv's banner off stdout.
dotenv.config({ quiet: true });
process.exitCode = await runStore(
  process.argv.slice(2),
  { env: process.env, stdout: process.stdout, stderr: process.stderr },
  {
    // Read-only: the copy can run beside the app (stop it before switching to DATABASE_URL).
    openDataFolder: (folder) => openFileStore(folder, { readOnly: true }),
  },
);
