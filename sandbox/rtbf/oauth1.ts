import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The sandbox's own OAuth 1.0a verifier, written from RFC 5849 section 3.4 without the `oauth-1.0a`
 * package the client signs with: two independent implementations agreeing is what catches a signing bug.
 */

/** RFC 5849 section 3.6: percent-encode everything except the unreserved characters. */
export function oauthPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** RFC 5849 section 3.4.1.2: scheme and host lower case, default port dropped, no query. */
export function baseStringUri(absoluteUrl: string): string {
  const url = new URL(absoluteUrl);
  const scheme = url.protocol.toLowerCase();
  const defaultPort =
    (scheme === 'http:' && url.port === '80') || (scheme === 'https:' && url.port === '443');
  const port = url.port && !defaultPort ? `:${url.port}` : '';
  return `${scheme}//${url.hostname.toLowerCase()}${port}${url.pathname}`;
}

/** RFC 5849 section 3.4.1.3.2: encode names and values, sort by name then value, join. */
export function normaliseParameters(params: ReadonlyArray<readonly [string, string]>): string {
  return params
    .map(([k, v]) => [oauthPercentEncode(k), oauthPercentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** RFC 5849 section 3.4.1: the signature base string. */
export function signatureBaseString(
  method: string,
  absoluteUrl: string,
  oauthParams: ReadonlyArray<readonly [string, string]>,
): string {
  const query = [...new URL(absoluteUrl).searchParams.entries()];
  const params = [...query, ...oauthParams.filter(([k]) => k !== 'oauth_signature' && k !== 'realm')];
  return [method.toUpperCase(), baseStringUri(absoluteUrl), normaliseParameters(params)]
    .map(oauthPercentEncode)
    .join('&');
}

/** RFC 5849 section 3.4.2: HMAC-SHA1 keyed with the encoded client and token secrets. */
export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  const key = `${oauthPercentEncode(consumerSecret)}&${oauthPercentEncode(tokenSecret)}`;
  return createHmac('sha1', key).update(baseString).digest('base64');
}

/** RFC 5849 section 3.5.1: `OAuth name="value", …` with percent-encoded values. */
export function parseOAuthHeader(header: string | undefined): Map<string, string> | undefined {
  if (!header || !/^OAuth\s/i.test(header)) return undefined;
  const params = new Map<string, string>();
  const pattern = /([A-Za-z0-9_%.~-]+)\s*=\s*"([^"]*)"/g;
  for (const match of header.slice(5).matchAll(pattern)) {
    const [, name, value] = match;
    if (name === undefined || value === undefined) continue;
    try {
      params.set(decodeURIComponent(name), decodeURIComponent(value));
    } catch {
      return undefined;
    }
  }
  return params;
}

export interface OAuth1Secrets {
  consumerSecret: string;
  tokenSecret: string;
}

export interface OAuth1VerifyInput {
  method: string;
  absoluteUrl: string;
  authorization: string | undefined;
  /** Secrets for a consumer key + token pair, or undefined when unknown. */
  secretsFor: (consumerKey: string, token: string) => OAuth1Secrets | undefined;
  nowSeconds: number;
  windowSeconds: number;
  /** Remembers nonces; returns false when this one was already used. */
  rememberNonce: (consumerKey: string, timestamp: string, nonce: string) => boolean;
}

export type OAuth1Verdict = { ok: true; consumerKey: string } | { ok: false; why: string };

export function verifyOAuth1(input: OAuth1VerifyInput): OAuth1Verdict {
  const params = parseOAuthHeader(input.authorization);
  if (!params) return { ok: false, why: 'no OAuth authorization header' };
  const get = (name: string) => params.get(name) ?? '';
  const consumerKey = get('oauth_consumer_key');
  const token = get('oauth_token');
  const timestamp = get('oauth_timestamp');
  const nonce = get('oauth_nonce');
  if (get('oauth_signature_method') !== 'HMAC-SHA1')
    return { ok: false, why: 'signature method must be HMAC-SHA1' };
  if (params.has('oauth_version') && get('oauth_version') !== '1.0')
    return { ok: false, why: 'bad oauth_version' };
  if (!/^\d+$/.test(timestamp) || !nonce) return { ok: false, why: 'timestamp and nonce are required' };
  if (Math.abs(input.nowSeconds - Number(timestamp)) > input.windowSeconds) {
    return { ok: false, why: 'timestamp outside the allowed window' };
  }
  const secrets = input.secretsFor(consumerKey, token);
  if (!secrets) return { ok: false, why: 'unknown consumer key or token' };
  const base = signatureBaseString(input.method, input.absoluteUrl, [...params.entries()]);
  const expected = Buffer.from(hmacSha1Signature(base, secrets.consumerSecret, secrets.tokenSecret));
  const given = Buffer.from(get('oauth_signature'));
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, why: 'signature mismatch' };
  }
  if (!input.rememberNonce(consumerKey, timestamp, nonce)) return { ok: false, why: 'nonce already used' };
  return { ok: true, consumerKey };
}
