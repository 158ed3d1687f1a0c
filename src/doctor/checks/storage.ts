import { randomBytes } from 'node:crypto';
import { open, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { CoreConfig } from '../../config.js';
import { IGNORED_DATA_FILE_FIX, dataFileIgnoredLine } from '../../config/known-settings.js';
import { plural } from '../../slack/format.js';
import { StoreError } from '../../store/errors.js';
import { openStore } from '../../store/open-store.js';
import { failed, passed, skipped, warned, type CheckResult } from '../result.js';
import { checkDatabase } from './database.js';

/** Where the requests are kept: the PostgreSQL database, or the data folder and what is in it. */
export async function checkStorage(core: CoreConfig): Promise<CheckResult[]> {
  if (core.databaseUrl) return [await checkDatabase(core.databaseUrl)];
  return checkDataFolderAndStore(core.dataDir, core.dataFileIgnored ?? false);
}

const FILE_MODE = 0o600;

/** The nearest folder that exists on the way up to `folder` (the app creates the rest on first write). */
async function nearestExisting(folder: string): Promise<{ path: string; isDirectory: boolean }> {
  for (let current = resolve(folder); ; current = dirname(current)) {
    try {
      const info = await stat(current);
      return { path: current, isDirectory: info.isDirectory() };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // ENOTDIR: something on the way is a file; keep climbing to find it.
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(current) === current) throw err;
    }
  }
}

/** System folders that hold no files of ours: giving "write access" to them is never the fix. */
const SYSTEM_FOLDER = /^\/(proc|sys|dev)(\/|$)/;
const ELSEWHERE = 'set DATA_DIR to a folder lp-delete can write, e.g. ./data';

/** Why no file can be created in `existing` (on the way to `folder`), and the one fix that applies. */
function unwritable(folder: string, existing: string, code = 'error'): { detail: string; fix: string } {
  const on = existing === folder ? existing : `${existing} (on the way to ${folder})`;
  if (SYSTEM_FOLDER.test(existing)) {
    return {
      detail: `${existing} is a system folder: ${folder} cannot be made there (${code})`,
      fix: ELSEWHERE,
    };
  }
  if (code === 'EROFS') return { detail: `${on} is on a read-only file system (EROFS)`, fix: ELSEWHERE };
  if (code === 'EACCES' || code === 'EPERM') {
    return {
      detail: `cannot create files in ${on} (${code})`,
      fix: `give the user running lp-delete write access to ${existing}, or set DATA_DIR elsewhere`,
    };
  }
  return { detail: `cannot create files in ${on} (${code})`, fix: ELSEWHERE };
}

export async function checkDataFolder(dataDir: string): Promise<CheckResult> {
  const name = 'data folder';
  const folder = resolve(dataDir);
  let existing;
  try {
    existing = await nearestExisting(folder);
  } catch (err) {
    return failed(
      name,
      `${folder} cannot be examined (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      `check the permissions on ${folder}, or set DATA_DIR to a folder lp-delete can write`,
    );
  }
  if (!existing.isDirectory) {
    return failed(
      name,
      existing.path === folder
        ? `${folder} is a file, not a folder`
        : `${existing.path} is a file, so ${folder} cannot be made`,
      'move it away, or set DATA_DIR to a folder lp-delete can write',
    );
  }
  // Creating a file is the only reliable test: permission bits do not tell about root, ACLs or read-only mounts.
  const probe = join(existing.path, `.lp-delete-doctor-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(probe, 'wx', FILE_MODE);
    await handle.close();
    await rm(probe, { force: true });
  } catch (err) {
    const { detail, fix } = unwritable(folder, existing.path, (err as NodeJS.ErrnoException).code);
    return failed(name, detail, fix);
  }
  const created = existing.path === folder ? '' : ` (${folder} will be created at the first write)`;
  return passed(name, `${existing.path} is writable${created}`);
}

async function checkDataFolderAndStore(dataDir: string, dataFileIgnored: boolean): Promise<CheckResult[]> {
  const folder = await checkDataFolder(dataDir);
  const results: CheckResult[] = [];
  if (dataFileIgnored) {
    results.push(warned('DATA_FILE', dataFileIgnoredLine(dataDir), IGNORED_DATA_FILE_FIX));
  }
  if (!folder.ok) {
    return [...results, folder, skipped('data', 'skipped: fix the data folder first')];
  }
  results.push(folder);
  // Read-only: no lock and no writes, so the doctor can run beside the app.
  try {
    const store = await openStore({ dataDir }, { readOnly: true });
    try {
      const open = await store.listOpen();
      const owed = await store.owedNotices();
      results.push(passed('data', `${dataDir} is valid: ${plural(open.length, 'request')} in play`));
      const stuck = owed.filter((n) => n.attempts > 0);
      if (stuck.length > 0) {
        const errors = [...new Set(stuck.map((n) => n.lastError).filter(Boolean))].join(', ');
        results.push(
          failed(
            'Slack notices',
            `${plural(stuck.length, 'Slack message')} could not be delivered yet (Slack said: ${errors || 'no answer'}); lp-delete keeps trying`,
            "fix what Slack reports (token, the bot's membership of the privacy channel, scopes); lp-delete delivers them without a restart",
          ),
        );
      } else {
        const waiting = owed.length === 0 ? 'none waiting' : `${plural(owed.length, 'message')} on the way`;
        results.push(passed('Slack notices', waiting));
      }
    } finally {
      await store.close();
    }
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    // The store's first sentence says what is wrong; its advice is the fix here, said once.
    results.push(
      failed(
        'data',
        firstSentence(err.message),
        'restore the data folder from your backup (README, "Backups")',
      ),
    );
  }
  const mode = await stat(dataDir).then(
    (info) => info.mode & 0o777,
    () => undefined,
  );
  if (mode !== undefined && (mode & 0o077) !== 0) {
    results.push(
      failed(
        'data folder mode',
        `${dataDir} has mode ${mode.toString(8).padStart(4, '0')}: people other than its owner may read the deletion requests`,
        `chmod 700 ${dataDir}`,
      ),
    );
  } else if (mode !== undefined) {
    results.push(passed('data folder mode', '0700 (owner only)'));
  }
  return results;
}

/** "The data file X cannot be used: it is not valid JSON (cut short…?). lp-delete has not…" → up to the first full stop. */
function firstSentence(message: string): string {
  const end = message.search(/[.?!](\s|$)/);
  return (end > 0 ? message.slice(0, end) : message).replace(/\s*\([^)]*\)\s*$/, '');
}
