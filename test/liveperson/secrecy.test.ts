import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LivePersonAuth } from '../../src/config/credentials.js';
import { describeForPeople } from '../../src/liveperson/describe-for-people.js';
import { LIVEPERSON_ERROR_CODES, LivePersonError } from '../../src/liveperson/liveperson-error.js';
import { AUTH_KINDS, failure, sandboxAuth, startHarness, type Harness } from './fixtures.js';

/** Logs and error messages end up in places people read: no ids, reasons, tokens or secrets. */

const IDS = ['0345bf7d-08dc-4e61-8a11-e566e3bcd787', 'consumer-7524a955-secret-person'];

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.sandbox.close();
});

function secretsOf(auth: LivePersonAuth): string[] {
  switch (auth.kind) {
    case 'oauth2':
      return [auth.clientId, auth.clientSecret];
    case 'oauth1':
      return [auth.appKey, auth.appSecret, auth.accessToken, auth.accessTokenSecret];
    case 'bearer':
      return [auth.token];
  }
}

describe.each(AUTH_KINDS)('with %s credentials', (kind) => {
  it('never logs ids, tokens or secrets, in success and in failure', async () => {
    const auth = sandboxAuth(kind);
    const client = h.client({ auth, timeoutMs: 300 });
    const record = await client.create('conversation', IDS);
    await client.get(record.requestId);
    await client.list({ status: 'NOT_STARTED' });
    h.sandbox.expireTokens();
    await client.cancel(record.requestId);
    h.sandbox.inject({ kind: 'create', status: 400, body: { message: `bad id ${IDS[0]}` } });
    const errors = [await failure(client.create('conversation', IDS))];
    h.sandbox.inject({ kind: 'create', delayMs: 2000 });
    errors.push(await failure(client.create('conversation', IDS)));
    h.sandbox.inject({ kind: 'list', status: 500 });
    await client.list();

    const logged = JSON.stringify(h.logs);
    expect(h.logs.length).toBeGreaterThan(5);
    expect(h.logs.some((l) => l.fields.requestId === record.requestId)).toBe(true);
    for (const secret of [...IDS, ...secretsOf(auth)]) expect(logged).not.toContain(secret);
    expect(logged).not.toMatch(/Bearer|OAuth |eyJ|oauth_signature|http:\/\//);

    for (const err of errors) {
      expect(err).toBeInstanceOf(LivePersonError);
      const text = `${String(err)} ${JSON.stringify(err)} ${JSON.stringify(describeForPeople(err))}`;
      for (const secret of [...IDS, ...secretsOf(auth)]) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/Bearer|eyJ|oauth_signature|http:\/\//);
    }
  });
});

describe('describeForPeople', () => {
  it('has a what and a next sentence for every code and for unknown errors', () => {
    for (const code of LIVEPERSON_ERROR_CODES) {
      const { what, next } = describeForPeople(new LivePersonError(code, 'x', { retryable: false }));
      expect(what, code).toMatch(/\.$/);
      expect(next.length, code).toBeGreaterThan(10);
    }
    expect(describeForPeople(new Error('boom')).what).not.toContain('boom');
  });

  it('speaks of the monthly threshold, credentials, permission and unknown outcomes', () => {
    const of = (code: (typeof LIVEPERSON_ERROR_CODES)[number]) =>
      describeForPeople(new LivePersonError(code, 'x', { retryable: false }));
    expect(of('LP_QUOTA_REACHED').what).toContain('monthly threshold');
    expect(of('LP_QUOTA_REACHED').next).toContain('1st');
    expect(of('LP_UNAUTHORIZED').what).toContain('credentials');
    expect(of('LP_UNAUTHORIZED').next).toContain('LP_CLIENT_ID');
    expect(of('LP_FORBIDDEN').next).toContain('Data Deletion');
    expect(of('LP_SERVER_ERROR').next).toContain('Try again later');
    expect(of('LP_OUTCOME_UNKNOWN').what).toContain('may or may not exist');
  });
});
