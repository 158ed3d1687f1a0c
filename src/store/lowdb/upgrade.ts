import { mkdir, readdir, readFile, rename, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { ChannelNotice, QueuedNotice, RequestNotice } from '../../domain/notices.js';
import { deletionRequestSchema, type DeletionRequest } from '../../domain/request.js';
import { isFinished } from '../port.js';
import { errorCode } from '../../domain/error-code.js';
import { StoreError } from '../errors.js';
import { DIR_MODE, syncFolder, writeFileAtomic } from './atomic-json-file.js';

/*
 * Converts a data folder written by lp-delete 0.1 (a snapshot `lp-delete.json`, its `.journal.<n>` files,
 * `.archive/<yyyy-mm>.<n>.json` month archives and `lp-delete.outbox.json`) into the file-per-request
 * layout, once, at the first start. The old files are only read; when every new file is written (store.json
 * last), they are moved into `old-layout-backup-<time>/` beside the new files. A crash half-way leaves the
 * old files in place and the conversion simply runs again at the next start.
 */

const oldMonthSchema = z
  .object({
    used: z.number().optional(),
    spentAt: z.string().optional(),
    livePerson: z.object({ total: z.number(), external: z.number(), syncedAt: z.string() }).optional(),
    alertsSent: z.record(z.string(), z.string()).optional(),
  })
  .loose();
const oldSnapshotSchema = z.object({
  version: z.literal(1),
  requests: z.record(z.string(), deletionRequestSchema),
  quota: z.record(z.string(), z.record(z.string(), oldMonthSchema)),
  seq: z.number().optional(),
  archives: z.record(z.string(), z.object({ file: z.string() }).loose()).optional(),
});
const oldJournalSchema = z.object({
  seq: z.number(),
  requests: z.record(z.string(), deletionRequestSchema.nullable()),
  meta: z.record(z.string(), z.unknown()).optional(),
  archives: z.record(z.string(), z.object({ file: z.string() }).loose()).optional(),
});
const oldArchiveSchema = z.object({ requests: z.array(deletionRequestSchema) }).loose();
const oldOutboxItemSchema = z.object({
  requestId: z.string(),
  op: z.string(),
  args: z.array(z.unknown()),
  attempts: z.number().optional(),
});
const oldOutboxSchema = z.object({
  items: z.array(oldOutboxItemSchema),
  dead: z.array(oldOutboxItemSchema).optional(),
});

/** The default name of the old data file inside the data folder. */
export const OLD_DATA_FILE = 'lp-delete.json';

export async function upgradeOldLayout(folder: string, legacyDataFile?: string): Promise<void> {
  const dataFile = legacyDataFile ?? join(folder, OLD_DATA_FILE);
  const old = await oldFiles(dataFile);
  if (old.length === 0) return;
  if (await exists(join(folder, 'store.json'))) {
    // Converted, but stopped before the old files were put away.
    await moveToBackup(folder, old);
    return;
  }
  const { requests, quota, outbox } = await readOldLayout(dataFile);
  const legacyIds: Record<string, string> = {};
  const noticesByRequest = new Map<string, RequestNotice[]>();
  const channelNotices: ChannelNotice[] = [];
  for (const item of outbox) {
    const notice = convertItem(item.op, item.args);
    if (!notice) continue;
    if (notice.kind === 'quota_alert') channelNotices.push(notice);
    else noticesByRequest.set(item.requestId, [...(noticesByRequest.get(item.requestId) ?? []), notice]);
  }
  const at = new Date().toISOString();
  const queue = (notices: (RequestNotice | ChannelNotice)[]): QueuedNotice[] =>
    notices.map((notice, i) => ({ seq: i + 1, notice, queuedAt: at, attempts: 0, nextAttemptAt: at }));
  for (const request of requests.values()) {
    const month = request.createdAt.slice(0, 7);
    legacyIds[request.id] = month;
    const notices = queue(noticesByRequest.get(request.id) ?? []);
    const place = isFinished(request) && notices.length === 0 ? month : 'open';
    const doc = { version: 1, request, notices, nextSeq: notices.length + 1 };
    await writeFileAtomic(join(folder, place, `${request.id}.json`), JSON.stringify(doc));
  }
  const accounts: Record<string, Record<string, unknown>> = {};
  for (const [account, months] of Object.entries(quota)) {
    for (const [month, usage] of Object.entries(months)) {
      (accounts[account] ??= {})[month] = {
        alertsSent: usage.alertsSent ?? {},
        ...(usage.livePerson ? { livePerson: usage.livePerson } : {}),
        ...(usage.spentAt ? { spentAt: usage.spentAt } : {}),
      };
    }
  }
  const channel = queue(channelNotices);
  await writeFileAtomic(
    join(folder, 'months.json'),
    JSON.stringify({ version: 1, accounts, notices: channel, nextSeq: channel.length + 1 }),
  );
  await writeFileAtomic(
    join(folder, 'store.json'),
    JSON.stringify({ version: 1, layout: 'file-per-request', createdAt: at, legacyIds }),
  );
  await moveToBackup(folder, old);
}

/** The old layout's files (data file, .bak, journals, archive folder, outbox) that exist. */
async function oldFiles(dataFile: string): Promise<string[]> {
  const folder = dirname(dataFile);
  const name = basename(dataFile);
  const outbox = basename(dataFile.replace(/(\.json)?$/, '.outbox.json'));
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch {
    return [];
  }
  return entries
    .filter(
      (e) =>
        e === name ||
        e === `${name}.bak` ||
        e === `${name}.archive` ||
        e === outbox ||
        (e.startsWith(`${name}.journal.`) && /^\d+$/.test(e.slice(name.length + 9))),
    )
    .map((e) => join(folder, e));
}

/** Every request of the old layout (snapshot + journal + archives) and what its outbox still owed. */
export async function readOldLayout(dataFile: string): Promise<{
  requests: Map<string, DeletionRequest>;
  quota: z.infer<typeof oldSnapshotSchema>['quota'];
  outbox: z.infer<typeof oldOutboxItemSchema>[];
}> {
  const snapshot = oldSnapshotSchema.safeParse(await readJson(dataFile));
  if (!snapshot.success) throw oldUnreadable(dataFile, 'its content is not what lp-delete 0.1 wrote');
  const requests = new Map(Object.entries(snapshot.data.requests));
  let quota = snapshot.data.quota;
  let archives = snapshot.data.archives ?? {};
  let seq = snapshot.data.seq ?? 0;
  const folder = dirname(dataFile);
  const prefix = `${basename(dataFile)}.journal.`;
  const segments = (await readdir(folder))
    .filter((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)))
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)));
  for (const segment of segments) {
    const path = join(folder, segment);
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines.pop(); // '' after the last newline, or a line cut short by a crash (never acknowledged)
    for (const [i, line] of lines.entries()) {
      let entry: z.infer<typeof oldJournalSchema>;
      try {
        entry = oldJournalSchema.parse(JSON.parse(line));
      } catch {
        throw oldUnreadable(path, `line ${i + 1} is not what lp-delete 0.1 wrote`);
      }
      if (entry.seq <= seq) continue;
      if (entry.seq !== seq + 1) throw oldUnreadable(path, `changes ${seq + 1}…${entry.seq - 1} are missing`);
      for (const [id, request] of Object.entries(entry.requests)) {
        if (request === null) requests.delete(id);
        else requests.set(id, request);
      }
      if (entry.meta && 'quota' in entry.meta) {
        const parsed = oldSnapshotSchema.shape.quota.safeParse(entry.meta.quota);
        if (!parsed.success) throw oldUnreadable(path, `line ${i + 1} holds a quota lp-delete cannot read`);
        quota = parsed.data;
      }
      if (entry.archives) archives = entry.archives;
      seq = entry.seq;
    }
  }
  for (const entry of Object.values(archives)) {
    const path = join(`${dataFile}.archive`, entry.file);
    const archive = oldArchiveSchema.safeParse(await readJson(path));
    if (!archive.success) throw oldUnreadable(path, 'its content is not what lp-delete 0.1 wrote');
    for (const request of archive.data.requests)
      if (!requests.has(request.id)) requests.set(request.id, request);
  }
  const outboxFile = dataFile.replace(/(\.json)?$/, '.outbox.json');
  let outbox: z.infer<typeof oldOutboxItemSchema>[] = [];
  if (await exists(outboxFile)) {
    const parsed = oldOutboxSchema.safeParse(await readJson(outboxFile));
    if (!parsed.success) throw oldUnreadable(outboxFile, 'its content is not what lp-delete 0.1 wrote');
    outbox = [...parsed.data.items, ...(parsed.data.dead ?? [])];
  }
  return { requests, quota, outbox };
}

