import type { Progress } from './progress.js';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ConfigError, loadCoreConfig, type CoreConfig } from '../config.js';
import { validateIdsText } from '../domain/ids.js';
import { MAX_IDS_PER_REQUEST } from '../domain/types.js';
import { DELETION_TYPES, type DeletionType } from '../domain/types.js';
import {
  createLivePersonClient,
  type LivePersonClient,
  type LivePersonClientDeps,
} from '../liveperson/client.js';
import { describeForPeople, LivePersonError } from '../liveperson/errors.js';
import { startSandbox, type Sandbox } from '../liveperson/sandbox.js';
import { seedDemoHistory } from '../liveperson/sandbox-history/demo-seed.js';
import { createHistoryStandIn } from '../liveperson/sandbox-history/history-sandbox.js';
import {
  formatCheck,
  formatCreatePlan,
  formatRecord,
  formatRecordTable,
  type CheckReport,
  type CreatePlan,
} from './lp-format.js';

/**
 * `npm run lp -- <command>`: talk to LivePerson's deletion API by hand (check the set-up, file, look up,
 * list, cancel). All logic lives here so tests can run it in-process against the sandbox.
 */

export interface LpIo {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /**
   * Where `create` reads its confirmation. Only a terminal (`isTTY`) is asked; without one (a pipe, a
   * script, no stdin at all) `create` needs --yes.
   */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Clock for the month shown by `check` (and the sandbox). */
  now?: () => Date;
  /** Shows that LivePerson is being waited for (a spinner on a terminal); none in tests. */
  progress?: Pick<Progress, 'run'>;
  /** Extra client dependencies (tests: quicker retries). */
  clientDeps?: LivePersonClientDeps;
}

export const EXIT_OK = 0;
/** LivePerson refused or failed, or the person declined to file. */
export const EXIT_API_ERROR = 1;
/** A usage error: bad arguments, invalid ids, missing settings, or create without --yes off a terminal. */
export const EXIT_USAGE = 2;

const HELP_POINTER = 'Run "npm run lp -- --help" for the commands and their options.';
/** LivePerson's request ids are longs. */
const REQUEST_ID = /^\d{1,19}$/;
const LIST_STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'CANCELED', 'DONE'] as const;

export const LP_USAGE = `Usage: npm run lp -- <command> [options]

Commands:
  check                                   Domain API look-up, credentials, this month's request count
  create --conversation|--engagement|--consumer|--ticketing <id> [<id>…] [--yes]
                                          File one deletion request (one type, up to 100 ids).
                                          The ids are checked and de-duplicated as in the Slack form,
                                          and what will be filed is shown first. On a terminal you are
                                          asked to confirm; elsewhere --yes is required.
  get <requestId>                         Show one request and its status (LivePerson's id: digits)
  list [--status S] [--from yyyy-mm-dd] [--to yyyy-mm-dd]
                                          List requests (S: NOT_STARTED, IN_PROGRESS, CANCELED, DONE)
  cancel <requestId>                      Cancel a request (possible for 5 days after filing)

Options:
  --yes, -y   create: file without asking (needed when stdin is not a terminal)
  --json      Machine-readable output on stdout
  --sandbox   Run against an in-process LivePerson sandbox (nothing is sent to LivePerson)
  --help      Show this help

Exit codes: 0 done; 1 LivePerson refused or failed, or you declined to file; 2 usage error (bad
arguments or ids, missing settings, create without --yes off a terminal): nothing was sent.

Settings come from the environment or .env: LP_ACCOUNT_ID and one credential set
(LP_CLIENT_ID + LP_CLIENT_SECRET, or LP_APP_KEY + LP_APP_SECRET + LP_ACCESS_TOKEN + LP_ACCESS_TOKEN_SECRET,
or LP_BEARER_TOKEN). See .env.example.
`;

class UsageError extends Error {}

type Command =
  | { name: 'check' }
  | { name: 'create'; type: DeletionType; texts: string[]; yes: boolean }
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
    return usageError(io, err instanceof Error ? err.message : String(err));
  }
  if (parsed.help) {
    io.stdout.write(LP_USAGE);
    return EXIT_OK;
  }
  if (!parsed.command) return usageError(io, 'which command? check, create, get, list or cancel');
  const command = parsed.command;
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
    const ctx: Context = { config, now, io, json: parsed.json };
    if (command.name === 'create') {
      // Checked and confirmed before a client exists: nothing can reach LivePerson until then.
      const approved = await prepareCreate(command, ctx);
      if (typeof approved === 'number') return approved;
      return await waiting(ctx, 'Sending the deletion request', () =>
        execute(approved, ctx, createClient(config, ctx)),
      );
    }
    return await waiting(ctx, `Asking LivePerson (${command.name})`, () =>
      execute(command, ctx, createClient(config, ctx)),
    );
  } catch (err) {
    return reportFailure(err, io, parsed.json, command, now);
  } finally {
    await sandbox?.close();
  }
}

