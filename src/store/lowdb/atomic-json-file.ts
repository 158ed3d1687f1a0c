import * as cb from 'node:fs';
import { constants as fs } from 'node:fs';
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Adapter } from 'lowdb';
import type { z } from 'zod';
import { errorCode } from '../../domain/error-code.js';
import { StoreError } from '../errors.js';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

let tmpCounter = 0;

/*
 * The write path uses plain file descriptors through node:fs's callback API rather than fs/promises
 * FileHandles: a FileHandle adds its own promise, close tracking and transfer machinery to every open,
 * write and close, which made up most of the store's CPU in a whole flow (profile in docs/benchmarks.md).
 */
const openFd = promisify(cb.open);
const writeFd = promisify(cb.write);
const fsyncFd = promisify(cb.fsync);
const closeFd = promisify(cb.close);
const renameFile = promisify(cb.rename);
const linkFile = promisify(cb.link);
const unlinkFile = promisify(cb.unlink);
/** Where hard links are not supported, a no-replace write falls back to a rename (the lock still fences it). */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP']);

/** fsyncs a folder, so a rename or unlink in it survives a power cut. */
export async function syncFolder(folder: string): Promise<void> {
  const fd = await openFd(folder, fs.O_RDONLY);
  try {
    await fsyncFd(fd);
  } finally {
    await closeFd(fd);
  }
}

/** Writes all of `data` at the descriptor's position (a write may take less than asked). */
async function writeAll(fd: number, data: Buffer): Promise<void> {
  for (let offset = 0; offset < data.length;) {
    offset += (await writeFd(fd, data, offset, data.length - offset, null)).bytesWritten;
  }
}

/** Creates `folder` owner-only (0700) if missing. */
export async function ensureFolder(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true, mode: DIR_MODE });
}

/** Creates the data folder owner-only if missing and checks it can be written. Throws StoreError with what to do. */
export async function ensureWritableFolder(folder: string): Promise<void> {
  try {
    await ensureFolder(folder);
    await chmod(folder, DIR_MODE).catch(() => undefined); // one restored by hand may be 0755
    // Can we write here at all? A probe file says so now rather than at the first request.
    await writeFileAtomic(join(folder, '.write-check'), '{}');
    await rm(join(folder, '.write-check'), { force: true });
  } catch (error) {
    throw new StoreError(
      'STORE_WRITE_FAILED',
      `lp-delete cannot write to its data folder ${folder} (${error instanceof StoreError ? error.message.replace(/^.*: /, '').replace(/\..*$/, '') : errorCode(error)}). ` +
        'Create it and make it writable by the user running lp-delete, or set DATA_DIR to a folder that is.',
    );
  }
}

/**
 * Writes `text` to `file` atomically and owner-only: a temp file in the same folder is written, fsynced
 * and renamed over `file`, then the folder is fsynced. A crash leaves the old or the new file, never half
 * of one, so a copy of the folder taken at any moment is a consistent set of whole files.
 */
export async function writeFileAtomic(
  file: string,
  text: string,
  options: { noReplace?: boolean } = {},
): Promise<void> {
  const folder = dirname(file);
  const tmp = `${file}.${process.pid}.${(tmpCounter += 1)}.tmp`;
  try {
    // The folder almost always exists: create it only when opening says it is missing (a mkdir on every
    // write was 3 % of the app's CPU in a whole flow).
    const create = () => openFd(tmp, fs.O_WRONLY | fs.O_CREAT | fs.O_EXCL, FILE_MODE);
    const fd = await create().catch(async (error: unknown) => {
      if (errorCode(error) !== 'ENOENT') throw error;
      await ensureFolder(folder);
      return create();
    });
    try {
      await writeAll(fd, Buffer.from(text, 'utf8'));
      await fsyncFd(fd);
    } finally {
      await closeFd(fd);
    }
    if (options.noReplace) await linkInPlace(tmp, file);
    else await renameFile(tmp, file);
    await syncFolder(folder);
  } catch (error) {
    if (error instanceof StoreError) throw error;
    await rm(tmp, { force: true }).catch(() => undefined);
    throw writeFailed(file, error);
  }
}

/** Puts `tmp` at `file` unless `file` exists (a hard link fails then; a rename would replace it). */
async function linkInPlace(tmp: string, file: string): Promise<void> {
  try {
    await linkFile(tmp, file);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw new StoreError(
        'STORE_WRITE_FAILED',
        `lp-delete did not save ${file}: a file of that name already exists (another lp-delete writing to the same folder?). Nothing was changed.`,
      );
    }
    if (!NO_LINKS.has(errorCode(error))) throw error;
    await renameFile(tmp, file);
    return;
  }
  await unlinkFile(tmp);
}

export function writeFailed(file: string, error: unknown): StoreError {
  const code = errorCode(error);
  const why =
    code === 'ENOSPC'
      ? 'the disk is full'
      : code === 'EACCES' || code === 'EPERM'
        ? 'lp-delete may not write there'
        : code === 'EROFS'
          ? 'the file system is read-only'
          : `the system said ${code}`;
  return new StoreError(
    'STORE_WRITE_FAILED',
    `lp-delete could not save ${file}: ${why}. Nothing was changed; free space or fix the permissions and try again.`,
  );
}

export function unreadable(file: string, why: string, fix?: string): StoreError {
  return new StoreError(
    'STORE_UNREADABLE',
    `The data file ${file} cannot be used: ${why}. lp-delete has not changed it. ` +
      (fix ??
        'Restore the data folder from your backup (see README, "Backups"), or move this file away only if you accept losing what it holds.'),
  );
}

/**
 * lowdb's adapter for one small JSON file: validated with zod on read (a file that does not match stops
 * start-up and is never overwritten), written atomically (see writeFileAtomic).
 */
export class AtomicJsonFile<T> implements Adapter<T> {
  constructor(
    readonly file: string,
    private readonly schema: z.ZodType<T>,
  ) {}

  async read(): Promise<T | null> {
    return (await readDocument(this.file, this.schema)) ?? null;
  }

  async write(data: T): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify(data));
  }
}

/** `file` read through `schema`; undefined when there is no such file. */
export async function readDocument<T>(file: string, schema: z.ZodType<T>): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw unreadable(file, `it could not be read (${errorCode(error)})`);
  }
  return parseDocument(file, text, schema);
}

export function parseDocument<T>(file: string, text: string, schema: z.ZodType<T>): T {
  if (text.trim() === '') throw unreadable(file, 'it is empty');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw unreadable(file, 'it is not valid JSON (cut short, or edited by hand?)');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw unreadable(
      file,
      `its content does not match what lp-delete writes (${issue ? `${issue.path.join('.') || 'top level'}: ${issue.message}` : 'unknown problem'})`,
    );
  }
  return parsed.data;
}
