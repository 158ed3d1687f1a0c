import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { httpError, insecureUrl, LivePersonError, type LivePersonApi } from './liveperson-error.js';
import { baseUrlForHost, checkLivePersonUrl, type CallDeps } from './transport.js';

/** LivePerson's service names are case sensitive. */
export type LivePersonService = 'rtbf' | 'sentinel' | 'msgHist' | 'engHistDomain';

/** LivePerson's own SDK caches the Domain API answer for about a minute. */
const DOMAIN_CACHE_TTL_MS = 60_000;

interface DomainResolverOptions extends CallDeps {
  domainApiUrl: string;
  /** Fixed base URLs (LP_RTBF_URL / LP_SENTINEL_URL) that skip the look-up. */
  overrides?: Partial<Record<LivePersonService, string | undefined>>;
  ttlMs?: number;
}

export interface DomainResolver {
  /**
   * The base URL (scheme + host, no trailing slash) of a service for this account; a failure names `api`,
   * the API whose call needed it.
   */
  baseUrl(service: LivePersonService, api?: LivePersonApi): Promise<string>;
}

/** A bare host, optionally with a port; LivePerson answers e.g. `va.data.liveperson.net`. */
const HOST_PATTERN = /^[a-z0-9.-]+(:\d{1,5})?$/i;

/** The setting behind each fixed base URL, named when one is refused. */
const OVERRIDE_SETTINGS: Record<LivePersonService, string> = {
  rtbf: 'LP_RTBF_URL',
  sentinel: 'LP_SENTINEL_URL',
  msgHist: 'the msgHist base URL',
  engHistDomain: 'the engHistDomain base URL',
};

const entrySchema = z.object({
  service: z.string().optional(),
  account: z.string().optional(),
  baseURI: z.string().min(1),
});
/**
 * The Domain API page's example answers a list, `{ "baseURIs": [{ service, account, baseURI }, …] }`;
 * LivePerson's SDKs and older pages read one `{ service, account, baseURI }`. Both are accepted.
 */
const domainAnswerSchema = z.union([entrySchema, z.object({ baseURIs: z.array(entrySchema) })]);

export function createDomainResolver(options: DomainResolverOptions): DomainResolver {
  // Concurrent callers share one look-up (a failure names the API of the call that started it); after a
  // failed refresh the last good host is kept: LivePerson rarely moves an account.
  const cache = new LRUCache<LivePersonService, string, { api: LivePersonApi }>({
    max: 16,
    ttl: options.ttlMs ?? DOMAIN_CACHE_TTL_MS,
    ttlResolution: 0,
    perf: { now: () => options.now().getTime() },
    allowStaleOnFetchRejection: true,
    fetchMethod: (service, _stale, { context }) =>
      lookUp(service, context.api).catch((err: unknown) => {
        failures.set(service, err);
        throw err;
      }),
  });
  // A caller that joined a look-up already under way gets no status of its own: it reads the failure here.
  const failures = new Map<LivePersonService, unknown>();

  async function lookUp(service: LivePersonService, api: LivePersonApi): Promise<string> {
    // Refused before anything is sent; config.ts refuses it at start-up too, but a client can be built
    // from any config.
    if (checkLivePersonUrl(options.domainApiUrl, 'LP_DOMAIN_API_URL')) {
      throw insecureUrl('LP_DOMAIN_API_URL', 'domain', api);
    }
    const url =
      `${options.domainApiUrl}/api/account/${encodeURIComponent(options.accountId)}` +
      `/service/${encodeURIComponent(service)}/baseURI.json?version=1.0`;
    let answer;
    try {
      answer = await options.transport.send({
        api,
        operation: 'domain',
        method: 'GET',
        url,
        headers: { Accept: 'application/json' },
        timeoutMs: options.timeoutMs,
      });
    } catch (err) {
      const why = err instanceof LivePersonError ? err.message : 'network error';
      throw lookupFailed(api, service, why, undefined, true);
    }
    // A 429 is a short-term rate limit on reads, not a broken look-up (and never the monthly threshold).
    if (answer.status === 429) throw httpError('domain', answer.status, undefined, api);
    if (answer.status !== 200) {
      throw lookupFailed(api, service, `HTTP ${answer.status}`, answer.status, answer.status >= 500);
    }
    const host = parseBaseUri(answer.body, service);
    if (!host) throw lookupFailed(api, service, 'unreadable answer', answer.status, false);
    // A LivePerson host is called over https whatever scheme the Domain API was reached with; only a
    // loopback host (the local sandbox) keeps the Domain API's own scheme.
    return baseUrlForHost(host, options.domainApiUrl);
  }

  return {
    async baseUrl(service, api = 'deletion') {
      const override = options.overrides?.[service];
      if (override) {
        if (checkLivePersonUrl(override, OVERRIDE_SETTINGS[service])) {
          throw insecureUrl(OVERRIDE_SETTINGS[service], undefined, api);
        }
        return override.trim().replace(/\/+$/, '');
      }
      const status: LRUCache.Status<LivePersonService, string, { api: LivePersonApi }> = {};
      const baseUrl = await cache.fetch(service, { context: { api }, status });
      // No host, fresh or last good: the look-up's own failure.
      if (baseUrl === undefined) throw status.fetchError ?? failures.get(service);
      if (status.returnedStale) options.log.warn('lp.domain.stale', { service });
      return baseUrl;
    },
  };
}

function parseBaseUri(body: string, service: LivePersonService): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  return hostFromDomainAnswer(json, service);
}

/**
 * The host a Domain API answer gives for `service`: the single answer's, or the list entry naming that
 * service (case sensitive). A list naming other services only gives none: a wrong host would send
 * credentials elsewhere.
 */
export function hostFromDomainAnswer(json: unknown, service: string): string | undefined {
  const parsed = domainAnswerSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const answer = parsed.data;
  let entry: z.infer<typeof entrySchema> | undefined;
  if ('baseURIs' in answer) {
    const list = answer.baseURIs;
    entry = list.find((e) => e.service === service);
    if (!entry && list.length === 1 && list[0]?.service === undefined) entry = list[0];
  } else {
    entry = answer;
  }
  if (!entry) return undefined;
  // Documented as a bare host; tolerate a scheme or trailing slash should one ever appear.
  const host = entry.baseURI
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/+$/, '');
  return HOST_PATTERN.test(host) ? host : undefined;
}

function lookupFailed(
  api: LivePersonApi,
  service: string,
  why: string,
  httpStatus: number | undefined,
  retryable: boolean,
) {
  return new LivePersonError(
    'LP_DOMAIN_LOOKUP_FAILED',
    `LivePerson Domain API look-up of ${service} failed: ${why}`,
    { api, httpStatus, retryable, operation: 'domain' },
  );
}
