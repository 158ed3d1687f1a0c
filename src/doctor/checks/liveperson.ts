import type { Clock } from '../../domain/clock.js';
import { createLivePersonClient, type LivePersonClientDeps } from '../../liveperson/client.js';
import { NO_RETRY } from '../../liveperson/gateway.js';
import { LivePersonError } from '../../liveperson/liveperson-error.js';
import { hostOf, networkCause } from '../network-cause.js';
import type { CoreConfig } from '../../config.js';
import { AUTH_KINDS, failed, passed, type CheckResult } from '../result.js';

export interface LivePersonCheckDeps {
  /** Extra LivePerson client dependencies; the doctor's default is no read retries, to answer quickly. */
  lpDeps?: LivePersonClientDeps;
  now?: Clock;
}

const CREDENTIAL_SETTINGS = {
  oauth2: 'LP_CLIENT_ID and LP_CLIENT_SECRET',
  oauth1: 'LP_APP_KEY, LP_APP_SECRET, LP_ACCESS_TOKEN and LP_ACCESS_TOKEN_SECRET',
  bearer: 'LP_BEARER_TOKEN',
} as const;

/** LivePerson's services an operation talks to: what each is called, and the setting for its address. */
const SERVICES = {
  domain: { role: 'Domain API', setting: 'LP_DOMAIN_API_URL' },
  token: { role: 'token service', setting: 'LP_SENTINEL_URL' },
  rtbf: { role: 'deletion API', setting: 'LP_RTBF_URL' },
} as const;

/**
 * The host a failed operation was talking to, when the settings name it (`role` then says which service it
 * is, as the host alone does not); else LivePerson's name for it, found through LP_DOMAIN_API_URL.
 */
function hostFor(err: LivePersonError, core: CoreConfig): { host: string; setting: string; role: string } {
  const lp = core.liveperson;
  const service = err.operation === 'domain' || err.operation === 'token' ? err.operation : 'rtbf';
  const url = { domain: lp.domainApiUrl, token: lp.sentinelUrl, rtbf: lp.rtbfUrl }[service];
  const { role, setting } = SERVICES[service];
  return url
    ? { host: hostOf(url), setting, role: ` (${role})` }
    : { host: `LivePerson's ${role}`, setting: 'LP_DOMAIN_API_URL', role: '' };
}

/** The network code of a failure without an answer (the client keeps it, or names it in its message). */
function networkCodeOf(err: LivePersonError): string | undefined {
  if (err.networkCode) return err.networkCode;
  if (/timed out/.test(err.message)) return 'ETIMEDOUT';
  return /\(([A-Z][A-Z0-9_]+)\)\s*$/.exec(err.message)?.[1];
}

const AGAIN = 'then run the doctor again';

/** What went wrong, the cause first (DNS, refused, a status), and the one fix: one line under 160 characters. */
function livePersonFailure(err: unknown, core: CoreConfig): { detail: string; fix: string } {
  const lp = core.liveperson;
  if (!(err instanceof LivePersonError)) {
    return {
      detail: 'the LivePerson check failed unexpectedly',
      fix: `${AGAIN}; if it persists, see the log`,
    };
  }
  const { host, setting, role } = hostFor(err, core);
  const code = networkCodeOf(err);
  const noAnswer = err.code === 'LP_UNREACHABLE' || err.code === 'LP_DOMAIN_LOOKUP_FAILED';
  if (err.httpStatus === undefined && (noAnswer || code)) {
    return {
      detail: `${networkCause(host, err, { code, timeoutMs: lp.timeoutMs })}${role}`,
      fix: `check the network and ${setting}`,
    };
  }
  const status = err.httpStatus === undefined ? '' : ` (HTTP ${err.httpStatus})`;
  switch (err.code) {
    case 'LP_UNAUTHORIZED':
      return {
        detail: `LivePerson refused the credentials${status}`,
        fix: `check ${CREDENTIAL_SETTINGS[lp.auth.kind]} (and LP_ACCOUNT_ID)`,
      };
    case 'LP_FORBIDDEN':
      return {
        detail: `LivePerson refused access${status}`,
        fix: 'give the API key the Personal Data Deletion permission (README, step 2), or check LP_ACCOUNT_ID',
      };
    case 'LP_NOT_FOUND':
    case 'LP_DOMAIN_LOOKUP_FAILED':
      if ((err.httpStatus ?? 0) >= 500) break;
      return {
        detail: `LivePerson does not know account ${lp.accountId}${status}`,
        fix: `check LP_ACCOUNT_ID (your site id) and ${setting}`,
      };
    case 'LP_INSECURE_URL': {
      const insecure = err.setting ?? setting;
      return {
        detail: `${insecure} is not an https:// address`,
        fix: `set ${insecure} to an https:// address (plain http:// only for localhost)`,
      };
    }
  }
  return {
    detail: `${host} failed${status}: ${err.message}`.slice(0, 100),
    fix: `${AGAIN} later; if it persists, contact LivePerson support`,
  };
}
export async function checkLivePerson(core: CoreConfig, deps: LivePersonCheckDeps): Promise<CheckResult> {
  const name = 'liveperson';
  const client = createLivePersonClient(core.liveperson, {
    retry: NO_RETRY,
    ...(deps.now ? { now: deps.now } : {}),
    ...deps.lpDeps,
  });
  try {
    const check = await client.check();
    const sentinel = check.sentinelHost ? `, token from ${check.sentinelHost}` : '';
    return passed(
      name,
      `account ${core.liveperson.accountId}: deletion API at ${check.rtbfHost}${sentinel}, ${AUTH_KINDS[check.authKind]} credentials accepted`,
    );
  } catch (err) {
    const { detail, fix } = livePersonFailure(err, core);
    return failed(name, detail, fix);
  }
}
