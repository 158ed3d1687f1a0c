import { dirname } from 'node:path';
import { checkLivePersonUrl } from './liveperson/transport.js';
import { z } from 'zod';

/**
 * Every setting comes from the environment (index.ts loads a local `.env` first). Parsing collects all
 * problems at once so a misconfigured start-up names everything to fix in one message.
 */

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(blankToUndefined, z.string().trim().optional());
// Case-insensitive: TRUE, True and true all mean the same (as do yes/no and 1/0).
const boolish = z.preprocess(
  (v) => (typeof v === 'string' ? blankToUndefined(v.trim().toLowerCase()) : v),
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .optional()
    .transform((v) => v === 'true' || v === '1' || v === 'yes'),
);
const positiveInt = (fallback: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ message: 'must be a whole number' })
      .int({ message: 'must be a whole number' })
      .positive({ message: 'must be greater than 0' })
      .default(fallback),
  );
const httpUrl = z
  .string()
  .trim()
  .refine((v) => /^https?:\/\/[^\s/]+/.test(v), { message: 'must be an http:// or https:// URL' })
  .transform((v) => v.replace(/\/+$/, ''));
const optionalUrl = z.preprocess(blankToUndefined, httpUrl.optional());

/**
 * LivePerson URLs carry credentials and deletion ids: https only, except a loopback host (the sandbox,
 * a local proxy). One rule, src/liveperson/transport.ts, which the LivePerson client applies when it calls.
 */
const secureUrl = httpUrl.refine((v) => checkLivePersonUrl(v, 'url') === null, {
  message: 'must be an https:// URL (plain http:// only for localhost or 127.0.0.1)',
});
const optionalSecureUrl = z.preprocess(blankToUndefined, secureUrl.optional());
const timeZone = z.preprocess(
  blankToUndefined,
  z
    .string()
    .default('UTC')
    .refine(
      (tz) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      },
      { message: 'must be an IANA time zone name such as UTC or Europe/Berlin' },
    ),
);
// Slack ids are upper case and Slack accepts c0123abcd for C0123ABCD, so a lower-case copy is normalised.
// Only values with a digit: real ids have them, and "general" is a channel name, not the id G-ENERAL.
const upperCaseId = (s: string) => (/\d/.test(s) ? s.toUpperCase() : s);
const upperCase = (v: unknown) =>
  typeof v === 'string'
    ? blankToUndefined(
        v
          .trim()
          .split(/([\s,]+)/)
          .map(upperCaseId)
          .join(''),
      )
    : v;
const idList = (pattern: RegExp, what: string) =>
  z.preprocess(
    upperCase,
    z
      .string()
      .optional()
      .transform((v) =>
        (v ?? '')
          .split(/[\s,]+/)
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .refine((ids) => ids.every((id) => pattern.test(id)), {
        message: `must be a comma-separated list of ${what}`,
      }),
  );
const slackUserIds = idList(/^[UW][A-Z0-9]+$/, 'Slack user ids (U…)');

const rawSchema = z.object({
  LP_ACCOUNT_ID: z.preprocess(
    blankToUndefined,
    z
      .string({ message: 'is required: your LivePerson account (site) id' })
      .trim()
      .regex(/^(le)?\d+$/i, {
        message: 'must be a LivePerson account id: digits, optionally prefixed with "le"',
      })
      .transform((v) => v.replace(/^le/i, '')),
  ),
  LP_CLIENT_ID: optionalString,
  LP_CLIENT_SECRET: optionalString,
  LP_APP_KEY: optionalString,
  LP_APP_SECRET: optionalString,
  LP_ACCESS_TOKEN: optionalString,
  LP_ACCESS_TOKEN_SECRET: optionalString,
  LP_BEARER_TOKEN: optionalString,
  LP_DOMAIN_API_URL: z.preprocess(blankToUndefined, secureUrl.default('https://api.liveperson.net')),
  LP_RTBF_URL: optionalSecureUrl,
  LP_SENTINEL_URL: optionalSecureUrl,
  LP_TIMEOUT_MS: positiveInt(15_000),
  LP_MONTHLY_LIMIT: positiveInt(100),
  LP_LEGACY_TICKETING: boolish,
  LP_CHAT_HISTORY: boolish,
  QUOTA_TIMEZONE: timeZone,
  DATA_DIR: z.preprocess(blankToUndefined, z.string().optional()),
  DATABASE_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(
        /^postgres(ql)?:\/\//,
        'DATABASE_URL must be a PostgreSQL URL such as postgres://user@host:5432/lpdelete',
      )
      .optional(),
  ),
  REPLICA_LEASE_SECONDS: positiveInt(30),
  /** lp-delete 0.1's setting: still read for one release (its folder becomes the data folder). */
  DATA_FILE: z.preprocess(blankToUndefined, z.string().optional()),
});

