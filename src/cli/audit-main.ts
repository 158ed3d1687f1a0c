import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { auditExport, formatAudit } from '../audit/export.js';
import { timeZone as quotaTimeZone } from '../config/fields.js';
import { systemClock } from '../domain/clock.js';
import { quotaMonth } from '../domain/quota.js';
import { openStore } from '../store/open-store.js';
import { errorMessage } from '../domain/error-code.js';
import { wrongUsage, type LpIo } from './lp-io.js';

/** `npm run -s audit -- [--month yyyy-mm] [--format csv|json] [--with-ids]`: reads the data folder (or the database) only. */

/** `now` picks the default month; default the real time. */
export type AuditIo = Pick<LpIo, 'env' | 'stdout' | 'stderr' | 'now'>;

const AUDIT_USAGE = `Usage: npm run -s audit -- [--month yyyy-mm] [--format csv|json] [--with-ids]

Prints every deletion request filed in that month (calendar month in QUOTA_TIMEZONE; this month when
--month is not given): who filed it, who
decided and when, the reason, LivePerson's request id and status, and the history. Reads the data folder (DATA_DIR), or the database
(DATABASE_URL), only, without a lock;
Slack and LivePerson are not contacted. The deletion ids are personal data: they are included only with
--with-ids.
`;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export async function runAudit(argv: string[], io: AuditIo): Promise<number> {
  let values: { month?: string; format?: string; 'with-ids'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        month: { type: 'string' },
        format: { type: 'string', default: 'csv' },
        'with-ids': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    return wrongUsage(io, errorMessage(error), AUDIT_USAGE);
  }
  if (values.help) {
    io.stdout.write(AUDIT_USAGE);
    return 0;
  }
  if (values.month !== undefined && !MONTH.test(values.month))
    return wrongUsage(io, '--month must be a month such as 2026-11.', AUDIT_USAGE);
  if (values.format !== 'csv' && values.format !== 'json')
    return wrongUsage(io, '--format must be csv or json.', AUDIT_USAGE);
  const zone = quotaTimeZone.safeParse(io.env.QUOTA_TIMEZONE?.trim());
  if (!zone.success) {
    io.stderr.write(`QUOTA_TIMEZONE must be an IANA time zone name such as UTC or Europe/Berlin.\n`);
    return 2;
  }
  const timeZone = zone.data;
  const month = values.month ?? quotaMonth((io.now ?? systemClock)(), timeZone);
  const dataDir = io.env.DATA_DIR?.trim() || './data';
  const databaseUrl = io.env.DATABASE_URL?.trim() || undefined;
  if (!databaseUrl && !existsSync(dataDir)) {
    // A fresh install has filed nothing yet: an empty export, and a word on stderr in case the path is wrong.
    io.stderr.write(
      `No data folder at ${dataDir} yet, so nothing has been filed: the export is empty. If the app keeps its data elsewhere, set DATA_DIR.\n`,
    );
    io.stdout.write(formatAudit([], { month, format: values.format, withIds: values['with-ids'] ?? false }));
    return 0;
  }
  try {
    // Read-only: no lock, no writes, so the export runs beside the app.
    const store = await openStore({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) }, { readOnly: true });
    try {
      io.stdout.write(
        await auditExport(store, {
          month,
          timeZone,
          format: values.format,
          withIds: values['with-ids'] ?? false,
        }),
      );
    } finally {
      await store.close();
    }
    return 0;
  } catch (error) {
    io.stderr.write(`Could not read ${databaseUrl ? 'the database' : dataDir}: ${errorMessage(error)}\n`);
    return 1;
  }
}
