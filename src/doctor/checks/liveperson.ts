import { createLivePersonClient, type LivePersonClientDeps } from '../../liveperson/client.js';
import { describeForPeople, LivePersonError } from '../../liveperson/errors.js';
import type { CoreConfig } from '../../config.js';
import type { CheckResult } from '../result.js';

export interface LivePersonCheckDeps {
  /** Extra LivePerson client dependencies; the doctor's default is no read retries, to answer quickly. */
  lpDeps?: LivePersonClientDeps;
  now?: () => Date;
}

const CREDENTIAL_SETTINGS = {
  oauth2: 'LP_CLIENT_ID and LP_CLIENT_SECRET',
  oauth1: 'LP_APP_KEY, LP_APP_SECRET, LP_ACCESS_TOKEN and LP_ACCESS_TOKEN_SECRET',
  bearer: 'LP_BEARER_TOKEN',
} as const;

/** Which settings decide the outcome of a failed check, so the fix can name them. */
function lpSettingsFor(err: unknown, core: CoreConfig): string {
  const lp = core.liveperson;
  if (!(err instanceof LivePersonError)) return 'the LP_… settings';
  const domainSetting = (host: 'rtbf' | 'sentinel') =>
    (host === 'rtbf' ? lp.rtbfUrl : lp.sentinelUrl)
      ? `LP_${host.toUpperCase()}_URL`
      : 'LP_DOMAIN_API_URL and LP_ACCOUNT_ID';
  if (err.setting) return err.setting;
  switch (err.code) {
    case 'LP_UNAUTHORIZED':
    case 'LP_FORBIDDEN':
      return CREDENTIAL_SETTINGS[lp.auth.kind];
    case 'LP_DOMAIN_LOOKUP_FAILED':
      return 'LP_ACCOUNT_ID and LP_DOMAIN_API_URL';
    case 'LP_NOT_FOUND':
      return 'LP_ACCOUNT_ID';
    default:
      if (err.operation === 'domain') return 'LP_DOMAIN_API_URL';
      if (err.operation === 'token') return domainSetting('sentinel');
      return domainSetting('rtbf');
  }
}

export async function checkLivePerson(core: CoreConfig, deps: LivePersonCheckDeps): Promise<CheckResult> {
  const name = 'liveperson';
  const client = createLivePersonClient(core.liveperson, {
    retryDelaysMs: [],
    ...(deps.now ? { now: deps.now } : {}),
    ...deps.lpDeps,
  });
  try {
    const check = await client.check();
    const auth = { oauth2: 'OAuth 2.0', oauth1: 'OAuth 1.0a', bearer: 'bearer token' }[check.authKind];
    const sentinel = check.sentinelHost ? `, token from ${check.sentinelHost}` : '';
    return {
      name,
      ok: true,
      detail: `account ${core.liveperson.accountId}: deletion API at ${check.rtbfHost}${sentinel}, ${auth} credentials accepted`,
    };
  } catch (err) {
    const people = describeForPeople(err);
    const cause = err instanceof LivePersonError ? ` (${err.message})` : '';
    return {
      name,
      ok: false,
      detail: `${people.what}${cause}`,
      fix: `${people.next} Settings involved: ${lpSettingsFor(err, core)}.`,
    };
  }
}
