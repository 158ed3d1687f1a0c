import { cp, readdir, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { openFileStore } from '../store/lowdb/file-store.js';
import { LOCK_FILE } from '../store/lowdb/folder-lock.js';
import { errorMessage } from '../domain/error-code.js';
import type { LpIo } from './lp-io.js';

export type BackupIo = Pick<LpIo, 'env' | 'stdout' | 'stderr'>;

export const BACKUP_USAGE = `Usage: npm run -s backup -- <destination folder>

Copies the data folder (DATA_DIR, default ./data) to a new folder while the app runs. Every file in the
data folder is replaced whole (never written in place), so the copy is a consistent set; it is then opened
read-only to check that every request in it can be read. To restore: stop lp-delete, put the copy where
DATA_DIR points, start. With DATABASE_URL (PostgreSQL) use pg_dump instead.
`;

/** `npm run -s backup -- <dest>`: a checked copy of the data folder. Exit 0 done, 1 failed, 2 usage. */
export async function runBackup(argv: string[], io: BackupIo): Promise<number> {
  const args = argv.filter((a) => a !== '--');
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(BACKUP_USAGE);
    return 0;
  }
  const [destination, ...extra] = args;
  if (!destination || extra.length > 0 || destination.startsWith('-')) {
    io.stderr.write(`backup: give one destination folder.\n${BACKUP_USAGE}`);
    return 2;
  }
  if (io.env.DATABASE_URL?.trim()) {
    io.stderr.write(
      'backup: DATABASE_URL is set, so the data is in PostgreSQL: back it up with pg_dump (the data folder is not used).\n',
    );
    return 2;
  }
  const source = resolve(io.env.DATA_DIR?.trim() || './data');
  const target = resolve(destination);
  if (target === source || target.startsWith(`${source}/`)) {
    io.stderr.write(`backup: the destination must be outside the data folder ${source}.\n`);
    return 2;
  }
  try {
    await stat(source);
  } catch {
    io.stderr.write(`backup: there is no data folder at ${source}. Set DATA_DIR to the app's data folder.\n`);
    return 1;
  }
  if ((await readdir(target).catch(() => [])).length > 0) {
    io.stderr.write(`backup: ${target} is not empty; give a new or empty folder.\n`);
    return 2;
  }
  try {
    await cp(source, target, {
      recursive: true,
      preserveTimestamps: true,
      // The lock belongs to the running app; temp files are writes in progress (their result is a rename).
      filter: (path) => basename(path) !== LOCK_FILE && !path.endsWith('.tmp'),
    });
    const copy = await openFileStore(target, { readOnly: true });
    let requests = 0;
    for (const month of await copy.months()) requests += (await copy.listMonth(month)).length;
    await copy.close();
    io.stdout.write(`Copied ${source} to ${target}: ${requests} requests, all readable.\n`);
    io.stdout.write(
      `To restore: stop lp-delete, then use ${target} as DATA_DIR (or copy it back), and start.\n`,
    );
    return 0;
  } catch (error) {
    io.stderr.write(`backup: the copy failed: ${errorMessage(error)}\n`);
    return 1;
  }
}
