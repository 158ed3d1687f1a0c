import { createHmac, randomBytes } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import type { LivePersonAuth } from '../config/credentials.js';
import { httpError, LivePersonError, type LivePersonApi } from './liveperson-error.js';
import { parseAnswer, ResponseShapeError, tokenAnswerSchema } from './schemas.js';
import type { CallDeps, RawAnswer } from './transport.js';

type OAuth1Credentials = Extract<LivePersonAuth, { kind: 'oauth1' }>;
type OAuth2Credentials = Extract<LivePersonAuth, { kind: 'oauth2' }>;

/** Fetch a new token this long before LivePerson's `expires_in` runs out, so none expires mid-flight. */
export const TOKEN_REFRESH_MARGIN_MS = 60_000;
/** When Sentinel omits `expires_in`, assume LivePerson's documented hour. */
const DEFAULT_TOKEN_TTL_SECONDS = 3600;

export interface AuthProvider {
  readonly kind: LivePersonAuth['kind'];
  /**
   * The Authorization header for this exact request (OAuth 1.0a signs method and full URL). A failed
   * token fetch names `api`, the API whose call needed it; concurrent callers share one fetch.
   */
  authorization(method: string, url: string, api: LivePersonApi): Promise<string>;
  /**
   * After a 401: drops any cached token. Returns true when a retry with fresh credentials can help
   * (only OAuth 2.0 tokens can be renewed; a rejected key or static bearer stays rejected).
   */
  invalidate(): boolean;
  /** OAuth 2.0: makes sure a token can be obtained (for `check`); the others have none to fetch. */
  fetchToken?(api: LivePersonApi): Promise<void>;
}

interface AuthDeps extends CallDeps {
  /** Base URL of Sentinel (OAuth 2.0 only); resolved lazily through the Domain API. */
  sentinelBaseUrl: (api: LivePersonApi) => Promise<string>;
}

export function createAuthProvider(auth: LivePersonAuth, deps: AuthDeps): AuthProvider {
  switch (auth.kind) {
    case 'oauth2':
      return createOAuth2Provider(auth, deps);
    case 'oauth1':
      return {
        kind: 'oauth1',
        authorization: async (method, url) =>
          oauth1Authorization({ method, url }, auth, {
            nonce: randomBytes(16).toString('hex'),
            timestamp: Math.floor(deps.now().getTime() / 1000),
          }),
        invalidate: () => false,
      };
    case 'bearer':
      return { kind: 'bearer', authorization: async () => `Bearer ${auth.token}`, invalidate: () => false };
  }
}

/**
 * The `Authorization: OAuth …` header for one request. The signature covers the method, the URL without
 * its query and every query parameter, so the URL signed must be exactly the URL sent. Nonce and
 * timestamp are parameters so a published test vector can be reproduced.
 */
export function oauth1Authorization(
  request: { method: string; url: string },
  credentials: Pick<OAuth1Credentials, 'appKey' | 'appSecret' | 'accessToken' | 'accessTokenSecret'>,
  fixed: { nonce: string; timestamp: number },
): string {
  const oauth = new OAuth({
    consumer: { key: credentials.appKey, secret: credentials.appSecret },
    signature_method: 'HMAC-SHA1',
    // HMAC-SHA1 as RFC 5849 section 3.4.2 defines it: base64 of the HMAC of the base string.
    hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
  });
  const data: OAuth.Data = {
    oauth_consumer_key: credentials.appKey,
    oauth_nonce: fixed.nonce,
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: fixed.timestamp,
    oauth_version: '1.0',
    oauth_token: credentials.accessToken,
  };
  const requestOptions = { method: request.method.toUpperCase(), url: request.url, data: {} };
  const signature = oauth.getSignature(requestOptions, credentials.accessTokenSecret, data);
  return oauth.toHeader({ ...data, oauth_signature: signature }).Authorization;
}

interface CachedToken {
  value: string;
  /** Epoch ms after which a new token is fetched. */
  renewAt: number;
}

function createOAuth2Provider(credentials: OAuth2Credentials, deps: AuthDeps): AuthProvider {
  let cached: CachedToken | undefined;
  // Concurrent callers share one fetch instead of each asking Sentinel for a token.
  let inFlight: Promise<CachedToken> | undefined;

  async function fetchFresh(api: LivePersonApi): Promise<CachedToken> {
    const base = await deps.sentinelBaseUrl(api);
    const url = `${base}/sentinel/api/v2/account/${encodeURIComponent(deps.accountId)}/app/token`;
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    }).toString();
    const answer = await deps.transport.send({
      api,
      operation: 'token',
      method: 'POST',
      url,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body,
      timeoutMs: deps.timeoutMs,
    });
    // Sentinel's error bodies are not echoed: they could repeat the client id.
    if (answer.status !== 200) throw httpError('token', answer.status, undefined, api);
    const token = parseToken(answer, api);
    const fetchedAt = deps.now().getTime();
    const ttlMs = (token.expires_in ?? DEFAULT_TOKEN_TTL_SECONDS) * 1000;
    // A very short-lived token (sandbox, tests) would otherwise be "due for renewal" at birth.
    const margin = Math.min(TOKEN_REFRESH_MARGIN_MS, ttlMs / 2);
    deps.log.info('lp.token.fetched', { api, expiresInSeconds: token.expires_in ?? null });
    return { value: token.access_token, renewAt: fetchedAt + ttlMs - margin };
  }

  async function current(api: LivePersonApi): Promise<string> {
    if (cached && deps.now().getTime() < cached.renewAt) return cached.value;
    if (!inFlight) {
      inFlight = fetchFresh(api)
        .then((token) => {
          cached = token;
          return token;
        })
        .finally(() => {
          inFlight = undefined;
        });
    }
    return (await inFlight).value;
  }

  return {
    kind: 'oauth2',
    authorization: async (_method, _url, api) => `Bearer ${await current(api)}`,
    invalidate() {
      cached = undefined;
      return true;
    },
    async fetchToken(api) {
      await current(api);
    },
  };
}

function parseToken(answer: RawAnswer, api: LivePersonApi) {
  const token = parseAnswer({ api, operation: 'token' }, answer, (json) => {
    const parsed = tokenAnswerSchema.safeParse(json);
    if (!parsed.success) throw new ResponseShapeError('no access_token');
    return parsed.data;
  });
  if (token.token_type && token.token_type.toLowerCase() !== 'bearer') {
    throw new LivePersonError('LP_BAD_RESPONSE', `Sentinel issued an unsupported token type`, {
      api,
      httpStatus: answer.status,
      operation: 'token',
      retryable: false,
    });
  }
  return token;
}
