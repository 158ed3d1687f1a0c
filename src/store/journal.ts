import { constants as fsConstants } from 'node:fs';
import { open, readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { deletionRequestSchema } from '../domain/request.js';
import { archiveManifestSchema } from './archive.js';
import { FILE_MODE, StoreError } from './json-file-adapter.js';
import type { RequestChanges } from './draft.js';

/** One committed batch of transactions: the requests it set (or removed: null) and the new top-level data. */
export const journalEntrySchema = z.object({
  seq: z.number().int().min(1),
  requests: z.record(z.string(), deletionRequestSchema.nullable()),
  /** Every top-level key but `requests` (quota, …), when the batch changed any of them. */
  meta: z.record(z.string(), z.unknown()).optional(),
  /** The new archive manifest, when the batch archived requests. */
  archives: archiveManifestSchema.optional(),
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;

/** `<data file>.journal.<first seq>`: appended to, never rewritten; removed once a snapshot holds it. */
export function segmentPath(dataFile: string, firstSeq: number): string {
  return `${dataFile}.journal.${firstSeq}`;
}

export async function listSegments(dataFile: string): Promise<{ path: string; firstSeq: number }[]> {
  const prefix = `${basename(dataFile)}.journal.`;
  let names: string[];
  try {
    names = await readdir(dirname(dataFile));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)))
    .map((n) => ({ path: join(dirname(dataFile), n), firstSeq: Number(n.slice(prefix.length)) }))
    .sort((a, b) => a.firstSeq - b.firstSeq);
}

function unreadableJournal(path: string, why: string): StoreError {
  return new StoreError(
    'STORE_UNREADABLE',
    `The journal file ${path} cannot be used: ${why}. lp-delete has not changed it. It holds the latest ` +
      'changes to the data file: restore it (and the data file) from your backups.',
  );
}

/**
 * The committed entries after `afterSeq`, in order. A last line without its newline is a write that was
 * cut short (the transaction never reported success) and is ignored; any other bad line, or a gap in the
 * sequence, is refused.
 */
export async function readJournal(
  dataFile: string,
  afterSeq: number,
): Promise<{ entries: JournalEntry[]; bytes: number; segments: string[] }> {
  const segments = await listSegments(dataFile);
  const entries: JournalEntry[] = [];
  let expected = afterSeq + 1;
  let bytes = 0;
  for (const segment of segments) {
    const text = await readFile(segment.path, 'utf8');
    bytes += text.length;
    const lines = text.split('\n');
    lines.pop(); // '' after the last newline, or a cut-short write
    for (const [i, line] of lines.entries()) {
      let entry: JournalEntry;
      try {
        const parsed = journalEntrySchema.safeParse(JSON.parse(line));
        if (!parsed.success) throw new Error('shape');
        entry = parsed.data;
      } catch {
        throw unreadableJournal(segment.path, `line ${i + 1} is not what lp-delete writes`);
      }
      if (entry.seq <= afterSeq) continue;
      if (entry.seq !== expected) {
        throw unreadableJournal(segment.path, `changes ${expected}…${entry.seq - 1} are missing`);
      }
      entries.push(entry);
      expected += 1;
    }
  }
  return { entries, bytes, segments: segments.map((s) => s.path) };
}

/** The journal line for one batch, built from JSON already computed when the batch was checked. */
export function journalLine(
  seq: number,
  requests: RequestChanges,
  metaJson: string | undefined,
  archivesJson?: string,
): string {
  const parts = [`"seq":${seq}`];
  const reqs: string[] = [];
  for (const [id, json] of requests) reqs.push(`${JSON.stringify(id)}:${json ?? 'null'}`);
  parts.push(`"requests":{${reqs.join(',')}}`);
  if (metaJson !== undefined) parts.push(`"meta":${metaJson}`);
  if (archivesJson !== undefined) parts.push(`"archives":${archivesJson}`);
  return `{${parts.join(',')}}\n`;
}

/**
 * Appends one line and fsyncs. The file is opened for each append (so a vanished folder fails the
 * write instead of writing into an unlinked file), and cut back to `validBytes` first when an earlier
 * append failed half-way.
 */
export async function appendLine(path: string, line: string, validBytes: number): Promise<number> {
  const handle = await open(path, fsConstants.O_WRONLY | fsConstants.O_CREAT, FILE_MODE);
  try {
    const { size } = await handle.stat();
    if (size < validBytes) throw new Error(`${path} is shorter than what was written to it`);
    if (size > validBytes) await handle.truncate(validBytes);
    const data = Buffer.from(line, 'utf8');
    await handle.write(data, 0, data.length, validBytes);
    await handle.sync();
    return data.length;
  } finally {
    await handle.close();
  }
}

export async function removeSegments(paths: readonly string[]): Promise<void> {
  for (const path of paths) await rm(path, { force: true });
}
