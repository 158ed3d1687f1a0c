import { parseArgs } from 'node:util';
import type { DeletionRequest } from '../domain/request.js';
import { StoreError } from '../store/errors.js';
import type { OwedNotice, QuotaKey, RequestStore } from '../store/port.js';
import { describeServer } from '../store/postgres/connection.js';
import { migrate } from '../store/postgres/migrations.js';
import type { ImportedNotice } from '../store/postgres/notice-queries.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { errorMessage } from '../domain/error-code.js';
import { EXIT_OK, EXIT_USAGE, wrongUsage, type LpIo } from './lp-io.js';

/**
 * `npm run -s store -- migrate` and `npm run -s store -- copy --from <data folder> --to <postgres url>`: the
 * PostgreSQL store's schema, and the one-shot move of an install into PostgreSQL, read through the
 * RequestStore port so any store can be the source.
 */

export type StoreIo = Pick<LpIo, 'env' | 'stdout' | 'stderr'>;

export interface StoreCliDeps {
  /** Opens a data folder read-only (the lowdb store). A `postgres://` --from is opened as a PostgresStore. */
  openDataFolder(folder: string): Promise<RequestStore>;
}

/** The store could not be read or written, or the copy does not match (lp-io.ts has the other codes). */
export const EXIT_FAILED = 1;

export const STORE_USAGE = `Usage:
  npm run -s store -- migrate
      Applies the PostgreSQL schema migrations to the database at DATABASE_URL (the app also does this
      when it starts; this lets an operator do it first, with a user allowed to create tables).
  npm run -s store -- copy --from <data folder> --to <postgres://…>
      Copies every request, owed Slack notice and month's quota state from an install's data folder into
      an empty PostgreSQL database, then checks the counts match. Stop the app first. The data folder is
      only read. --to defaults to DATABASE_URL.
`;

export async function runStore(argv: string[], io: StoreIo, deps: StoreCliDeps): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? io.stderr : io.stdout).write(STORE_USAGE);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  let values: { from?: string; to?: string };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { from: { type: 'string' }, to: { type: 'string' } },
    }));
  } catch (error) {
    return wrongUsage(io, errorMessage(error), STORE_USAGE);
  }
  try {
    switch (command) {
      case 'migrate':
        return await runMigrate(io);
      case 'copy':
        return await runCopy(values, io, deps);
      default:
        return wrongUsage(io, `Unknown command "${command}".`, STORE_USAGE);
    }
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return EXIT_FAILED;
  }
}

async function runMigrate(io: StoreIo): Promise<number> {
  const url = io.env.DATABASE_URL;
  if (!url) {
    io.stderr.write('Set DATABASE_URL to the PostgreSQL database (postgres://user@host:5432/database).\n');
    return EXIT_USAGE;
  }
  const { from, to } = await migrate(url);
  io.stdout.write(
    from === to
      ? `${describeServer(url)} is at schema version ${to}: nothing to do.\n`
      : `${describeServer(url)} migrated from schema version ${from} to ${to}.\n`,
  );
  return EXIT_OK;
}

