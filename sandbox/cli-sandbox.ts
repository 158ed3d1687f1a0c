import { randomBytes } from 'node:crypto';
import { seedDemoHistory } from './history/demo-seed.js';
import { createHistoryStandIn } from './history/history-stand-in.js';
import { startSandbox } from './rtbf/start-sandbox.js';

type Env = Record<string, string | undefined>;

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
 * `npm run lp -- --sandbox` (scripts/lp-sandbox.ts): the rtbf sandbox with the history stand-ins mounted.
 * The sandbox gets fresh OAuth 2.0 credentials and replaces every LivePerson URL and credential from the
 * environment: real credentials are never offered to it, and a fresh clone needs no settings at all.
 */
export async function startCliSandbox(env: Env, now: () => Date) {
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
  const credentials = new Set<string>(CREDENTIAL_VARS);
  const sandboxEnv: Env = Object.fromEntries(Object.entries(env).filter(([name]) => !credentials.has(name)));
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
