import type { IncomingMessage } from 'node:http';
import { message, type Answer } from './answer.js';
import { safeEqual } from './http.js';
import { verifyOAuth1 } from './oauth1.js';
import type { SandboxState } from './state.js';

/** Who is calling: a Sentinel token, a configured bearer token or an OAuth 1.0a signature. */

const OAUTH1_WINDOW_SECONDS = 300;

export type Caller = { ok: true; identity: string } | { ok: false; answer: Answer };

export function authenticate(state: SandboxState, req: IncomingMessage, url: URL): Caller {
  const { credentials, now, nonces } = state;
  const header = req.headers.authorization;
  const denied: Caller = { ok: false, answer: message(401, 'Unauthorized') };
  if (!header) return denied;
  if (/^Bearer\s/i.test(header)) {
    const value = header.slice(7).trim();
    const issued = state.tokens.get(value);
    if (issued) {
      return issued.expiresAt > now().getTime() ? { ok: true, identity: issued.clientId } : denied;
    }
    const known = (credentials.bearerTokens ?? []).some((t) => safeEqual(t, value));
    return known ? { ok: true, identity: 'bearer-user' } : denied;
  }
  const oauth1 = credentials.oauth1;
  if (!oauth1) return denied;
  const verdict = checkOAuth1({ req, url, header, oauth1, nonces, now });
  return verdict.ok ? { ok: true, identity: verdict.consumerKey } : denied;
}

/**
 * Verifies an OAuth 1.0a `Authorization` header against the one configured key (RFC 5849 signature,
 * a 5-minute timestamp window, each nonce once). Shared by the rtbf sandbox and the history stand-in.
 */
export function checkOAuth1(input: {
  req: IncomingMessage;
  url: URL;
  header: string;
  oauth1: NonNullable<SandboxState['credentials']['oauth1']>;
  nonces: Set<string>;
  now: () => Date;
}): ReturnType<typeof verifyOAuth1> {
  const { oauth1, nonces } = input;
  return verifyOAuth1({
    method: input.req.method ?? 'GET',
    absoluteUrl: input.url.toString(),
    authorization: input.header,
    secretsFor: (key, token) =>
      safeEqual(key, oauth1.appKey) && safeEqual(token, oauth1.accessToken)
        ? { consumerSecret: oauth1.appSecret, tokenSecret: oauth1.accessTokenSecret }
        : undefined,
    nowSeconds: Math.floor(input.now().getTime() / 1000),
    windowSeconds: OAUTH1_WINDOW_SECONDS,
    rememberNonce: (key, timestamp, nonce) => {
      const id = `${key}|${timestamp}|${nonce}`;
      if (nonces.has(id)) return false;
      nonces.add(id);
      return true;
    },
  });
}
