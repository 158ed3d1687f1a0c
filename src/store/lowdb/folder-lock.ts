import { randomUUID } from 'node:crypto';
import { constants as fs } from 'node:fs';
import { mkdir, open, readdir, readFile, readlink, rm, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { errorCode } from '../../domain/error-code.js';
import { StoreError } from '../errors.js';
import { DIR_MODE, FILE_MODE, syncFolder } from './atomic-json-file.js';

/** A folder: one file per holder, named by its generation; the highest one holds the data folder. */
export const LOCK_FILE = 'lp-delete.lock';

/** How long a holder that stopped touching its file keeps the folder (a paused or dead process). */
export const DEFAULT_STALE_MS = 30_000;

/*
 * One writer per data folder, for sure. Each holder is a generation: `lp-delete.lock/0000000007.json`,
 * created with O_EXCL, so of any number of processes racing for the next generation exactly one gets it
 * (and a racer that looked before an older generation was tidied away sees a higher one when it reads
 * the folder again, and backs out). The file names a random instance id (host names and pids repeat:
 * two containers are both pid 1 on the same host name); the holder touches it every sixth of the
 * staleness time, and the next start takes over one untouched for the staleness time, or at once one
 * whose process is known gone (same machine and PID namespace, pid not running) or that was released
 * (dated 1970).
 * Before every write the holder checks that its generation is still the highest: one that was paused
 * and taken over writes nothing more and says so through `onLost`.
 *
 * Not proper-lockfile (rejected in issue 25): it takes a stale lock over by deleting and re-creating it,
 * so a racer that saw the same stale lock deletes the one just taken (two holders), and it knows its
 * holder only in memory, so it cannot fence a paused one.
 */

interface Holder {
  instance: string;
  host: string;
  pid: number;
  since: string;
  /** The machine's boot and this process's PID namespace: when both match ours, the pid can be asked. */
  bootId?: string;
  pidNs?: string;
}

export interface FolderLockOptions {
  staleMs?: number;
  /** Told once, with one line for a person, when another instance took the folder over. */
  onLost?: (message: string) => void;
}

export interface FolderLock {
  readonly instance: string;
  /** Resolves while this instance holds the folder; else rejects (and stays lost). Call before each write. */
  assertHeld(): Promise<void>;
  /** Gives the folder up (only while this instance holds it): the next start takes it at once. */
  release(): Promise<void>;
}

/** Folders this process holds: a second open in the same process is refused like any other. */
const heldHere = new Set<string>();

const GENERATION = /^(\d{10})\.json$/;
const name = (generation: number) => `${String(generation).padStart(10, '0')}.json`;

export async function acquireFolderLock(
  folder: string,
  options: FolderLockOptions = {},
): Promise<FolderLock> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const dir = join(folder, LOCK_FILE);
  const me: Holder = {
    instance: randomUUID(),
    host: hostname(),
    pid: process.pid,
    since: new Date().toISOString(),
    ...(await machine()),
  };
  if (heldHere.has(resolve(folder))) throw lockedBy(folder, { ...me, since: 'earlier' }, staleMs);
  await refuseOldVersion(folder, dir);
  await mkdir(dir, { recursive: true, mode: DIR_MODE }).catch((error: unknown) => {
    throw cannotLock(dir, error);
  });
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const newest = (await generations(dir)).at(-1);
    if (newest !== undefined) {
      const file = join(dir, name(newest));
      const [holder, touched] = await Promise.all([readHolder(file), stat(file).catch(() => undefined)]);
      if (!touched) continue; // tidied away meanwhile: look again
      if (!gone(holder, touched.mtimeMs, staleMs, me)) throw lockedBy(folder, holder, staleMs);
    }
    const generation = (newest ?? 0) + 1;
    if (!(await createExclusive(join(dir, name(generation)), me))) continue; // another racer took it
    await syncFolder(dir);
    const after = await generations(dir);
    if (after.at(-1) !== generation) {
      await rm(join(dir, name(generation)), { force: true });
      continue;
    }
    for (const older of after) if (older < generation) await rm(join(dir, name(older)), { force: true });
    heldHere.add(resolve(folder));
    return holding(folder, dir, generation, me, staleMs, options.onLost);
  }
  throw new StoreError('STORE_LOCKED', `lp-delete could not take the lock ${dir}; try again.`);
}