/** The old outbox named gateway methods; each becomes the notice it stood for. */
function convertItem(op: string, args: unknown[]): RequestNotice | ChannelNotice | undefined {
  const explanation = args[0] as { what?: string; next?: string } | null | undefined;
  switch (op) {
    case 'postApprovalRequest':
      return { kind: 'approval_post' };
    case 'updateApprovalMessage':
      return { kind: 'approval_update' };
    case 'postRecord':
      return { kind: 'record_post' };
    case 'postFailure':
      return {
        kind: 'failure_post',
        what: explanation?.what ?? '',
        next: explanation?.next ?? '',
      };
    case 'postDecisionNote':
      return { kind: 'decision_note' };
    case 'notifyRequesterFiled':
      return {
        kind: 'requester_filed',
        duplicatesDropped: typeof args[0] === 'number' ? args[0] : 0,
        notes: Array.isArray(args[1]) ? args[1].map(String) : [],
      };
    case 'notifyRequesterOutcome':
      return explanation?.what
        ? { kind: 'requester_outcome', what: explanation.what, next: explanation.next ?? '' }
        : { kind: 'requester_outcome' };
    case 'updateRecordMessage': {
      const at = args[0] as { channelId?: string; ts?: string } | undefined;
      return at?.channelId && at.ts
        ? { kind: 'record_update', channelId: at.channelId, ts: at.ts }
        : undefined;
    }
    case 'postCancelled':
      return { kind: 'cancelled_post' };
    case 'postReminder': {
      const expires = args[0] as { $date?: string } | string | undefined;
      const iso = typeof expires === 'string' ? expires : expires?.$date;
      return iso ? { kind: 'reminder_post', expiresAt: iso } : undefined;
    }
    case 'postExpired':
      return { kind: 'expired_post' };
    case 'postQuotaAlert': {
      const quota = args[1] as { month?: string } | undefined;
      return typeof args[0] === 'number' && quota?.month
        ? { kind: 'quota_alert', level: args[0], month: quota.month }
        : undefined;
    }
    default:
      return undefined;
  }
}

async function moveToBackup(folder: string, files: string[]): Promise<void> {
  const backup = join(folder, `old-layout-backup-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  await mkdir(backup, { recursive: true, mode: DIR_MODE });
  for (const file of files) await rename(file, join(backup, basename(file)));
  await syncFolder(backup);
  await syncFolder(folder);
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw oldUnreadable(file, `it could not be read (${errorCode(error)})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw oldUnreadable(file, 'it is not valid JSON (cut short, or edited by hand?)');
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function oldUnreadable(file: string, why: string): StoreError {
  return new StoreError(
    'STORE_UNREADABLE',
    `lp-delete could not convert its old data file ${file}: ${why}. Nothing was changed or overwritten. ` +
      'Restore the old files from your backup and start again, or ask the maintainers with this message.',
  );
}
