import { LivePersonError, isLivePersonError } from './errors.js';
import type { LpLogger, Transport } from './http.js';
import { domainAnswerSchema } from './schemas.js';

/** LivePerson's service names are case sensitive. */
export type LivePersonService = 'rtbf' | 'sentinel' | 'agentVep';

/** LivePerson's own SDK caches the Domain API answer for about a minute. */
export const DOMAIN_CACHE_TTL_MS = 60_000;

export interface DomainResolverOptions {
  accountId: string;
  domainApiUrl: string;
  /** Fixed base URLs (LP_RTBF_URL / LP_SENTINEL_URL) that skip the look-up. */
  overrides?: Partial<Record<LivePersonService, string | undefined>>;
  transport: Transport;
  timeoutMs: number;
  now: () => Date;
  log: LpLogger;
  ttlMs?: number;
}

export interface DomainResolver {
  /** The base URL (scheme + host, no trailing slash) of a service for this account. */
  baseUrl(service: LivePersonService): Promise<string>;
}

interface CacheEntry {
  baseUrl: string;
  fetchedAt: number;
}

/** A bare host, optionally with a port; LivePerson answers e.g. `va.data.liveperson.net`. */
const HOST_PATTERN = /^[a-z0-9.-]+(:\d{1,5})?$/i;

export function createDomainResolver(options: DomainResolverOptions): DomainResolver {
  const ttlMs = options.ttlMs ?? DOMAIN_CACHE_TTL_MS;
  // The Domain API answers a bare host; call it with the Domain API's own scheme so a local http sandbox
  // works end to end while production stays on https.
  const scheme = new URL(options.domainApiUrl).protocol;
  const cache = new Map<LivePersonService, CacheEntry>();
  const inFlight = new Map<LivePersonService, Promise<string>>();

  async function lookUp(service: LivePersonService): Promise<string> {
    const url =
      `${options.domainApiUrl}/api/account/${encodeURIComponent(options.accountId)}` +
      `/service/${encodeURIComponent(service)}/baseURI.json?version=1.0`;
    let answer;
    try {
      answer = await options.transport.send({
        operation: 'domain',
        method: 'GET',
        url,
        headers: { Accept: 'application/json' },
        timeoutMs: options.timeoutMs,
      });
    } catch (err) {
      throw lookupFailed(service, isLivePersonError(err) ? err.message : 'network error', undefined, true);
    }
    if (answer.status !== 200) {
      throw lookupFailed(service, `HTTP ${answer.status}`, answer.status, answer.status >= 500);
    }
    const host = parseBaseUri(answer.body);
    if (!host) throw lookupFailed(service, 'unreadable answer', answer.status, false);
    return `${scheme}//${host}`;
  }

  async function refresh(service: LivePersonService): Promise<string> {
    const existing = inFlight.get(service);
    if (existing) return existing;
    const pending = lookUp(service)
      .then((baseUrl) => {
        cache.set(service, { baseUrl, fetchedAt: options.now().getTime() });
        return baseUrl;
      })
      .finally(() => inFlight.delete(service));
    inFlight.set(service, pending);
    return pending;
  }

  return {
    async baseUrl(service) {
      const override = options.overrides?.[service];
      if (override) return override.replace(/\/+$/, '');
      const cached = cache.get(service);
      if (cached && options.now().getTime() - cached.fetchedAt < ttlMs) return cached.baseUrl;
      try {
        return await refresh(service);
      } catch (err) {
        // A stale host is far better than none: LivePerson rarely moves an account.
        if (cached) {
          options.log('lp.domain.stale', { service });
          return cached.baseUrl;
        }
        throw err;
      }
    },
  };
}

function parseBaseUri(body: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = domainAnswerSchema.safeParse(json);
  if (!parsed.success) return undefined;
  // Documented as a bare host; tolerate a scheme or trailing slash should one ever appear.
  const host = parsed.data.baseURI
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/+$/, '');
  return HOST_PATTERN.test(host) ? host : undefined;
}

function lookupFailed(service: string, why: string, httpStatus: number | undefined, retryable: boolean) {
  return new LivePersonError(
    'LP_DOMAIN_LOOKUP_FAILED',
    `LivePerson Domain API look-up of ${service} failed: ${why}`,
    {
      httpStatus,
      retryable,
      operation: 'domain',
    },
  );
}