function holding(
  folder: string,
  dir: string,
  generation: number,
  me: Holder,
  staleMs: number,
  onLost: ((message: string) => void) | undefined,
): FolderLock {
  const file = join(dir, name(generation));
  let lost: StoreError | undefined;
  let released = false;
  const lose = async (): Promise<StoreError> => {
    if (lost) return lost;
    const newest = (await generations(dir).catch(() => [])).at(-1);
    const other = newest === undefined ? undefined : await readHolder(join(dir, name(newest)));
    lost = new StoreError(
      'STORE_WRITE_FAILED',
      `lp-delete stopped writing to the data folder ${folder}: ${other ? `another lp-delete (${describe(other)})` : 'another process'} took it over after this one went silent for over ${Math.round(staleMs / 1000)} s (paused, or its disk stalled). This one saved nothing more and stops; the other carries on.`,
    );
    clearInterval(heartbeat);
    heldHere.delete(resolve(folder));
    onLost?.(lost.message);
    return lost;
  };
  const assertHeld = async (): Promise<void> => {
    if (lost) throw lost;
    if (released) throw new StoreError('STORE_WRITE_FAILED', 'lp-delete is stopping; nothing was saved.');
    if ((await generations(dir).catch(() => [])).at(-1) !== generation) throw await lose();
  };
  const heartbeat = setInterval(
    () => {
      assertHeld()
        .then(() => {
          const now = new Date();
          return utimes(file, now, now);
        })
        .catch(() => undefined);
    },
    Math.max(50, staleMs / 6),
  );
  heartbeat.unref();
  return {
    instance: me.instance,
    assertHeld,
    async release() {
      if (released || lost) return;
      const mine = (await generations(dir).catch(() => [])).at(-1) === generation;
      released = true;
      clearInterval(heartbeat);
      heldHere.delete(resolve(folder));
      // Only the holder gives it up. The file stays, so generations keep counting up; dated 1970 it is
      // stale at once (a change of its times needs no free space, unlike rewriting it).
      if (mine) await utimes(file, 0, 0).catch(() => undefined);
    },
  };
}

/** Whether the newest holder no longer holds: untouched for `staleMs` (or released), or its process is gone. */
function gone(holder: Holder | undefined, touchedMs: number, staleMs: number, me: Holder): boolean {
  if (Date.now() - touchedMs >= staleMs) return true;
  // Unreadable (a holder still writing it, or one that crashed while writing): wait for staleness.
  if (!holder?.bootId || holder.bootId !== me.bootId || holder.pidNs !== me.pidNs) return false;
  return holder.pid === me.pid || !isAlive(holder.pid);
}

/** The generations in the lock folder, oldest first. */
async function generations(dir: string): Promise<number[]> {
  const names = await readdir(dir);
  return names
    .map((n) => GENERATION.exec(n)?.[1])
    .filter((g): g is string => g !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** Creates `file` holding `holder` unless it exists (false then). */
async function createExclusive(file: string, holder: Holder): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, fs.O_WRONLY | fs.O_CREAT | fs.O_EXCL, FILE_MODE);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw cannotLock(file, error);
  }
  try {
    await handle.writeFile(JSON.stringify(holder));
    await handle.sync();
  } catch (error) {
    // A full disk: an empty holder file would keep every start out for the staleness time.
    await handle.close();
    await rm(file, { force: true });
    throw cannotLock(file, error);
  }
  await handle.close();
  return true;
}

async function readHolder(file: string): Promise<Holder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<Holder>;
    if (
      typeof parsed.instance === 'string' &&
      typeof parsed.pid === 'number' &&
      typeof parsed.host === 'string'
    )
      return { since: 'unknown', ...parsed } as Holder;
  } catch {
    // being written, or cut short by a crash: judged by its age
  }
  return undefined;
}

/**
 * lp-delete before this version kept a plain file `lp-delete.lock`, touched every 10 s: one touched in
 * the last minute is a running app, unless it names a pid of this host that no longer runs (its rule).
 */
async function refuseOldVersion(folder: string, path: string): Promise<void> {
  const found = await stat(path).catch(() => undefined);
  if (!found?.isFile()) return;
  const old = JSON.parse(await readFile(path, 'utf8').catch(() => '{}')) as { pid?: number; host?: string };
  const dead = old.host === hostname() && typeof old.pid === 'number' && !isAlive(old.pid);
  if (!dead && Date.now() - found.mtimeMs < 60_000) {
    throw lockedBy(
      folder,
      {
        instance: 'an older version',
        pid: old.pid ?? 0,
        host: old.host ?? 'unknown host',
        since: 'unknown',
      },
      60_000,
    );
  }
  await unlink(path).catch(() => undefined); // a racer may have removed it (or made the folder) first
}

async function machine(): Promise<Pick<Holder, 'bootId' | 'pidNs'>> {
  try {
    const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    return { bootId, pidNs: await readlink('/proc/self/ns/pid') };
  } catch {
    return {}; // not Linux: staleness alone decides
  }
}

function describe(holder: Holder): string {
  return `process ${holder.pid} on ${holder.host}, since ${holder.since}`;
}

function lockedBy(folder: string, holder: Holder | undefined, staleMs: number): StoreError {
  return new StoreError(
    'STORE_LOCKED',
    `Another lp-delete (${holder ? describe(holder) : 'one that is starting'}) is using the data folder ${folder}. ` +
      `One app owns a data folder: stop the other one first (one that crashed or hangs is taken over ${Math.round(staleMs / 1000)} s after its last sign of life). ` +
      'To run several replicas, use the PostgreSQL store (set DATABASE_URL).',
  );
}

function cannotLock(path: string, error: unknown): StoreError {
  return new StoreError(
    'STORE_WRITE_FAILED',
    `lp-delete could not create its lock ${path} (${errorCode(error)}). Check that the data folder exists and is writable by this user.`,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}