const PORT_RULE = 'must be a port number from 0 to 65535, such as 3000 (the HTTP port the app listens on)';

const slackSchema = z.object({
  SLACK_BOT_TOKEN: z.preprocess(
    blankToUndefined,
    z
      .string({ message: 'is required: the bot token (xoxb-…) from OAuth & Permissions' })
      .trim()
      .refine((v) => !v.startsWith('xapp-'), {
        message:
          'holds an app-level token (xapp-…): put it in SLACK_APP_TOKEN, and set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) from OAuth & Permissions',
        abort: true,
      })
      .refine((v) => !v.startsWith('xoxp-'), {
        message:
          'holds a user token (xoxp-…): set it to the Bot User OAuth Token (xoxb-…) from OAuth & Permissions instead',
        abort: true,
      })
      .refine((v) => v.startsWith('xoxb-'), {
        message: 'must be the Bot User OAuth Token starting with xoxb- (OAuth & Permissions)',
      }),
  ),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .refine((v) => !v.startsWith('xoxb-'), {
        message:
          'holds the bot token (xoxb-…): it belongs in SLACK_BOT_TOKEN; SLACK_APP_TOKEN is the app-level token (xapp-…) from Basic Information → App-Level Tokens',
        abort: true,
      })
      .refine((v) => v.startsWith('xapp-'), {
        message:
          'must be an app-level token starting with xapp- (Basic Information → App-Level Tokens, scope connections:write)',
      })
      .optional(),
  ),
  SLACK_API_URL: optionalUrl,
  PORT: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ message: PORT_RULE })
      .int({ message: PORT_RULE })
      .min(0, { message: PORT_RULE })
      .max(65535, { message: PORT_RULE })
      .default(3000),
  ),
  PRIVACY_CHANNEL_ID: z.preprocess(
    upperCase,
    z
      .string({ message: 'is required: the id (C…) of the channel where approvals are posted' })
      .regex(/^[CG][A-Z0-9]+$/, {
        message:
          "must be a Slack channel id such as C0123ABCD, not the channel's name (the id is at the bottom of the channel's details)",
      }),
  ),
  APPROVER_USER_IDS: slackUserIds,
  APPROVER_USERGROUP_ID: z.preprocess(
    upperCase,
    z
      .string()
      .regex(/^S[A-Z0-9]+$/, { message: 'must be a Slack user group id such as S0123ABCD' })
      .optional(),
  ),
  REQUESTER_USER_IDS: slackUserIds,
  APPROVAL_REMINDER_HOURS: positiveInt(24),
  APPROVAL_EXPIRY_DAYS: positiveInt(7),
  STATUS_POLL_MINUTES: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ message: 'must be a number of minutes' })
      .positive({ message: 'must be greater than 0' })
      .default(360),
  ),
  REQUESTER_USERGROUP_ID: z.preprocess(
    upperCase,
    z
      .string()
      .regex(/^S[A-Z0-9]+$/, { message: 'must be a Slack user group id such as S0123ABCD' })
      .optional(),
  ),
});

export type LivePersonAuth =
  | { kind: 'oauth2'; clientId: string; clientSecret: string }
  | { kind: 'oauth1'; appKey: string; appSecret: string; accessToken: string; accessTokenSecret: string }
  | { kind: 'bearer'; token: string };

export interface LivePersonConfig {
  accountId: string;
  auth: LivePersonAuth;
  domainApiUrl: string;
  rtbfUrl?: string;
  sentinelUrl?: string;
  timeoutMs: number;
  legacyTicketing: boolean;
  /** Also search chat engagements (Engagement History) when erasing a person. */
  chatHistory?: boolean;
}

export interface SlackConfig {
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  apiUrl?: string;
  port: number;
  privacyChannelId: string;
  approverUserIds: readonly string[];
  approverUsergroupId?: string;
  requesterUserIds: readonly string[];
  requesterUsergroupId?: string;
  /** A pending approval gets one reminder in its thread after this many hours. */
  approvalReminderHours: number;
  /** A pending approval expires after this many days. */
  approvalExpiryDays: number;
  /** Submitted requests are checked at LivePerson this often until final (decimals allowed). */
  statusPollMinutes: number;
}

export interface CoreConfig {
  liveperson: LivePersonConfig;
  monthlyLimit: number;
  quotaTimeZone: string;
  /** The data folder (DATA_DIR; or DATA_FILE's folder, for one release). */
  dataDir: string;
  /** DATA_FILE when still set: the old data file to convert, and a warning to move to DATA_DIR. */
  legacyDataFile?: string;
  /** When set, everything is kept in PostgreSQL (several replicas may run); the data folder is not used. */
  databaseUrl?: string;
  replicaLeaseSeconds: number;
}

