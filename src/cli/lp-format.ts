import type { DeletionType, LpRecord } from '../domain/types.js';
import type { LivePersonCheck } from '../liveperson/client.js';
import { plural } from '../slack/format.js';

/** Human output of the `lp` command: aligned `key  value` lines, no colours (it is often piped). */

/** Rows as columns two spaces apart, each as wide as its widest cell (the last one not padded). */
function columns(rows: ReadonlyArray<readonly string[]>): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const line = (row: readonly string[]) =>
    row.map((cell, column) => (column < row.length - 1 ? cell.padEnd(widths[column] ?? 0) : cell)).join('  ');
  return rows.map((row) => `${line(row)}\n`).join('');
}

export function formatRecord(record: LpRecord): string {
  return columns([
    ['request id', record.requestId],
    ['site id', record.siteId ?? '-'],
    ['status', record.status ?? '-'],
    ['requested at', record.requestTime ?? '-'],
    ['requested by', record.requestedBy ?? '-'],
    ['canceled', record.isCanceled ? 'yes' : 'no'],
    ['cancelled by', record.cancelledBy ?? '-'],
    ['cancelled at', record.cancelTimestamp ?? '-'],
    ['body', record.deleteJson ?? '-'],
  ]);
}

export function formatRecordTable(records: readonly LpRecord[]): string {
  if (records.length === 0) return 'No deletion requests match.\n';
  const table = columns([
    ['REQUEST ID', 'STATUS', 'REQUESTED AT', 'REQUESTED BY'],
    ...records.map((r) => [r.requestId, r.status ?? '-', r.requestTime ?? '-', r.requestedBy ?? '-']),
  ]);
  return `${table}${plural(records.length, 'request')}\n`;
}

const AUTH_LABELS: Record<LivePersonCheck['authKind'], string> = {
  oauth2: 'OAuth 2.0 client credentials',
  oauth1: 'OAuth 1.0a API key (legacy)',
  bearer: 'static bearer token',
};

export interface CheckReport extends LivePersonCheck {
  accountId: string;
  domainApiUrl: string;
  month: { fromDate: string; toDate: string; timeZone: string; count: number; limit: number };
}

export function formatCheck(report: CheckReport): string {
  const m = report.month;
  return columns([
    ['account', report.accountId],
    ['Domain API', report.domainApiUrl],
    ['rtbf host', report.rtbfHost],
    ...(report.sentinelHost ? [['sentinel host', report.sentinelHost] as const] : []),
    ['credentials', AUTH_LABELS[report.authKind]],
    ['token', report.authKind === 'oauth2' ? 'ok (Sentinel issued a token)' : 'ok (credentials accepted)'],
    [
      'this month',
      `${plural(m.count, 'request')} filed ${m.fromDate}..${m.toDate} (${m.timeZone}); threshold ${m.limit}`,
    ],
  ]);
}

/** What `lp create` is about to file, after the same checks as the Slack form. */
export interface CreatePlan {
  accountId: string;
  type: DeletionType;
  /** Normalised and unique: exactly what LivePerson will be sent. */
  ids: readonly string[];
  duplicatesDropped: number;
  notes: readonly string[];
}

const TYPE_LABELS: Record<DeletionType, string> = {
  conversation: 'conversation (messaging conversation ids)',
  engagement: 'engagement (chat engagement ids)',
  consumer: 'consumer (consumer ids)',
  ticketing: 'ticketing (legacy ticket ids)',
};

/**
 * The summary shown before filing. `showIds` lists the ids too; only for a person at a terminal, since
 * a script's output may end up in a log.
 */
export function formatCreatePlan(plan: CreatePlan, options: { showIds: boolean }): string {
  const dropped = plan.duplicatesDropped;
  const count =
    plural(plan.ids.length, 'unique id') + (dropped > 0 ? ` (${plural(dropped, 'duplicate')} dropped)` : '');
  const pairs: [string, string][] = [
    ['account', plan.accountId],
    ['type', TYPE_LABELS[plan.type]],
    ['ids', count],
    ...plan.notes.map((note): [string, string] => ['note', note]),
  ];
  const ids = options.showIds ? plan.ids.map((id) => `      ${id}\n`).join('') : '';
  return (
    'About to file this deletion request with LivePerson, without the Slack approval:\n' +
    columns(pairs)
      .split('\n')
      .map((line) => (line ? `  ${line}` : line))
      .join('\n') +
    ids +
    'It counts against this month’s requests and can be cancelled only within 5 days.\n'
  );
}