/** Runs a LivePerson call under the progress indicator, when there is one. */
function waiting<T>(ctx: Context, label: string, work: () => Promise<T>): Promise<T> {
  return ctx.io.progress ? ctx.io.progress.run(label, 'LivePerson', work) : work();
}

function createClient(config: CoreConfig, ctx: Context): LivePersonClient {
  return createLivePersonClient(config.liveperson, { now: ctx.now, ...ctx.io.clientDeps });
}

/** One line saying what is wrong, one pointing at --help; exit 2. */
function usageError(io: LpIo, message: string): number {
  io.stderr.write(`lp: ${message}\n${HELP_POINTER}\n`);
  return EXIT_USAGE;
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
        yes: { type: 'boolean', short: 'y' },
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
    // parseArgs names the offending option; its message holds nothing secret. Its first line is enough.
    const message = err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : '';
    throw new UsageError(message || 'invalid arguments');
  }
  const flags = { help: values.help ?? false, json: values.json ?? false, sandbox: values.sandbox ?? false };
  const [name, ...args] = positionals;
  if (flags.help || name === undefined) return flags;
  const types = DELETION_TYPES.filter((t) => values[t]);
  const listOnly = values.status !== undefined || values.from !== undefined || values.to !== undefined;
  if (name !== 'create' && types.length > 0) throw new UsageError(`--${types[0]} is only valid with create`);
  if (name !== 'create' && values.yes) throw new UsageError('--yes is only valid with create');
  if (name !== 'list' && listOnly) throw new UsageError('--status, --from and --to are only valid with list');
  return { ...flags, command: toCommand(name, args, types, values) };
}

function toCommand(
  name: string,
  args: string[],
  types: DeletionType[],
  values: { status?: string; from?: string; to?: string; yes?: boolean },
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
      if (args.every((a) => a.trim() === '')) {
        throw new UsageError(`create --${type} needs at least one id after the type`);
      }
      return { name, type, texts: args, yes: values.yes ?? false };
    }
    case 'get':
    case 'cancel':
      return { name, requestId: requestIdArgument(name, args) };
    case 'list':
      noArguments(name, args);
      return { name, ...listFilter(values) };
    default:
      throw new UsageError(`unknown command "${name}": use check, create, get, list or cancel`);
  }
}

function noArguments(name: string, args: string[]) {
  if (args.length > 0) throw new UsageError(`${name} takes no arguments; its filters are options`);
}

function requestIdArgument(name: 'get' | 'cancel', args: string[]): string {
  const [first] = args;
  if (args.length !== 1 || first === undefined) {
    throw new UsageError(`${name} needs exactly one LivePerson request id, such as 127223`);
  }
  const id = first.trim();
  if (!REQUEST_ID.test(id)) {
    // The value is not repeated: it may be a deletion id pasted in the wrong place.
    throw new UsageError(
      `${name} needs LivePerson's request id: digits only, such as 127223 (not lp-delete's DR-… id)`,
    );
  }
  return id;
}

function listFilter(values: { status?: string; from?: string; to?: string }) {
  const status = values.status?.trim().toUpperCase();
  if (status !== undefined && !(LIST_STATUSES as readonly string[]).includes(status)) {
    throw new UsageError(`--status takes one of ${LIST_STATUSES.join(', ')}`);
  }
  for (const [option, date] of [
    ['--from', values.from],
    ['--to', values.to],
  ] as const) {
    if (date !== undefined && !isCalendarDate(date)) {
      throw new UsageError(`${option} takes a calendar date as yyyy-mm-dd, such as 2025-03-01`);
    }
  }
  if (values.from !== undefined && values.to !== undefined && values.from > values.to) {
    throw new UsageError('--from must not be after --to');
  }
  return { status, fromDate: values.from, toDate: values.to };
}

