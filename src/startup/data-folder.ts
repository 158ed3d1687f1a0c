import { stat } from 'node:fs/promises';
import { checkDataFolder } from '../doctor/checks/storage.js';
import { StartupError } from './startup-error.js';

/**
 * Start-up refuses a data folder it cannot write, with the doctor's words: otherwise the app would take
 * requests and fail at the first write. Called when the store's own probe failed, to say why: the same
 * check as `npm run doctor` (creating a file is the only reliable test: permission bits say nothing about
 * root, ACLs or read-only mounts). Returns when the doctor finds nothing wrong (the store's error stands).
 */
export async function explainUnwritableDataFolder(dataDir: string): Promise<void> {
  const result = await checkDataFolder(dataDir);
  if (!result.ok) {
    throw new StartupError('DATA_FOLDER_UNWRITABLE', {
      detail: result.detail,
      fix: result.fix ?? 'set DATA_DIR to a folder lp-delete can write',
    });
  }
}

/**
 * Before the store creates a data folder that does not exist yet: the doctor's check, without recursive
 * mkdir (which never returns for a path such as /proc/x). One StartupError line when it cannot be used;
 * an existing folder is left to the store's own probe (explainUnwritableDataFolder says why it failed).
 */
export async function refuseUnusableDataFolder(dataDir: string): Promise<void> {
  const exists = await stat(dataDir).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!exists) await explainUnwritableDataFolder(dataDir);
}
