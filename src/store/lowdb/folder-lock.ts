import { constants as fs } from 'node:fs';
import { open, readFile, rm, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { errorCode } from '../../domain/error-code.js';
import { StoreError } from '../errors.js';
import { FILE_MODE } from './atomic-json-file.js';

export const LOCK_FILE = 'lp-delete.lock';

interface Holder {
  pid: number;
  host: string;
  since: string;
}

/**
 * One app per data folder: `lp-delete.lock` is created with O_EXCL and names the holder, who touches it
 * every HEARTBEAT_MS. A lock left by a process that is gone is taken over: on the same host when its pid
 * no longer runs (or is our own pid: a container restarted), from another host (a shared volume, a new
 * container) when it has not been touched for STALE_AFTER_MS. One held by a live process is not.
 */
const HEARTBEAT_MS = 10_000;
const STALE_AFTER_MS = 60_000;

/** Folders this process holds: a second open in the same process is refused like any other. */
const heldHere = new Set<string>();

export async function acquireFolderLock(folder: string): Promise<() => Promise<void>> {
  const path = join(folder, LOCK_FILE);
  if (heldHere.has(resolve(folder)))
    throw lockedBy(folder, { pid: process.pid, host: hostname(), since: 'earlier' });
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const handle = await open(path, fs.O_WRONLY | fs.O_CREAT | fs.O_EXCL, FILE_MODE);
      try {
        await handle.writeFile(JSON.stringify(me));
        await handle.sync();
      } finally {
        await handle.close();
      }
      heldHere.add(resolve(folder));
      let released = false;
      const heartbeat = setInterval(() => {
        const now = new Date();
        void utimes(path, now, now).catch(() => undefined);
      }, HEARTBEAT_MS);
      heartbeat.unref();
      return async () => {
        if (released) return;
        released = true;
        clearInterval(heartbeat);
        heldHere.delete(resolve(folder));
        await rm(path, { force: true });
      };
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') {
        throw new StoreError(
          'STORE_WRITE_FAILED',
          `lp-delete could not create its lock file ${path} (${errorCode(error)}). Check that the data folder exists and is writable by this user.`,
        );
      }
    }
    const holder = await readHolder(path);
    if (holder && (await heldByOther(path, holder, me))) throw lockedBy(folder, holder);
    // Left by a process that is gone (or unreadable: a crash while it was written): take it over.
    await rm(path, { force: true });
  }
  throw new StoreError('STORE_LOCKED', `lp-delete could not take the lock ${path}; try again.`);
}

function lockedBy(folder: string, holder: Holder): StoreError {
  return new StoreError(
    'STORE_LOCKED',
    `Another lp-delete (process ${holder.pid} on ${holder.host}, since ${holder.since}) is using the data folder ${folder}. ` +
      'One app owns a data folder: stop the other one first. To run several replicas, use the PostgreSQL store (set DATABASE_URL).',
  );
}

async function readHolder(path: string): Promise<Holder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<Holder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
      return { pid: parsed.pid, host: parsed.host, since: parsed.since ?? 'unknown' };
    }
  } catch {
    // unreadable → treated as stale
  }
  return undefined;
}

async function heldByOther(path: string, holder: Holder, me: Holder): Promise<boolean> {
  if (holder.host === me.host) return holder.pid !== me.pid && isAlive(holder.pid);
  try {
    return Date.now() - (await stat(path)).mtimeMs < STALE_AFTER_MS;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}
