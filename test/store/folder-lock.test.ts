import { mkdir, mkdtemp, readdir, readFile, readlink, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireFolderLock, LOCK_FILE, type FolderLock } from '../../src/store/lowdb/folder-lock.js';
import { openFileStore, type FileStore } from '../../src/store/lowdb/file-store.js';
import { aRequest } from './contract.js';

const MONTH = '2026-12';
const folders: string[] = [];
const held: (FolderLock | FileStore)[] = [];
afterEach(async () => {
  for (const h of held.splice(0)) await ('release' in h ? h.release() : h.close()).catch(() => undefined);
  await Promise.all(folders.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lp-delete-lock-'));
  folders.push(dir);
  return dir;
}

/** What another lp-delete leaves: generation `n` naming it, last touched `ageMs` ago. */
async function otherHolder(dir: string, n: number, ageMs: number, extra: Record<string, unknown> = {}) {
  await mkdir(join(dir, LOCK_FILE), { recursive: true });
  const file = join(dir, LOCK_FILE, `${String(n).padStart(10, '0')}.json`);
  await writeFile(
    file,
    JSON.stringify({
      instance: 'other',
      host: 'other-host',
      pid: 1,
      since: '2026-12-01T00:00:00Z',
      ...extra,
    }),
  );
  const at = new Date(Date.now() - ageMs);
  await utimes(file, at, at);
}

describe('the data folder lock', () => {
  it('a holder that stopped touching its lock is taken over after the staleness time, not before', async () => {
    const dir = await folder();
    await otherHolder(dir, 1, 200);
    await expect(acquireFolderLock(dir, { staleMs: 1_000 })).rejects.toThrow(
      /Another lp-delete \(process 1 on other-host, since .*\) is using the data folder .* taken over 1 s after its last sign of life/,
    );
    await otherHolder(dir, 1, 1_500);
    const lock = await acquireFolderLock(dir, { staleMs: 1_000 });
    held.push(lock);
    expect(await readdir(join(dir, LOCK_FILE))).toEqual(['0000000002.json']);
    const mine = JSON.parse(await readFile(join(dir, LOCK_FILE, '0000000002.json'), 'utf8')) as {
      instance: string;
    };
    expect(mine.instance).toBe(lock.instance);
    await expect(lock.assertHeld()).resolves.toBeUndefined();
  });

  it('same host name and pid is not enough to be "us": only the same machine and PID namespace with the pid gone', async () => {
    const dir = await folder();
    // A fresh lock of another container that is also pid 1 on this host name: held.
    await otherHolder(dir, 1, 0, { host: (await import('node:os')).hostname(), pid: process.pid });
    await expect(acquireFolderLock(dir)).rejects.toThrow(/is using the data folder/);
    // This machine, this PID namespace, a pid that no longer runs: gone at once.
    const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    await otherHolder(dir, 1, 0, {
      pid: 2 ** 22 + 12345,
      bootId,
      pidNs: await readlink('/proc/self/ns/pid'),
    });
    held.push(await acquireFolderLock(dir));
  });

  it('a holder taken over saves nothing more, and says so once', async () => {
    const dir = await folder();
    const said: string[] = [];
    const store = await openFileStore(dir, { lock: { onLost: (line) => said.push(line) } });
    held.push(store);
    const first = await store.create(MONTH, (id) => aRequest(id));
    // Another instance takes the folder over (what it does after this one was paused past staleness).
    await otherHolder(dir, 2, 0);
    await expect(store.create(MONTH, (id) => aRequest(id))).rejects.toMatchObject({
      code: 'STORE_WRITE_FAILED',
      message: expect.stringMatching(
        /stopped writing to the data folder .*another lp-delete \(process 1 on other-host.*\) took it over/,
      ),
    });
    await expect(
      store.update(first.id, (r) => ({ value: undefined, request: { ...r!, reason: 'changed' } })),
    ).rejects.toThrow(/took it over/);
    expect(said).toHaveLength(1);
    expect(await readdir(join(dir, 'open'))).toEqual([`${first.id}.json`]);
    expect((await openFileStore(dir, { readOnly: true }).then((r) => r.get(first.id)))?.reason).toBe('DSR-1');
    // Its close leaves the other's lock alone.
    await store.close();
    expect(await readdir(join(dir, LOCK_FILE))).toContain('0000000002.json');
  });

  it('a new request never replaces a file of the same id', async () => {
    const dir = await folder();
    const store = await openFileStore(dir);
    held.push(store);
    // A file the store did not know of (another writer's, were there one) holds the next number.
    await mkdir(join(dir, 'open'), { recursive: true });
    const theirs = JSON.stringify({
      version: 1,
      request: aRequest(`DR-${MONTH}-0001`, { reason: 'theirs' }),
      notices: [],
      nextSeq: 1,
    });
    await writeFile(join(dir, 'open', `DR-${MONTH}-0001.json`), theirs);
    await expect(store.create(MONTH, (id) => aRequest(id))).rejects.toThrow(/already exists/);
    expect(await readFile(join(dir, 'open', `DR-${MONTH}-0001.json`), 'utf8')).toBe(theirs);
  });
});
