import type { CoreConfig } from '../config.js';
import { dataFileIgnoredLine } from '../config/known-settings.js';
import type { Logger } from '../log.js';
import { openFileStore } from './lowdb/file-store.js';
import type { FolderLockOptions } from './lowdb/folder-lock.js';
import { PostgresStore } from './postgres/postgres-store.js';
import type { RequestStore } from './port.js';

/**
 * The store the configuration names: PostgreSQL when DATABASE_URL is set (any number of replicas),
 * else the data folder (lowdb JSON files, one app).
 * `readOnly` is for the audit export, the doctor and the self-check: no lock, no writes, safe beside
 * the running app.
 */
export async function openStore(
  config: Pick<CoreConfig, 'dataDir' | 'dataFileIgnored' | 'databaseUrl'> & { replicaLeaseSeconds?: number },
  options: { log?: Logger; readOnly?: boolean; lock?: FolderLockOptions } = {},
): Promise<RequestStore> {
  if (config.databaseUrl) {
    return PostgresStore.open({
      url: config.databaseUrl,
      ...(config.replicaLeaseSeconds ? { replicaLeaseSeconds: config.replicaLeaseSeconds } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
  }
  if (config.dataFileIgnored && !options.readOnly) {
    options.log?.warn('setting_ignored', {
      setting: 'DATA_FILE',
      message: dataFileIgnoredLine(config.dataDir),
    });
  }
  return openFileStore(config.dataDir, {
    readOnly: options.readOnly,
    ...(options.lock ? { lock: options.lock } : {}),
  });
}
