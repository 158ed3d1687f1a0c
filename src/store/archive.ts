import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { deletionRequestSchema, type DeletionRequest } from '../domain/request.js';
import { errnoCode, StoreError, writeFileAtomic } from './json-file-adapter.js';

/** What the data file knows about one month's archive: enough to notice it lost or changed. */
export const archiveEntrySchema = z.object({
  /** File name inside the archive folder (`<data file>.archive/`). */
  file: z.string().regex(/^\d{4}-\d{2}\.\d+\.json$/),
  count: z.number().int().min(0),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ArchiveEntry = z.infer<typeof archiveEntrySchema>;
/** Month (yyyy-mm of createdAt, UTC) → its archive. */
export const archiveManifestSchema = z.record(z.string(), archiveEntrySchema);
export type ArchiveManifest = z.infer<typeof archiveManifestSchema>;

const archiveFileSchema = z.object({
  version: z.literal(1),
  month: z.string(),
  requests: z.array(deletionRequestSchema),
});

export function archiveFolder(dataFile: string): string {
  return `${dataFile}.archive`;
}

function unreadableArchive(path: string, why: string): StoreError {
  return new StoreError(
    'STORE_UNREADABLE',
    `The archive file ${path} cannot be used: ${why}. lp-delete has not changed it. It holds finished ` +
      'requests of one month (the audit trail): restore it from your backups; the data file lists its ' +
      'expected size and SHA-256 under "archives".',
  );
}

/** Start-up check, cheap: every archive the data file lists exists with the size it was written with. */
export async function checkArchivesPresent(dataFile: string, manifest: ArchiveManifest): Promise<void> {
  for (const entry of Object.values(manifest)) {
    const path = join(archiveFolder(dataFile), entry.file);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (error) {
      throw unreadableArchive(path, `it is missing (${errnoCode(error)})`);
    }
    if (size !== entry.bytes) {
      throw unreadableArchive(path, `its size is ${size} bytes, not the ${entry.bytes} it was written with`);
    }
  }
}

/** Reads one month's archive, checking its size, SHA-256 and content. */
export async function readArchive(
  dataFile: string,
  month: string,
  entry: ArchiveEntry,
): Promise<DeletionRequest[]> {
  const path = join(archiveFolder(dataFile), entry.file);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw unreadableArchive(path, `it could not be read (${errnoCode(error)})`);
  }
  if (bytes.length !== entry.bytes) {
    throw unreadableArchive(
      path,
      `its size is ${bytes.length} bytes, not the ${entry.bytes} it was written with`,
    );
  }
  if (createHash('sha256').update(bytes).digest('hex') !== entry.sha256) {
    throw unreadableArchive(path, 'its content changed since it was written (SHA-256 mismatch)');
  }
  let parsed;
  try {
    parsed = archiveFileSchema.safeParse(JSON.parse(bytes.toString('utf8')));
  } catch {
    throw unreadableArchive(path, 'it is not valid JSON');
  }
  if (!parsed.success || parsed.data.month !== month || parsed.data.requests.length !== entry.count) {
    throw unreadableArchive(path, 'its content does not match what lp-delete writes');
  }
  return parsed.data.requests;
}

/**
 * Writes a month's archive under a new name (`<month>.<seq>.json`, never over the file the manifest
 * points to), so a crash before the manifest is committed leaves the old archive valid.
 */
export async function writeArchive(
  dataFile: string,
  month: string,
  seq: number,
  requests: readonly DeletionRequest[],
): Promise<ArchiveEntry> {
  const file = `${month}.${seq}.json`;
  function* pieces(): Generator<string> {
    yield `{"version":1,"month":${JSON.stringify(month)},"requests":[`;
    let first = true;
    for (const request of requests) {
      yield `${first ? '' : ','}${JSON.stringify(request)}`;
      first = false;
    }
    yield ']}';
  }
  const written = await writeFileAtomic(join(archiveFolder(dataFile), file), pieces(), { backup: false });
  return { file, count: requests.length, bytes: written.bytes, sha256: written.sha256 };
}
