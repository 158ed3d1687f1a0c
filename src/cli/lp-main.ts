import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ConfigError, loadCoreConfig, type CoreConfig } from '../config.js';
import { DELETION_TYPES, type DeletionType } from '../domain/types.js';
import {
  createLivePersonClient,
  type LivePersonClient,
  type LivePersonClientDeps,
} from '../liveperson/client.js';
import { describeForPeople, LivePersonError } from '../liveperson/errors.js';
import { startSandbox, type Sandbox } from '../liveperson/sandbox.js';
import { formatCheck, formatRecord, formatRecordTable, type CheckReport } from './lp-format.js';

/**
 * `npm run lp -- <command>`: talk to LivePerson's deletion API by hand (check the set-up, file, look up,
 * list, cancel). All logic lives here so tests can run it in-process against the sandbox.
 */

export interface LpIo {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Clock for the month shown by `check` (and the sandbox). */
  now?: () => Date;
  /** Extra client dependencies (tests: quicker retries). */
  clientDeps?: LivePersonClientDeps;
}

export const EXIT_OK = 0;
export const EXIT_API_ERROR = 1;
export const EXIT_USAGE = 2;

export const LP_USAGE = `Usage: npm run lp -- <command> [options]

Commands:
  check                                   Domain API look-up, credentials, this month's request count
  create --conversation|--engagement|--consumer|--ticketing <id> [<id>…]
                                          File one deletion request (one type, up to 100 ids)
  get <requestId>                         Show one request and its status
  list [--status S] [--from yyyy-mm-dd] [--to yyyy-mm-dd]
                                          List requests (S: NOT_STARTED, IN_PROGRESS, CANCELED, DONE)
  cancel <requestId>                      Cancel a request (possible for 5 days after filing)

Options:
  --json      Machine-readable output on stdout
  --sandbox   Run against an in-process LivePerson sandbox (nothing is sent to LivePerson)
  --help      Show this help

Settings come from the environment or .env: LP_ACCOUNT_ID and one credential set
(LP_CLIENT_ID + LP_CLIENT_SECRET, or LP_APP_KEY + LP_APP_SECRET + LP_ACCESS_TOKEN + LP_ACCESS_TOKEN_SECRET,
or LP_BEARER_TOKEN). See .env.example.
`;

class UsageError extends Error {}

type Command =
  | { name: 'check' }
  | { name: 'create'; type: DeletionType; ids: string[] }
  | { name: 'get'; requestId: string }
  | { name: 'list'; status?: string; fromDate?: string; toDate?: string }
  | { name: 'cancel'; requestId: string };

interface Parsed {
  command?: Command;
  help: boolean;
  json: boolean;
  sandbox: boolean;
}

