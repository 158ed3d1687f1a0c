import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditExport, auditRows, formatAudit } from '../../src/audit/export.js';
import { runAudit } from '../../src/cli/audit-main.js';
import { openFileStore } from '../../src/store/lowdb/file-store.js';
import { decided, deletionRequest, lpRecord, uuids } from '../slack/request-fixture.js';
import { cliIo } from '../support/capture.js';

const november = [
  decided('submitted', {
    id: 'DR-AAAAAA',
    createdAt: '2026-11-02T09:00:00.000Z',
    reason: '=HYPERLINK("http://evil","click"), "quoted"',
    subjectRequestedOn: '2026-10-31',
    ids: uuids(2),
  }),
  decided('rejected', { id: 'DR-BBBBBB', createdAt: '2026-11-30T23:30:00.000Z', reason: 'DSR-2' }),
];
const others = [
  deletionRequest({ id: 'DR-CCCCCC', createdAt: '2026-10-31T23:59:59.000Z' }),
  deletionRequest({ id: 'DR-DDDDDD', createdAt: '2026-12-01T00:00:00.000Z' }),
];
const all = [...others, ...november];

describe('audit export', () => {
  it('picks the month’s requests in the zone, oldest first', () => {
    expect(
      auditRows(all, { month: '2026-11', timeZone: 'UTC', withIds: false }).map((r) => r.request),
    ).toEqual(['DR-AAAAAA', 'DR-BBBBBB']);
    // In Berlin 23:30 UTC on 30 November is already December.
    expect(
      auditRows(all, { month: '2026-11', timeZone: 'Europe/Berlin', withIds: false }).map((r) => r.request),
    ).toEqual(['DR-CCCCCC', 'DR-AAAAAA']);
  });

  it('JSON: who filed, who decided, when, the reason, LivePerson id and status, history; ids only when asked', () => {
    const rows = auditRows(all, { month: '2026-11', timeZone: 'UTC', withIds: false });
    const json = JSON.parse(formatAudit(rows, { format: 'json', withIds: false, month: '2026-11' })) as {
      count: number;
      requests: Record<string, unknown>[];
    };
    expect(json.count).toBe(2);
    expect(json.requests[0]).toMatchObject({
      request: 'DR-AAAAAA',
      filedBy: 'U0REQUEST',
      decision: 'approved',
      decidedBy: 'U0APPROVER',
      decidedAt: '2024-03-01T09:45:00.000Z',
      lpRequestId: '987654',
      lpStatus: 'NOT_STARTED',
      subjectRequestedOn: '2026-10-31',
      gdprDeadline: '2026-11-30',
    });
    expect(json.requests[0]?.history).toEqual([
      { at: '2024-03-01T09:30:00.000Z', event: 'filed', by: 'U0REQUEST' },
    ]);
    expect(json.requests[0]).not.toHaveProperty('ids');
    expect(JSON.stringify(json)).not.toContain(uuids(1)[0]);

    const withIds = auditRows(all, { month: '2026-11', timeZone: 'UTC', withIds: true });
    expect(withIds[0]?.ids).toEqual(uuids(2));
  });

  it('the completion date (in the zone) and whether it came before the GDPR deadline', () => {
    const onTime = decided('submitted', {
      id: 'DR-EEEEEE',
      createdAt: '2026-11-03T09:00:00.000Z',
      subjectRequestedOn: '2026-11-01',
      completedAt: '2026-11-30T23:30:00.000Z', // 1 December in Berlin: on the deadline
      lpRecord: { ...lpRecord(), status: 'DONE' },
    });
    const late = { ...onTime, id: 'DR-FFFFFF', completedAt: '2026-12-02T10:00:00.000Z' };
    const unknownDeadline = { ...onTime, id: 'DR-GGGGGG', subjectRequestedOn: undefined };
    const rows = auditRows([onTime, late, unknownDeadline, ...november], {
      month: '2026-11',
      timeZone: 'Europe/Berlin',
      withIds: false,
    });
    const byId = new Map(rows.map((r) => [r.request, r]));
    expect(byId.get('DR-EEEEEE')).toMatchObject({
      completedOn: '2026-12-01',
      completedBeforeDeadline: 'yes',
    });
    expect(byId.get('DR-FFFFFF')).toMatchObject({ completedOn: '2026-12-02', completedBeforeDeadline: 'no' });
    expect(byId.get('DR-GGGGGG')).toMatchObject({ completedOn: '2026-12-01', completedBeforeDeadline: '' });
    expect(byId.get('DR-AAAAAA')).toMatchObject({ completedOn: '', completedBeforeDeadline: '' });
    const csv = formatAudit(rows, { format: 'csv', withIds: false, month: '2026-11' });
    expect(csv.split('\r\n')[0]).toContain('lpRequestTime,completedOn,completedBeforeDeadline,');
  });

  it('CSV: quoted per RFC 4180, formulas defused, ids column only with --with-ids', () => {
    const rows = auditRows(all, { month: '2026-11', timeZone: 'UTC', withIds: false });
    const csv = formatAudit(rows, { format: 'csv', withIds: false, month: '2026-11' });
    const lines = csv.split('\r\n');
    expect(lines[0]).toMatch(/^request,filedAt,filedBy,.*,history$/);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"",""click""), ""quoted"""`);
    expect(csv).not.toContain('ids');
    expect(csv).not.toContain(uuids(1)[0]);
    const withIds = formatAudit(auditRows(all, { month: '2026-11', timeZone: 'UTC', withIds: true }), {
      format: 'csv',
      withIds: true,
      month: '2026-11',
    });
    expect(withIds.split('\r\n')[0]).toMatch(/,ids$/);
    expect(withIds).toContain(uuids(2).join(' '));
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['line\nbreak', '"line\nbreak"'],
  ])('a reason %j is the CSV cell %j', (reason, expected) => {
    const request = deletionRequest({ createdAt: '2026-11-02T09:00:00.000Z', reason, ids: uuids(42) });
    const rows = auditRows([request], { month: '2026-11', timeZone: 'UTC', withIds: false });
    const csv = formatAudit(rows, { format: 'csv', withIds: false, month: '2026-11' });
    // idCount, a number, then the reason.
    expect(csv).toContain(`,42,${expected},`);
  });
});

describe('npm run audit', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads the data folder only (beside a running app: no lock needed) and prints the month', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lp-audit-'));
    const file = dir;
    const store = await openFileStore(dir);
    for (const request of all)
      await store.create(request.createdAt.slice(0, 7), (id) => ({ ...request, id }));
    expect(
      (await auditExport(store, { month: '2026-11', timeZone: 'UTC', format: 'csv', withIds: false })).split(
        '\r\n',
      ),
    ).toHaveLength(4);

    // The app still holds the folder: the reader works beside it.
    const run = cliIo({ DATA_DIR: file });
    expect(await runAudit(['--month', '2026-11', '--format', 'json'], run.io)).toBe(0);
    expect((JSON.parse(run.out()) as { count: number }).count).toBe(2);

    await store.close();
    const bad = cliIo({ DATA_DIR: file });
    expect(await runAudit(['--month', '2026-13'], bad.io)).toBe(2);
    expect(bad.err()).toMatch(/--month/);
    // A fresh install: no data folder yet is an empty export (see test/cli/audit-defaults.test.ts).
    const missing = cliIo({ DATA_DIR: join(dir, 'nope') });
    expect(await runAudit(['--month', '2026-11'], missing.io)).toBe(0);
    expect(missing.err()).toMatch(/No data folder/);
  });
});
