import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../log.js';
import {
  insecureUrl,
  networkError,
  type LivePersonApi,
  type LivePersonOperation,
} from './liveperson-error.js';

/**
 * Which addresses lp-delete may send LivePerson calls to. Every call carries credentials (a bearer token,
 * an OAuth 1.0a signature, a client secret) and most carry personal data (deletion ids), so they go over
 * https only. Plain http is accepted for this machine alone, where the sandbox and local tests run.
 *
 * config.ts checks the settings with `checkLivePersonUrl` at start-up; the client checks them again at
 * run time (a client can be built from any config) and upgrades hosts named by the Domain API to https.
 * `createTransport` is the one place a LivePerson call leaves the process.
 */

/** What to name when a URL is refused and no setting is known (e.g. the transport's own last check). */
export const LIVEPERSON_URL_SETTINGS = 'LP_DOMAIN_API_URL, LP_RTBF_URL or LP_SENTINEL_URL';

const LOOPBACK_RULE = 'plain http:// is accepted only for this machine: localhost, 127.x.x.x or [::1]';

/**
 * Loopback hosts as the WHATWG URL parser writes them (it lowercases names, turns `127.1` or `0x7f.0.0.1`
 * into `127.0.0.1`, and `[0:0:0:0:0:0:0:1]` into `[::1]`). `127.example.com` is a name, not loopback.
 */
export function isLoopbackHostname(hostname: string): boolean {
  return (
    hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/** True when the URL parses and names a loopback host; false for anything else, never throws. */
export function isLoopbackUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== undefined && isLoopbackHostname(parsed.hostname);
}

const EXAMPLES: Record<string, string> = {
  LP_DOMAIN_API_URL: ', such as the default https://api.liveperson.net',
  LP_RTBF_URL: ', such as https://va.data.liveperson.net, or leave it unset so the Domain API finds the host',
  LP_SENTINEL_URL:
    ', such as https://va.sentinel.liveperson.net, or leave it unset so the Domain API finds the host',
};

/**
 * Checks a LivePerson base URL (LP_DOMAIN_API_URL, LP_RTBF_URL, LP_SENTINEL_URL). Returns null when it
 * may be used, otherwise one sentence for a person that names `setting` and says what to set. The URL's
 * value is never repeated (it could hold a user name or password).
 */
export function checkLivePersonUrl(url: string, setting: string): string | null {
  const parsed = parseUrl(url.trim());
  if (parsed?.protocol === 'https:') return null;
  if (parsed?.protocol === 'http:' && isLoopbackHostname(parsed.hostname)) return null;
  const why = !parsed
    ? 'is not a URL'
    : parsed.protocol === 'http:'
      ? 'uses plain http, which would send credentials and deletion ids unencrypted'
      : `uses ${parsed.protocol.replace(/:$/, '')}`;
  return `${setting} ${why}: set it to an https:// address${EXAMPLES[setting] ?? ''} (${LOOPBACK_RULE}).`;
}

/**
 * The base URL for a bare host named by the Domain API. A LivePerson host is always called over https,
 * whatever scheme the Domain API itself was reached with; only a loopback host (the sandbox) keeps the
 * Domain API's scheme, so a local http sandbox still works end to end.
 */
export function baseUrlForHost(host: string, domainApiUrl: string): string {
  const candidate = parseUrl(`https://${host}`);
  if (candidate && isLoopbackHostname(candidate.hostname)) {
    const scheme = parseUrl(domainApiUrl)?.protocol ?? 'https:';
    return `${scheme}//${host}`;
  }
  return `https://${host}`;
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

export interface RawAnswer {
  status: number;
  body: string;
  /** The answer's `Date` header (LivePerson's clock, to the second), when it sent one. */
  date?: string;
}

export interface SendOptions {
  api: LivePersonApi;
  operation: LivePersonOperation;
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface Transport {
  send(options: SendOptions): Promise<RawAnswer>;
}

/** What the calls beside the gateway's own (the token and the Domain API look-ups) are made with. */
export interface CallDeps {
  accountId: string;
  transport: Transport;
  timeoutMs: number;
  now: Clock;
  log: Logger;
}

/**
 * One connection pool per destination for every LivePerson client in the process, kept alive between
 * calls: a submission makes several calls to the same hosts (token, domain, rtbf), and a new TCP and TLS
 * handshake for each costs more CPU than the call itself. Explicit rather than Node's global agents, whose
 * keep-alive default changed in Node 19 and which other code may reconfigure.
 */
const keepAlive = {
  keepAlive: true,
  keepAliveMsecs: 1_000,
  maxSockets: 32,
  maxFreeSockets: 8,
  scheduling: 'lifo' as const,
  // An idle socket is closed after 4 s, before a server's usual 5 s keep-alive timeout can close it
  // under a request (a POST lost that way would leave a submission's outcome unknown).
  timeout: 4_000,
};
const pooled = { httpAgent: new HttpAgent(keepAlive), httpsAgent: new HttpsAgent(keepAlive) };

/**
 * Every call to LivePerson goes through here: bodies stay raw text (so a broken answer is our parse
 * error, not axios's silent fallback), every status is returned (the caller classifies it), and network
 * failures become LivePersonErrors that never carry axios's config (which holds the Authorization header).
 * Logs hold harmless fields only (API, operation, method, status, durations).
 */
export function createTransport(http: AxiosInstance | undefined, log: Logger, now: Clock): Transport {
  const client = http ?? axios.create(pooled);
  return {
    async send({ api, operation, method, url, headers, body, timeoutMs }) {
      // Last line of defence: the resolver already refuses insecure settings with the setting's name.
      if (checkLivePersonUrl(url, LIVEPERSON_URL_SETTINGS)) {
        log.warn('lp.http.refused', { api, operation, method, reason: 'insecure_url' });
        throw insecureUrl(LIVEPERSON_URL_SETTINGS, operation, api);
      }
      const started = now().getTime();
      try {
        const response = await client.request<string>({
          method,
          url,
          headers,
          data: body,
          timeout: timeoutMs,
          responseType: 'text',
          // Keep the body exactly as received; parsing is ours.
          transformResponse: [(data: unknown) => data],
          validateStatus: () => true,
          transitional: { clarifyTimeoutError: true },
          maxRedirects: 0,
          // A proxy from HTTP(S)_PROXY can never reach a local sandbox; real LivePerson hosts still use it.
          ...(isLoopbackUrl(url) ? { proxy: false as const } : {}),
        });
        const durationMs = now().getTime() - started;
        log.info('lp.http', { api, operation, method, status: response.status, durationMs });
        const date: unknown = response.headers.date;
        return {
          status: response.status,
          body: typeof response.data === 'string' ? response.data : '',
          ...(typeof date === 'string' ? { date } : {}),
        };
      } catch (err) {
        const durationMs = now().getTime() - started;
        const code = axios.isAxiosError(err) ? err.code : undefined;
        log.warn('lp.http.failed', { api, operation, method, networkCode: code ?? 'UNKNOWN', durationMs });
        throw networkError(operation, code, api);
      }
    },
  };
}