export interface Config extends CoreConfig {
  slack: SlackConfig;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(
      `lp-delete cannot start: the configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}.\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nSet these in the environment or in a .env file (see .env.example and README.md).',
    );
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const CREDENTIAL_SETS = {
  oauth2: ['LP_CLIENT_ID', 'LP_CLIENT_SECRET'],
  oauth1: ['LP_APP_KEY', 'LP_APP_SECRET', 'LP_ACCESS_TOKEN', 'LP_ACCESS_TOKEN_SECRET'],
  bearer: ['LP_BEARER_TOKEN'],
} as const;

/**
 * What each setting must be, in our words: used for any problem a schema above has no message of its own
 * for (a wrong type, say), so zod's raw wording never reaches a person.
 */
const SETTING_RULES: Record<string, string> = {
  LP_ACCOUNT_ID: 'must be your LivePerson account (site) id: digits, optionally prefixed with "le"',
  LP_DOMAIN_API_URL: 'must be an https:// URL such as https://api.liveperson.net',
  LP_RTBF_URL: 'must be an https:// URL such as https://va.data.liveperson.net, or unset',
  LP_SENTINEL_URL: 'must be an https:// URL such as https://va.sentinel.liveperson.net, or unset',
  LP_TIMEOUT_MS: 'must be a whole number of milliseconds greater than 0, such as 15000',
  LP_MONTHLY_LIMIT: 'must be a whole number greater than 0, such as 100',
  LP_LEGACY_TICKETING: 'must be true or false',
  QUOTA_TIMEZONE: 'must be an IANA time zone name such as UTC or Europe/Berlin',
  DATA_FILE: 'must be a file path such as ./data/lp-delete.json',
  SLACK_BOT_TOKEN: 'must be the Bot User OAuth Token starting with xoxb- (OAuth & Permissions)',
  SLACK_SIGNING_SECRET: 'must be the Signing Secret from Basic Information',
  SLACK_APP_TOKEN: 'must be an app-level token starting with xapp- (Basic Information → App-Level Tokens)',
  SLACK_API_URL: 'must be an http:// or https:// URL, or unset to use Slack’s',
  PORT: PORT_RULE,
  PRIVACY_CHANNEL_ID: 'must be a Slack channel id such as C0123ABCD',
  APPROVER_USER_IDS: 'must be a comma-separated list of Slack user ids (U…)',
  APPROVER_USERGROUP_ID: 'must be a Slack user group id such as S0123ABCD',
  REQUESTER_USER_IDS: 'must be a comma-separated list of Slack user ids (U…)',
  REQUESTER_USERGROUP_ID: 'must be a Slack user group id such as S0123ABCD',
  APPROVAL_REMINDER_HOURS: 'must be a whole number of hours greater than 0, such as 24',
  APPROVAL_EXPIRY_DAYS: 'must be a whole number of days greater than 0, such as 7',
};

/** Parse options: a problem without a message of its own gets the setting's rule above. */
const OUR_WORDS = {
  error: (issue: { path?: PropertyKey[] }) => {
    const name = String(issue.path?.[0] ?? '');
    return SETTING_RULES[name] ?? 'has a value lp-delete does not understand: see .env.example';
  },
};

function issuesToProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    return `${name} ${issue.message}`;
  });
}

function resolveAuth(env: Env, problems: string[]): LivePersonAuth | undefined {
  const raw: Env = Object.fromEntries(
    Object.values(CREDENTIAL_SETS)
      .flat()
      .map((n) => [n, env[n]?.trim() || undefined]),
  );
  const present = (name: string) => raw[name] !== undefined;
  const complete: (keyof typeof CREDENTIAL_SETS)[] = [];
  for (const [kind, names] of Object.entries(CREDENTIAL_SETS) as [
    keyof typeof CREDENTIAL_SETS,
    readonly string[],
  ][]) {
    const set = names.filter((n) => present(n));
    if (set.length === names.length) complete.push(kind);
    else if (set.length > 0) {
      const missing = names.filter((n) => !set.includes(n));
      problems.push(
        `${set.join(', ')} set but ${missing.join(', ')} missing: a credential set must be complete`,
      );
    }
  }
  if (complete.length > 1) {
    problems.push(
      `more than one LivePerson credential set is configured (${complete
        .map((k) => CREDENTIAL_SETS[k].join(' + '))
        .join('; ')}): keep exactly one`,
    );
    return undefined;
  }
  if (complete.length === 0) {
    if (!problems.some((p) => p.includes('credential set must be complete'))) {
      problems.push(
        'no LivePerson credentials: set LP_CLIENT_ID + LP_CLIENT_SECRET (OAuth 2.0, preferred), or ' +
          'LP_APP_KEY + LP_APP_SECRET + LP_ACCESS_TOKEN + LP_ACCESS_TOKEN_SECRET (OAuth 1.0a), or LP_BEARER_TOKEN',
      );
    }
    return undefined;
  }
  const s = (v: string | undefined) => v ?? '';
  switch (complete[0]) {
    case 'oauth2':
      return { kind: 'oauth2', clientId: s(raw.LP_CLIENT_ID), clientSecret: s(raw.LP_CLIENT_SECRET) };
    case 'oauth1':
      return {
        kind: 'oauth1',
        appKey: s(raw.LP_APP_KEY),
        appSecret: s(raw.LP_APP_SECRET),
        accessToken: s(raw.LP_ACCESS_TOKEN),
        accessTokenSecret: s(raw.LP_ACCESS_TOKEN_SECRET),
      };
    default:
      return { kind: 'bearer', token: s(raw.LP_BEARER_TOKEN) };
  }
}

/** The LivePerson and store settings: enough for the `lp` command line and the audit tools. */
export function loadCoreConfig(env: Env = process.env): CoreConfig {
  const problems: string[] = [];
  const core = parseCore(env, problems);
  if (problems.length > 0 || !core) throw new ConfigError(problems);
  return core;
}

function parseCore(env: Env, problems: string[]): CoreConfig | undefined {
  const parsed = rawSchema.safeParse(env, OUR_WORDS);
  if (!parsed.success) problems.push(...issuesToProblems(parsed.error));
  const auth = resolveAuth(env, problems);
  if (!parsed.success || !auth) return undefined;
  const raw = parsed.data;
  return Object.freeze({
    liveperson: Object.freeze({
      accountId: raw.LP_ACCOUNT_ID,
      auth: Object.freeze(auth),
      domainApiUrl: raw.LP_DOMAIN_API_URL,
      rtbfUrl: raw.LP_RTBF_URL,
      sentinelUrl: raw.LP_SENTINEL_URL,
      timeoutMs: raw.LP_TIMEOUT_MS,
      legacyTicketing: raw.LP_LEGACY_TICKETING,
      chatHistory: raw.LP_CHAT_HISTORY,
    }),
    monthlyLimit: raw.LP_MONTHLY_LIMIT,
    quotaTimeZone: raw.QUOTA_TIMEZONE,
    dataDir: raw.DATA_DIR ?? (raw.DATA_FILE ? dirname(raw.DATA_FILE) : './data'),
    ...(raw.DATA_FILE && !raw.DATA_DIR ? { legacyDataFile: raw.DATA_FILE } : {}),
    ...(raw.DATABASE_URL ? { databaseUrl: raw.DATABASE_URL } : {}),
    replicaLeaseSeconds: raw.REPLICA_LEASE_SECONDS,
  });
}

/** Every setting the Slack app needs; throws one ConfigError listing every problem. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const core = parseCore(env, problems);
  const parsedSlack = slackSchema.safeParse(env, OUR_WORDS);
  if (!parsedSlack.success) problems.push(...issuesToProblems(parsedSlack.error));
  // Cross-field rules are checked on the raw environment so they are reported alongside any other problem.
  const set = (name: string) => Boolean(env[name]?.trim());
  if (!set('SLACK_APP_TOKEN') && !set('SLACK_SIGNING_SECRET')) {
    problems.push(
      'SLACK_SIGNING_SECRET is required in HTTP mode (Basic Information → Signing Secret); ' +
        'or set SLACK_APP_TOKEN (xapp-…) to use Socket Mode',
    );
  }
  if (!set('APPROVER_USER_IDS') && !set('APPROVER_USERGROUP_ID')) {
    problems.push(
      'no approvers: set APPROVER_USER_IDS (comma-separated U… ids) and/or APPROVER_USERGROUP_ID (S…)',
    );
  }
  let slack: SlackConfig | undefined;
  if (parsedSlack.success) {
    const s = parsedSlack.data;
    slack = Object.freeze({
      botToken: s.SLACK_BOT_TOKEN,
      signingSecret: s.SLACK_SIGNING_SECRET,
      appToken: s.SLACK_APP_TOKEN,
      apiUrl: s.SLACK_API_URL,
      port: s.PORT,
      privacyChannelId: s.PRIVACY_CHANNEL_ID,
      approverUserIds: Object.freeze([...s.APPROVER_USER_IDS]),
      approverUsergroupId: s.APPROVER_USERGROUP_ID,
      requesterUserIds: Object.freeze([...s.REQUESTER_USER_IDS]),
      requesterUsergroupId: s.REQUESTER_USERGROUP_ID,
      approvalReminderHours: s.APPROVAL_REMINDER_HOURS,
      approvalExpiryDays: s.APPROVAL_EXPIRY_DAYS,
      statusPollMinutes: s.STATUS_POLL_MINUTES,
    });
  }
  if (problems.length > 0 || !core || !slack) throw new ConfigError(problems);
  return Object.freeze({ ...core, slack });
}
