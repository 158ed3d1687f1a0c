import { openFileStore } from '../store/lowdb/file-store.js';
import { processIo } from './process-io.js';
import { runStore } from './store-main.js';

process.exitCode = await runStore(process.argv.slice(2), processIo, {
  // Read-only: the copy can run beside the app (stop it before switching to DATABASE_URL).
  openDataFolder: (folder) => openFileStore(folder, { readOnly: true }),
});
