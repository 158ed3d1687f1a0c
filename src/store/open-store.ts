import type { CoreConfig } from '../config.js';
import type { Logger } from '../log.js';
import { openFileStore } from './lowdb/file-store.js';
import type { RequestStore } from './port.js';

/**
 * The store the configuration names: the data folder (lowdb JSON files, one app) by default.
 * `readOnly` is for the audit export, the doctor and the self-check: no lock, no writes, safe beside
 * the running app.
 */
export async function openStore(
  config: Pick<CoreConfig, 'dataDir' | 'legacyDataFile'>,
  options: { log?: Logger; readOnly?: boolean } = {},
): Promise<RequestStore> {
  if (config.legacyDataFile && !options.readOnly) {
    options.log?.warn('setting_deprecated', {
      setting: 'DATA_FILE',
      use: 'DATA_DIR',
      message: 'DATA_FILE is read for one more release; set DATA_DIR to its folder instead.',
    });
  }
  return openFileStore(config.dataDir, {
    readOnly: options.readOnly,
    ...(config.legacyDataFile ? { legacyDataFile: config.legacyDataFile } : {}),
  });
}
