import type { z } from 'zod';

export const PORT_RULE =
  'must be a port number from 0 to 65535, such as 3000 (the HTTP port the app listens on)';

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

/**
 * What each setting must be, in our words: used for any problem a schema has no message of its own
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
export const OUR_WORDS = {
  error: (issue: { path?: PropertyKey[] }) => {
    const name = String(issue.path?.[0] ?? '');
    return SETTING_RULES[name] ?? 'has a value lp-delete does not understand: see .env.example';
  },
};

export function issuesToProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    return `${name} ${issue.message}`;
  });
}
