import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isContentType, type Answer } from './answer.js';
import { safeEqual } from './http.js';
import { plainAccount, type SandboxState } from './state.js';

/** Sentinel's token endpoint: OAuth 2.0 client credentials in, a short-lived bearer token out. */

export function issueToken(state: SandboxState, account: string, req: IncomingMessage, body: string): Answer {
  const { accountId, now, tokenTtlSeconds } = state;
  if (!isContentType(req, 'application/x-www-form-urlencoded')) {
    return { status: 400, json: { error: 'invalid_request', error_description: 'form body expected' } };
  }
  const form = new URLSearchParams(body);
  if (form.get('grant_type') !== 'client_credentials') {
    return { status: 400, json: { error: 'unsupported_grant_type' } };
  }
  const expected = state.credentials.oauth2;
  const clientId = form.get('client_id') ?? '';
  const valid =
    expected !== undefined &&
    plainAccount(account) === accountId &&
    safeEqual(clientId, expected.clientId) &&
    safeEqual(form.get('client_secret') ?? '', expected.clientSecret);
  if (!valid) return { status: 401, json: { error: 'invalid_client' } };
  const token = jwtLookingToken(accountId, now(), tokenTtlSeconds);
  state.tokens.set(token, { clientId, expiresAt: now().getTime() + tokenTtlSeconds * 1000 });
  return { status: 200, json: { access_token: token, token_type: 'Bearer', expires_in: tokenTtlSeconds } };
}

/** Looks like the JWT Sentinel issues (three base64url parts) without being verifiable by anyone. */
function jwtLookingToken(accountId: string, now: Date, ttlSeconds: number): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const issuedAt = Math.floor(now.getTime() / 1000);
  return [
    encode({ alg: 'RS256', typ: 'JWT' }),
    encode({
      iss: 'lp-delete-sandbox',
      aud: accountId,
      iat: issuedAt,
      exp: issuedAt + ttlSeconds,
      jti: randomBytes(8).toString('hex'),
    }),
    randomBytes(32).toString('base64url'),
  ].join('.');
}