function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
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
  // The history stand-ins too, with a fictional person to find (erasing a person, offline).
  const history = createHistoryStandIn({ accountId, now });
  seedDemoHistory(history, now());
  const sandbox = await startSandbox({
    extensions: [history],
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
  config: CoreConfig;
  now: () => Date;
  io: LpIo;
  json: boolean;
}

/** A create whose ids passed the form's checks and that the person confirmed. */
type ApprovedCreate = { name: 'create'; type: DeletionType; ids: string[] };

/**
 * The Slack form's guards for `create`: the same id checks and de-duplication (domain/ids.ts), then what
 * will be filed, then a confirmation (a question on a terminal, --yes elsewhere). Returns an exit code
 * when nothing is to be filed.
 */
async function prepareCreate(
  command: Extract<Command, { name: 'create' }>,
  ctx: Context,
): Promise<ApprovedCreate | number> {
  const { io } = ctx;
  const lp = ctx.config.liveperson;
  const checked = validateIdsText(command.type, command.texts, {
    accountId: lp.accountId,
    legacyTicketing: lp.legacyTicketing,
    // One LivePerson request: no splitting here.
    maxIds: MAX_IDS_PER_REQUEST,
  });
  if (!checked.ok) {
    for (const error of checked.errors) io.stderr.write(`lp create: ${error.message}\n`);
    io.stderr.write('Nothing was filed.\n');
    refusalJson(ctx, 'INVALID_IDS', checked.errors.map((e) => e.message).join(' '));
    return EXIT_USAGE;
  }
  const terminal = io.stdin?.isTTY === true;
  const plan: CreatePlan = {
    accountId: lp.accountId,
    type: command.type,
    ids: checked.ids,
    duplicatesDropped: checked.duplicatesDropped,
    notes: checked.notes,
  };
  // The ids themselves are listed only to a person at a terminal; a script's output may end up in a log.
  io.stderr.write(formatCreatePlan(plan, { showIds: terminal }));
  if (command.yes) return { name: 'create', type: command.type, ids: checked.ids };
  if (!terminal || !io.stdin) {
    io.stderr.write(
      'lp create: nothing was filed: stdin is not a terminal, so there is no one to confirm. ' +
        'Add --yes to file without asking.\n' +
        `${HELP_POINTER}\n`,
    );
    refusalJson(ctx, 'CONFIRMATION_REQUIRED', 'Add --yes to file without asking.');
    return EXIT_USAGE;
  }
  io.stderr.write('File this deletion request with LivePerson now? Type "yes" to confirm: ');
  const answer = await readLine(io.stdin);
  if (!/^\s*y(es)?\s*$/i.test(answer ?? '')) {
    io.stderr.write('Nothing was filed. Run the command again when you want to file it.\n');
    refusalJson(ctx, 'DECLINED', 'Run the command again when you want to file it.');
    return EXIT_API_ERROR;
  }
  return { name: 'create', type: command.type, ids: checked.ids };
}

function refusalJson(ctx: Context, code: string, next: string) {
  if (!ctx.json) return;
  const error = { code, what: 'Nothing was filed.', next };
  ctx.io.stdout.write(`${JSON.stringify({ ok: false, error }, null, 2)}\n`);
}

/** The first line typed (or undefined at end of input). */
async function readLine(input: NodeJS.ReadableStream): Promise<string | undefined> {
  const lines = createInterface({ input, terminal: false, crlfDelay: Infinity });
  try {
    for await (const line of lines) return line;
    return undefined;
  } finally {
    lines.close();
  }
}

async function execute(
  command: Exclude<Command, { name: 'create' }> | ApprovedCreate,
  ctx: Context,
  client: LivePersonClient,
): Promise<number> {
  const out = (human: string, machine: unknown) =>
    ctx.io.stdout.write(ctx.json ? `${JSON.stringify(machine, null, 2)}\n` : human);
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
            'Next:  Check the request id; "npm run lp -- list" shows the requests LivePerson holds.\n',
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
  const toDate = dateIn(ctx.now(), timeZone);
  const fromDate = `${toDate.slice(0, 8)}01`;
  const records = await client.list({ fromDate, toDate });
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

function reportFailure(err: unknown, io: LpIo, json: boolean, command: Command, now: () => Date): number {
  if (err instanceof ConfigError) {
    io.stderr.write(`${err.message}\n`);
    if (json)
      io.stdout.write(
        `${JSON.stringify({ ok: false, error: { code: err.code, problems: err.problems } })}\n`,
      );
    return EXIT_USAGE;
  }
  const people = describeForPeople(err);
  const what = people.what;
  const next = cliAdvice(err, command, now) ?? people.next;
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

/**
 * describeForPeople speaks to Slack users (`status`, "file it again"); here the advice names the lp
 * command that answers the question. Undefined where the general advice already fits.
 */
function cliAdvice(err: unknown, command: Command, now: () => Date): string | undefined {
  if (!(err instanceof LivePersonError)) return undefined;
  const unsure = err.code === 'LP_OUTCOME_UNKNOWN' || err.code === 'LP_BAD_RESPONSE';
  if (command.name === 'create' && unsure && err.operation === 'create') {
    // From yesterday: a request filed just before midnight UTC is still listed.
    const since = new Date(now().getTime() - 86_400_000).toISOString().slice(0, 10);
    return (
      `Before filing again, run "npm run lp -- list --from ${since}" and look for a request made just now; ` +
      'filing it twice would spend two of this month’s requests.'
    );
  }
  if (command.name === 'cancel') {
    const look = `"npm run lp -- get ${command.requestId}"`;
    if (unsure) return `Run ${look} to see whether LivePerson cancelled it before trying again.`;
    if (err.code === 'LP_BAD_REQUEST') {
      return `A request can be cancelled only once and only within 5 days of filing; run ${look} to see its status.`;
    }
    if (err.code === 'LP_NOT_FOUND') {
      return 'Check the request id ("npm run lp -- list" shows the requests LivePerson holds) and LP_ACCOUNT_ID.';
    }
  }
  return undefined;
}