export async function runLp(argv: readonly string[], io: LpIo): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    io.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${LP_USAGE}`);
    return EXIT_USAGE;
  }
  if (parsed.help || !parsed.command) {
    (parsed.help ? io.stdout : io.stderr).write(LP_USAGE);
    return parsed.help ? EXIT_OK : EXIT_USAGE;
  }
  const now = io.now ?? (() => new Date());
  let sandbox: Sandbox | undefined;
  try {
    let env = io.env;
    if (parsed.sandbox) {
      ({ sandbox, env } = await startCliSandbox(io.env, now));
      io.stderr.write(
        `Using an in-process LivePerson sandbox at ${sandbox.url}; nothing is sent to LivePerson.\n`,
      );
    }
    const config = loadCoreConfig(env);
    const client = createLivePersonClient(config.liveperson, { now, ...io.clientDeps });
    return await execute(parsed.command, { client, config, now, io, json: parsed.json });
  } catch (err) {
    return reportFailure(err, io, parsed.json);
  } finally {
    await sandbox?.close();
  }
}

function parseCommandLine(argv: readonly string[]): Parsed {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        sandbox: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        conversation: { type: 'boolean' },
        engagement: { type: 'boolean' },
        consumer: { type: 'boolean' },
        ticketing: { type: 'boolean' },
        status: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
      },
    }));
  } catch (err) {
    // parseArgs names the offending option; its message holds nothing secret.
    throw new UsageError(err instanceof Error ? err.message : 'invalid arguments');
  }
  const flags = { help: values.help ?? false, json: values.json ?? false, sandbox: values.sandbox ?? false };
  const [name, ...args] = positionals;
  if (flags.help || name === undefined) return flags;
  const types = DELETION_TYPES.filter((t) => values[t]);
  const listOnly = values.status !== undefined || values.from !== undefined || values.to !== undefined;
  if (name !== 'create' && types.length > 0) throw new UsageError(`--${types[0]} is only valid with create`);
  if (name !== 'list' && listOnly) throw new UsageError('--status, --from and --to are only valid with list');
  return { ...flags, command: toCommand(name, args, types, values) };
}

function toCommand(
  name: string,
  args: string[],
  types: DeletionType[],
  values: { status?: string; from?: string; to?: string },
): Command {
  switch (name) {
    case 'check':
      noArguments(name, args);
      return { name };
    case 'create': {
      const [type, ...extra] = types;
      if (!type || extra.length > 0) {
        throw new UsageError(
          'create needs exactly one of --conversation, --engagement, --consumer, --ticketing',
        );
      }
      const ids = args
        .flatMap((a) => a.split(','))
        .map((id) => id.trim())
        .filter(Boolean);
      if (ids.length === 0) throw new UsageError(`create --${type} needs at least one id`);
      return { name, type, ids };
    }
    case 'get':
    case 'cancel':
      return { name, requestId: exactlyOne(name, args) };
    case 'list':
      noArguments(name, args);
      for (const date of [values.from, values.to]) {
        if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
          throw new UsageError('--from and --to take a date as yyyy-mm-dd');
        }
      }
      return { name, status: values.status?.toUpperCase(), fromDate: values.from, toDate: values.to };
    default:
      throw new UsageError(`unknown command "${name}"`);
  }
}

function noArguments(name: string, args: string[]) {
  if (args.length > 0) throw new UsageError(`${name} takes no arguments`);
}

function exactlyOne(name: string, args: string[]): string {
  const [first] = args;
  if (args.length !== 1 || first === undefined) throw new UsageError(`${name} needs exactly one request id`);
  return first;
}

const CREDENTIAL_VARS = [
  'LP_CLIENT_ID',
  'LP_CLIENT_SECRET',
  'LP_APP_KEY',
  'LP_APP_SECRET',
  'LP_ACCESS_TOKEN',
  'LP_ACCESS_TOKEN_SECRET',
  'LP_BEARER_TOKEN',
];

/**
 * The sandbox gets fresh OAuth 2.0 credentials and replaces every LivePerson URL and credential from the
 * environment: real credentials are never offered to it, and a fresh clone needs no settings at all.
 */
async function startCliSandbox(env: LpIo['env'], now: () => Date) {
  const clientId = `sandbox-${randomBytes(4).toString('hex')}`;
  const clientSecret = randomBytes(16).toString('hex');
  const accountId = env.LP_ACCOUNT_ID?.trim() || '12345678';
  const sandbox = await startSandbox({
    accountId,
    now,
    legacyTicketing: /^(true|1|yes)$/i.test(env.LP_LEGACY_TICKETING ?? ''),
    monthlyLimit: Number(env.LP_MONTHLY_LIMIT) > 0 ? Number(env.LP_MONTHLY_LIMIT) : undefined,
    credentials: { oauth2: { clientId, clientSecret } },
  });
  const sandboxEnv: LpIo['env'] = { ...env };
  for (const name of CREDENTIAL_VARS) delete sandboxEnv[name];
  Object.assign(sandboxEnv, {
    LP_ACCOUNT_ID: accountId,
    LP_DOMAIN_API_URL: sandbox.url,
    LP_RTBF_URL: undefined,
    LP_SENTINEL_URL: undefined,
    LP_CLIENT_ID: clientId,
    LP_CLIENT_SECRET: clientSecret,
  });
  return { sandbox, env: sandboxEnv };
}

interface Context {
  client: LivePersonClient;
  config: CoreConfig;
  now: () => Date;
  io: LpIo;
  json: boolean;
}

async function execute(command: Command, ctx: Context): Promise<number> {
  const out = (human: string, machine: unknown) =>
    ctx.io.stdout.write(ctx.json ? `${JSON.stringify(machine, null, 2)}\n` : human);
  switch (command.name) {
    case 'check': {
      const report = await runCheck(ctx);
      out(formatCheck(report), { ok: true, ...report });
      return EXIT_OK;
    }
    case 'create': {
      const record = await ctx.client.create(command.type, command.ids);
      out(`LivePerson accepted the deletion request.\n${formatRecord(record)}`, record);
      return EXIT_OK;
    }
    case 'get': {
      const record = await ctx.client.get(command.requestId);
      if (!record) {
        ctx.io.stderr.write(`LivePerson has no deletion request ${command.requestId}.\n`);
        if (ctx.json) ctx.io.stdout.write('null\n');
        return EXIT_API_ERROR;
      }
      out(formatRecord(record), record);
      return EXIT_OK;
    }
    case 'list': {
      const records = await ctx.client.list(command);
      out(formatRecordTable(records), records);
      return EXIT_OK;
    }
    case 'cancel': {
      const record = await ctx.client.cancel(command.requestId);
      out(`LivePerson cancelled the deletion request.\n${formatRecord(record)}`, record);
      return EXIT_OK;
    }
  }
}

async function runCheck(ctx: Context): Promise<CheckReport> {
  const check = await ctx.client.check();
  const timeZone = ctx.config.quotaTimeZone;
  const toDate = dateIn(ctx.now(), timeZone);
  const fromDate = `${toDate.slice(0, 8)}01`;
  const records = await ctx.client.list({ fromDate, toDate });
  return {
    ...check,
    accountId: ctx.config.liveperson.accountId,
    domainApiUrl: ctx.config.liveperson.domainApiUrl,
    month: { fromDate, toDate, timeZone, count: records.length, limit: ctx.config.monthlyLimit },
  };
}

/** yyyy-mm-dd of an instant in a time zone ('en-CA' formats dates that way). */
function dateIn(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

function reportFailure(err: unknown, io: LpIo, json: boolean): number {
  if (err instanceof ConfigError) {
    io.stderr.write(`${err.message}\n`);
    if (json)
      io.stdout.write(
        `${JSON.stringify({ ok: false, error: { code: err.code, problems: err.problems } })}\n`,
      );
    return EXIT_USAGE;
  }
  const { what, next } = describeForPeople(err);
  const lp = err instanceof LivePersonError ? err : undefined;
  const technical = lp
    ? `${lp.code}${lp.httpStatus ? `, HTTP ${lp.httpStatus}` : ''}: ${lp.message}`
    : undefined;
  io.stderr.write(`Error: ${what}\nNext:  ${next}\n${technical ? `(${technical})\n` : ''}`);
  if (json) {
    const error = { code: lp?.code ?? 'UNEXPECTED', httpStatus: lp?.httpStatus, what, next };
    io.stdout.write(`${JSON.stringify({ ok: false, error }, null, 2)}\n`);
  }
  return EXIT_API_ERROR;
}
