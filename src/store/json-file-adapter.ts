import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { chmod, copyFile, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

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

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;
/**
 * Writes are handed to the disk in pieces of about this many characters; between two pieces the event
 * loop runs, so serialising a large file never blocks it for long (a piece costs a few milliseconds).
 */
const PIECE_CHARS = 256 * 1024;

export function errnoCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}

/** Reads a whole file as text; `null` when it does not exist. */
export async function readTextOrNull(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
}

export interface AtomicWriteResult {
  bytes: number;
  sha256: string;
}

/**
 * Writes `file` atomically and owner-only: the text (produced piece by piece, see PIECE_CHARS) goes to a
 * temp file which is fsynced and renamed over `file`, so a crash leaves the old or the new file, never
 * half of one. With `backup`, the previous file is kept as `<file>.bak` (0600) first.
 */
export async function writeFileAtomic(
  file: string,
  pieces: Iterable<string>,
  options: { backup: boolean },
): Promise<AtomicWriteResult> {
  const tmp = `${file}.${process.pid}.tmp`;
  await mkdir(dirname(file), { recursive: true, mode: DIR_MODE });
  const handle = await open(tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC, FILE_MODE);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    let buffer: string[] = [];
    let size = 0;
    const drain = async () => {
      const chunk = Buffer.from(buffer.join(''), 'utf8');
      buffer = [];
      size = 0;
      hash.update(chunk);
      bytes += chunk.length;
      await handle.write(chunk);
    };
    for (const piece of pieces) {
      buffer.push(piece);
      size += piece.length;
      if (size >= PIECE_CHARS) await drain();
    }
    if (size > 0) await drain();
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw error;
  }
  await handle.close();
  if (options.backup) {
    try {
      await copyFile(file, `${file}.bak`);
      await chmod(`${file}.bak`, FILE_MODE);
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') {
        await rm(tmp, { force: true });
        throw error;
      }
    }
  }
  await rename(tmp, file);
  return { bytes, sha256: hash.digest('hex') };
}

/** `"key":value` pieces of a JSON object, so a large record is serialised one entry at a time. */
export function* jsonObjectPieces(entries: Iterable<readonly [string, string]>): Generator<string> {
  let first = true;
  yield '{';
  for (const [key, json] of entries) {
    yield `${first ? '' : ','}${JSON.stringify(key)}:${json}`;
    first = false;
  }
  yield '}';
}

/** Writes nothing but tightens the mode of an existing file (a file restored by hand may be 0644). */
export async function tightenMode(file: string): Promise<void> {
  await chmod(file, FILE_MODE).catch(() => undefined);
}