async function runCopy(
  values: { from?: string; to?: string },
  io: StoreIo,
  deps: StoreCliDeps,
): Promise<number> {
  const to = values.to ?? io.env.DATABASE_URL;
  if (!values.from || !to) {
    const needs = 'copy needs --from <data folder> and --to <postgres://…> (or DATABASE_URL).';
    return wrongUsage(io, needs, STORE_USAGE);
  }
  const from = values.from;
  const source = /^postgres(ql)?:\/\//.test(from)
    ? await PostgresStore.open({ url: from })
    : await deps.openDataFolder(from);
  try {
    const target = await PostgresStore.open({ url: to });
    try {
      const report = await copyStore(source, target);
      const where = describeServer(to);
      if (report.mismatches.length > 0) {
        io.stderr.write(
          `Copied into ${where}, but the counts do not match:\n${report.mismatches.map((m) => `  ${m}\n`).join('')}` +
            'Do not start the app on the database: drop and recreate it, then copy again.\n',
        );
        return EXIT_FAILED;
      }
      const perMonth = [...report.requestsPerMonth].map(([month, count]) => `${month}: ${count}`).join(', ');
      io.stdout.write(
        `Copied ${report.requests} requests (${perMonth || 'none'}), ${report.notices} owed notices and ` +
          `${report.monthStates} months' quota state into ${where}; counts verified.\n` +
          'Set DATABASE_URL for the app; keep the data folder as a backup.\n',
      );
      return EXIT_OK;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

export interface CopyReport {
  requests: number;
  requestsPerMonth: Map<string, number>;
  notices: number;
  monthStates: number;
  /** What differs between source and target after the copy (empty when the copy is complete). */
  mismatches: string[];
}

/**
 * Copies everything `source` holds into an empty PostgreSQL store, ids and notice order kept, and
 * compares: requests per month, open requests, owed notices per lane, each month's usage.
 */
export async function copyStore(source: RequestStore, target: PostgresStore): Promise<CopyReport> {
  if ((await target.months()).length > 0 || (await target.owedNotices()).length > 0) {
    throw new StoreError(
      'STORE_WRITE_FAILED',
      'The target database already holds requests or notices: copy only into an empty database ' +
        '(drop and recreate it, then run the copy again). Nothing was copied.',
    );
  }
  const byId = new Map<string, DeletionRequest>();
  const requestsPerMonth = new Map<string, number>();
  for (const month of await source.months()) {
    const requests = await source.listMonth(month);
    requestsPerMonth.set(month, requests.length);
    for (const request of requests) byId.set(request.id, request);
  }
  // Open requests are listed under their month too; this catches any a store keeps elsewhere.
  for (const request of await source.listOpen()) {
    if (!byId.has(request.id)) byId.set(request.id, request);
  }

  const owed = (await source.owedNotices()).sort((a, b) => a.seq - b.seq);
  const lanes = new Map<string, OwedNotice[]>();
  for (const notice of owed) lanes.set(notice.lane, [...(lanes.get(notice.lane) ?? []), notice]);
  const imported = ({ lane: _lane, seq: _seq, ...rest }: OwedNotice): ImportedNotice => rest;

  for (const request of byId.values()) {
    const notices = (lanes.get(request.id) ?? []).map(imported);
    lanes.delete(request.id);
    await target.importRequest(request, notices);
  }
  // The channel lane, and any lane whose request the source did not list (kept rather than lost).
  for (const [lane, notices] of lanes) {
    for (const notice of notices) await target.importNotice(lane, imported(notice));
  }

  const keys = quotaKeys([...byId.values()], await source.months());
  let monthStates = 0;
  for (const key of keys) {
    const usage = await source.usage(key);
    if (usage.livePerson || Object.keys(usage.alertsSent).length > 0) {
      await target.importMonth(key, {
        alertsSent: usage.alertsSent,
        ...(usage.livePerson ? { livePerson: usage.livePerson } : {}),
      });
      monthStates += 1;
    }
  }

  return {
    requests: byId.size,
    requestsPerMonth,
    notices: owed.length,
    monthStates,
    mismatches: await compareStores(source, target, keys),
  };
}

/**
 * Every (account, month) whose usage may hold something: the quota months of the requests, and each month
 * with requests for each account seen. (The port lists no month states by themselves; a month's state
 * with neither is not found.)
 */
function quotaKeys(requests: DeletionRequest[], months: string[]): QuotaKey[] {
  const keys = new Map<string, QuotaKey>();
  const add = (accountId: string, month: string) => keys.set(`${accountId} ${month}`, { accountId, month });
  const accounts = new Set(requests.map((request) => request.accountId));
  for (const request of requests) if (request.quotaMonth) add(request.accountId, request.quotaMonth);
  for (const accountId of accounts) for (const month of months) add(accountId, month);
  return [...keys.values()].sort(
    (a, b) => a.month.localeCompare(b.month) || a.accountId.localeCompare(b.accountId),
  );
}

async function compareStores(
  source: RequestStore,
  target: RequestStore,
  keys: QuotaKey[],
): Promise<string[]> {
  const mismatches: string[] = [];
  const expectSame = (what: string, from: unknown, to: unknown) => {
    const a = JSON.stringify(from);
    const b = JSON.stringify(to);
    if (a !== b) mismatches.push(`${what}: ${a} in the source, ${b} in the database`);
  };
  const months = await source.months();
  expectSame('months', months, await target.months());
  for (const month of months) {
    expectSame(
      `requests of ${month}`,
      (await source.listMonth(month)).length,
      (await target.listMonth(month)).length,
    );
  }
  expectSame('open requests', (await source.listOpen()).length, (await target.listOpen()).length);
  const perLane = (owed: OwedNotice[]) => {
    const counts: Record<string, number> = {};
    for (const notice of owed) counts[notice.lane] = (counts[notice.lane] ?? 0) + 1;
    return Object.keys(counts)
      .sort()
      .map((lane) => `${lane}=${counts[lane]}`);
  };
  expectSame(
    'owed notices per lane',
    perLane(await source.owedNotices()),
    perLane(await target.owedNotices()),
  );
  for (const key of keys) {
    const { pendingApprovals: _a, ...from } = await source.usage(key);
    const { pendingApprovals: _b, ...to } = await target.usage(key);
    expectSame(`usage of ${key.accountId} in ${key.month}`, from, to);
  }
  return mismatches;
}
