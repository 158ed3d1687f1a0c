import { constants as fsConstants } from 'node:fs';
import { chmod, copyFile, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Adapter } from 'lowdb';
import type { z } from 'zod';

/** The data file could not be used; the message names the file and what to do. Never overwritten. */
export class StoreError extends Error {
  constructor(
    readonly code: 'STORE_UNREADABLE' | 'STORE_WRITE_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/**
 * A lowdb adapter for one JSON file that:
 * - validates what it reads with zod and refuses (never "repairs") an empty, truncated or hand-broken file;
 * - writes atomically (temp file, fsync, rename) so a crash mid-write leaves the old or the new file, never half;
 * - keeps the previous good file as `<file>.bak`;
 * - keeps the file readable by its owner only (0600), because it holds the ids and reasons of deletion requests.
 */
export class ValidatedJsonFile<T> implements Adapter<T> {
  constructor(
    readonly file: string,
    private readonly schema: z.ZodType<T>,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw this.unreadable(`it could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (text.trim() === '') throw this.unreadable('it is empty (a previous write may have been cut short)');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw this.unreadable('it is not valid JSON (truncated or edited by hand?)');
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first ? `${first.path.join('.') || '(top level)'}: ${first.message}` : 'unknown problem';
      throw this.unreadable(`its content does not match what lp-delete writes (${where})`);
    }
    await chmod(this.file, FILE_MODE).catch(() => undefined);
    return parsed.data;
  }

  async write(data: T): Promise<void> {
    const tmp = `${this.file}.${process.pid}.tmp`;
    await mkdir(dirname(this.file), { recursive: true, mode: DIR_MODE });
    const handle = await open(
      tmp,
      fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC,
      FILE_MODE,
    );
    try {
      await handle.writeFile(JSON.stringify(data));
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await copyFile(this.file, `${this.file}.bak`);
      await chmod(`${this.file}.bak`, FILE_MODE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        await rm(tmp, { force: true });
        throw error;
      }
    }
    await rename(tmp, this.file);
  }

  private unreadable(why: string): StoreError {
    return new StoreError(
      'STORE_UNREADABLE',
      `The data file ${this.file} cannot be used: ${why}. lp-delete has not changed it. ` +
        `Restore it from ${this.file}.bak (the last good copy) or from your backups, or point DATA_FILE ` +
        `elsewhere; only move it away if you accept losing the request history it holds.`,
    );
  }
}
