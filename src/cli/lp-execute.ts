import type { Clock } from '../domain/clock.js';
import { DAY_MS, utcDate } from '../domain/durations.js';
import { todayIn } from '../domain/zoned-time.js';
import { ConfigError } from '../config/messages.js';
import type { LivePersonClient } from '../liveperson/client.js';
import { describeForPeople } from '../liveperson/describe-for-people.js';
import { LivePersonError } from '../liveperson/liveperson-error.js';
import type { Command } from './lp-args.js';
import type { ApprovedCreate } from './lp-create.js';
import { NotRecordedError } from './lp-record.js';
import { formatCheck, formatRecord, formatRecordTable, type CheckReport } from './lp-format.js';
import {
  EXIT_API_ERROR,
  EXIT_OK,
  EXIT_USAGE,
  nothingFiled,
  writeJson,
  type Context,
  type LpIo,
} from './lp-io.js';

/** Runs one command against LivePerson and writes its outcome, for a person or (--json) a script. */

export async function execute(
  command: Exclude<Command, { name: 'create' }> | ApprovedCreate,
  ctx: Context,
  client: LivePersonClient,
): Promise<number> {
  const out = (human: string, machine: unknown) =>
    ctx.json ? writeJson(ctx.io, machine) : ctx.io.stdout.write(human);
  switch (command.name) {
    case 'check': {
      const report = await runCheck(ctx, client);
      out(formatCheck(report), { ok: true, ...report });
      return EXIT_OK;
    }
    case 'create': {
      const record = await client.create(command.type, command.ids);
      out(`LivePerson accepted the deletion request.\n${formatRecord(record)}`, record);
      return EXIT_OK;
    }
    case 'get': {
      const record = await client.get(command.requestId);
      if (!record) {
        ctx.io.stderr.write(
          `LivePerson has no deletion request ${command.requestId} for account ${ctx.config.liveperson.accountId}.\n` +
            'Next:  Check the request id; "npm run -s lp -- list" shows the requests LivePerson holds.\n',
        );
        if (ctx.json) ctx.io.stdout.write('null\n');
        return EXIT_API_ERROR;
      }
      out(formatRecord(record), record);
      return EXIT_OK;
    }
    case 'list': {
      const records = await client.list(command);
      out(formatRecordTable(records), records);
      return EXIT_OK;
    }
    case 'cancel': {
      const record = await client.cancel(command.requestId);
      out(`LivePerson cancelled the deletion request.\n${formatRecord(record)}`, record);
      return EXIT_OK;
    }
  }
}

async function runCheck(ctx: Context, client: LivePersonClient): Promise<CheckReport> {
  const check = await client.check();
  const timeZone = ctx.config.quotaTimeZone;
  const toDate = todayIn(ctx.now(), timeZone);
  const fromDate = `${toDate.slice(0, 8)}01`;
  const records = await client.list({ fromDate, toDate });
  return {
    ...check,
    accountId: ctx.config.liveperson.accountId,
    domainApiUrl: ctx.config.liveperson.domainApiUrl,
    month: { fromDate, toDate, timeZone, count: records.length, limit: ctx.config.monthlyLimit },
  };
}

export function reportFailure(err: unknown, io: LpIo, json: boolean, command: Command, now: Clock): number {
  if (err instanceof ConfigError) {
    io.stderr.write(`${err.message}\n`);
    if (json)
      io.stdout.write(
        `${JSON.stringify({ ok: false, error: { code: err.code, problems: err.problems } })}\n`,
      );
    return EXIT_USAGE;
  }
  if (err instanceof NotRecordedError) {
    io.stderr.write(`lp create: ${err.message}\n`);
    if (json) nothingFiled(io, 'NOT_RECORDED', err.message);
    return EXIT_API_ERROR;
  }
  const { what, next: generalAdvice } = describeForPeople(err);
  const next = cliAdvice(err, command, now) ?? generalAdvice;
  const lp = err instanceof LivePersonError ? err : undefined;
  const technical = lp
    ? `${lp.code}${lp.httpStatus ? `, HTTP ${lp.httpStatus}` : ''}: ${lp.message}`
    : undefined;
  io.stderr.write(`Error: ${what}\nNext:  ${next}\n${technical ? `(${technical})\n` : ''}`);
  if (json)
    writeJson(io, {
      ok: false,
      error: { code: lp?.code ?? 'UNEXPECTED', httpStatus: lp?.httpStatus, what, next },
    });
  return EXIT_API_ERROR;
}

/**
 * describeForPeople speaks to Slack users (`status`, "file it again"); here the advice names the lp
 * command that answers the question. Undefined where the general advice already fits.
 */
function cliAdvice(err: unknown, command: Command, now: Clock): string | undefined {
  if (!(err instanceof LivePersonError)) return undefined;
  const unsure = err.code === 'LP_OUTCOME_UNKNOWN' || err.code === 'LP_BAD_RESPONSE';
  if (command.name === 'create' && unsure && err.operation === 'create') {
    // From yesterday: a request filed just before midnight UTC is still listed.
    const since = utcDate(now().getTime() - DAY_MS);
    return (
      `Before filing again, run "npm run -s lp -- list --from ${since}" and look for a request made just now; ` +
      'filing it twice would spend two of this month’s requests.'
    );
  }
  if (command.name === 'cancel') {
    const look = `"npm run -s lp -- get ${command.requestId}"`;
    if (unsure) return `Run ${look} to see whether LivePerson cancelled it before trying again.`;
    if (err.code === 'LP_BAD_REQUEST') {
      return `A request can be cancelled only once and only within 5 days of filing; run ${look} to see its status.`;
    }
    if (err.code === 'LP_NOT_FOUND') {
      return 'Check the request id ("npm run -s lp -- list" shows the requests LivePerson holds) and LP_ACCOUNT_ID.';
    }
  }
  return undefined;
}
