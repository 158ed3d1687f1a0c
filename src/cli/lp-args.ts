import { parseArgs } from 'node:util';
import { DELETION_TYPES, type DeletionType } from '../domain/types.js';

/** The `lp` command line's words: its usage text and the parsing of argv into one command. */

export const HELP_POINTER = 'Run "npm run -s lp -- --help" for the commands and their options.';
/** LivePerson's request ids are longs. */
const REQUEST_ID = /^\d{1,19}$/;
const LIST_STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'CANCELED', 'DONE'] as const;

export const LP_USAGE = `Usage: npm run -s lp -- <command> [options]

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

export type Command =
  | { name: 'check' }
  | { name: 'create'; type: DeletionType; texts: string[]; yes: boolean }
  | { name: 'get'; requestId: string }
  | { name: 'list'; status?: string; fromDate?: string; toDate?: string }
  | { name: 'cancel'; requestId: string };

export interface Parsed {
  command?: Command;
  help: boolean;
  json: boolean;
  sandbox: boolean;
}

export function parseCommandLine(argv: readonly string[]): Parsed {
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
  for (const option of ['from', 'to'] as const) {
    const date = values[option];
    if (date !== undefined && !isCalendarDate(date)) {
      throw new UsageError(`--${option} takes a calendar date as yyyy-mm-dd, such as 2025-03-01`);
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
