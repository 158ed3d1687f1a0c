import { stringify } from 'csv-stringify/sync';
import dayjs from 'dayjs';
import { completion } from '../domain/follow-up.js';
import { gdprDeadline, isCalendarDate } from '../domain/gdpr.js';
import { monthRange } from '../domain/quota.js';
import type { DeletionRequest } from '../domain/request.js';
import { historyDetail } from './history-words.js';

/*
 * The audit export: every request filed in a month (in QUOTA_TIMEZONE), with who filed and who decided,
 * when, the reason, LivePerson's request id and status, and the history. The deletion ids themselves are
 * personal data, so they are included only when asked for.
 */

export interface AuditOptions {
  /** `yyyy-mm`. */
  month: string;
  timeZone: string;
  format: 'csv' | 'json';
  withIds: boolean;
}

/** One request's row: its cells in AUDIT_COLUMNS order, and the ids when asked for. */
export type AuditRow = ReturnType<typeof toRow>;

export const AUDIT_COLUMNS = [
  'request',
  'filedAt',
  'filedBy',
  'type',
  'idCount',
  'reason',
  'subjectRequestedOn',
  'gdprDeadline',
  'status',
  'decision',
  'decidedBy',
  'decidedAt',
  'decisionNote',
  'lpRequestId',
  'lpStatus',
  'lpRequestTime',
  'completedOn',
  'completedBeforeDeadline',
  'cancelledBy',
  'cancelledAt',
  'verified_at',
  'erased_count',
  'residual_count',
  'not_checkable_count',
  'history',
] as const;

/** The month's requests as rows, oldest first. */
export function auditRows(
  requests: readonly DeletionRequest[],
  opts: Omit<AuditOptions, 'format'>,
): AuditRow[] {
  const { start, end } = monthRange(opts.month, opts.timeZone);
  return requests
    .filter((r) => {
      const at = Date.parse(r.createdAt);
      return at >= start.getTime() && at < end.getTime();
    })
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((r) => toRow(r, opts.withIds, opts.timeZone));
}

function toRow(r: DeletionRequest, withIds: boolean, timeZone: string) {
  const done = completion(r, timeZone);
  const received = r.subjectRequestedOn && isCalendarDate(r.subjectRequestedOn) ? r.subjectRequestedOn : '';
  const cancelled = r.cancellation?.state === 'done' ? r.cancellation : undefined;
  // Proof of erasure: the last full read of LivePerson's history back; empty cells when never read.
  const read = r.verification?.lastRead;
  return {
    request: r.id,
    filedAt: r.createdAt,
    filedBy: r.requestedBy,
    type: r.type,
    idCount: r.ids.length,
    reason: r.reason,
    subjectRequestedOn: received,
    gdprDeadline: received ? gdprDeadline(received) : '',
    status: r.status,
    decision: r.decision?.outcome ?? '',
    decidedBy: r.decision?.by ?? '',
    decidedAt: r.decision?.at ?? '',
    decisionNote: r.decision?.reason ?? '',
    lpRequestId: r.lpRecord?.requestId ?? '',
    lpStatus: r.lpRecord?.status ?? (r.lpRecord?.isCanceled ? 'CANCELED' : ''),
    lpRequestTime: r.lpRecord?.requestTime ?? '',
    // The day LivePerson was first seen reporting the deletion done (in the zone), and `yes` when that
    // was on or before the GDPR deadline (`no` after it); empty while either is unknown.
    completedOn: done?.completedOn ?? '',
    completedBeforeDeadline: done?.beforeDeadline === undefined ? '' : done.beforeDeadline ? 'yes' : 'no',
    cancelledBy: cancelled?.by ?? r.lpRecord?.cancelledBy ?? '',
    cancelledAt: cancelled?.at ?? r.lpRecord?.cancelTimestamp ?? '',
    verified_at: read?.at ?? '',
    // Records found masked, still readable, and not checkable (past 13 months) at that read.
    erased_count: read?.erased ?? '',
    residual_count: read?.residual ?? '',
    not_checkable_count: read?.notCheckable ?? '',
    history: r.history.map((e) => {
      const detail = historyDetail(e);
      return { at: e.at, event: e.event, ...(e.by ? { by: e.by } : {}), ...(detail ? { detail } : {}) };
    }),
    ...(withIds ? { ids: [...r.ids] } : {}),
  };
}

/**
 * CSV (RFC 4180, CRLF) by csv-stringify. `escape_formulas` prefixes a cell starting with `=`, `+`, `-`,
 * `@` (or a tab / carriage return) with `'` so a spreadsheet shows it as text instead of running it as a
 * formula (CSV injection): a reason typed in Slack must not become one.
 */
const CSV = { escape_formulas: true, record_delimiter: 'windows', quote_record_delimiter: true } as const;

function historyText(history: AuditRow['history']): string {
  return history.map((e) => [e.at, e.event, e.by, e.detail].filter(Boolean).join(' ')).join('\n');
}

export function formatAudit(
  rows: readonly AuditRow[],
  opts: Pick<AuditOptions, 'format' | 'withIds' | 'month'>,
): string {
  if (opts.format === 'json') {
    return `${JSON.stringify({ month: opts.month, count: rows.length, requests: rows }, null, 2)}\n`;
  }
  const columns: string[] = [...AUDIT_COLUMNS, ...(opts.withIds ? ['ids'] : [])];
  const records = rows.map((row) => [
    ...AUDIT_COLUMNS.map((column) => (column === 'history' ? historyText(row.history) : row[column])),
    ...(opts.withIds ? [(row.ids ?? []).join(' ')] : []),
  ]);
  return stringify(records, { ...CSV, header: true, columns });
}

/**
 * Formats the month's requests. Only the month's files and its two neighbours are read (a request's id
 * carries the month it was filed in; the neighbours cover time zones around midnight on the 1st).
 */
export async function auditExport(
  store: { listMonth(month: string): Promise<DeletionRequest[]> },
  opts: AuditOptions,
): Promise<string> {
  const requests: DeletionRequest[] = [];
  for (const by of [-1, 0, 1]) {
    const month = dayjs(`${opts.month}-01`).add(by, 'month').format('YYYY-MM');
    requests.push(...(await store.listMonth(month)));
  }
  return formatAudit(auditRows(requests, opts), opts);
}
