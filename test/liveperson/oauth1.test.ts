import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oauth1Authorization } from '../../src/liveperson/auth.js';
import {
  hmacSha1Signature,
  parseOAuthHeader,
  signatureBaseString,
  verifyOAuth1,
} from '../../sandbox/rtbf/oauth1.js';

/**
 * OAuth Core 1.0 Appendix A (the "photos.example.net" example, also RFC 5849's ancestor): published
 * inputs, base string and signature.
 */
const APPENDIX_A = {
  method: 'GET',
  url: 'http://photos.example.net/photos?file=vacation.jpg&size=original',
  credentials: {
    appKey: 'dpf43f3p2l4k3l03',
    appSecret: 'kd94hf93k423kf44',
    accessToken: 'nnch734d00sl2jdk',
    accessTokenSecret: 'pfkkdhi9sl3r4s00',
  },
  nonce: 'kllo9940pd9333jh',
  timestamp: 1191242096,
  baseString:
    'GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03' +
    '%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096' +
    '%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal',
  signature: 'tR3+Ty81lMeYAr/Fid0kMTYa/WM=',
};

function sign(method: string, url: string, nonce = APPENDIX_A.nonce, timestamp = APPENDIX_A.timestamp) {
  return oauth1Authorization({ method, url }, APPENDIX_A.credentials, { nonce, timestamp });
}

describe('client OAuth 1.0a signing', () => {
  it('reproduces the published OAuth Core 1.0 Appendix A signature', () => {
    const header = sign(APPENDIX_A.method, APPENDIX_A.url);
    const params = parseOAuthHeader(header);
    expect(params?.get('oauth_signature')).toBe(APPENDIX_A.signature);
    expect(header).toContain('oauth_signature="tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D"');
  });

  it('sends every parameter LivePerson documents in the header', () => {
    const params = parseOAuthHeader(sign(APPENDIX_A.method, APPENDIX_A.url));
    expect(Object.fromEntries(params ?? [])).toEqual({
      oauth_consumer_key: 'dpf43f3p2l4k3l03',
      oauth_token: 'nnch734d00sl2jdk',
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: '1191242096',
      oauth_nonce: 'kllo9940pd9333jh',
      oauth_version: '1.0',
      oauth_signature: APPENDIX_A.signature,
    });
  });

  it('signs the query: the same request without it gets a different signature', () => {
    const withQuery = parseOAuthHeader(sign('GET', APPENDIX_A.url))?.get('oauth_signature');
    const without = parseOAuthHeader(sign('GET', 'http://photos.example.net/photos'))?.get('oauth_signature');
    expect(without).not.toBe(withQuery);
  });
});

describe('sandbox OAuth 1.0a verifier (independent implementation)', () => {
  it('builds the published base string and signature', () => {
    const oauthParams: [string, string][] = [
      ['oauth_consumer_key', APPENDIX_A.credentials.appKey],
      ['oauth_token', APPENDIX_A.credentials.accessToken],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', String(APPENDIX_A.timestamp)],
      ['oauth_nonce', APPENDIX_A.nonce],
      ['oauth_version', '1.0'],
    ];
    const base = signatureBaseString('GET', APPENDIX_A.url, oauthParams);
    expect(base).toBe(APPENDIX_A.baseString);
    expect(
      hmacSha1Signature(base, APPENDIX_A.credentials.appSecret, APPENDIX_A.credentials.accessTokenSecret),
    ).toBe(APPENDIX_A.signature);
  });

  const verify = (header: string, url: string, nowSeconds = APPENDIX_A.timestamp, method = 'GET') =>
    verifyOAuth1({
      method,
      absoluteUrl: url,
      authorization: header,
      secretsFor: () => ({
        consumerSecret: APPENDIX_A.credentials.appSecret,
        tokenSecret: APPENDIX_A.credentials.accessTokenSecret,
      }),
      nowSeconds,
      windowSeconds: 300,
      rememberNonce: () => true,
    });

  it('rejects a tampered query, method or stale timestamp', () => {
    const header = sign('GET', APPENDIX_A.url);
    expect(verify(header, APPENDIX_A.url)).toEqual({ ok: true, consumerKey: 'dpf43f3p2l4k3l03' });
    expect(verify(header, APPENDIX_A.url.replace('original', 'small'))).toMatchObject({ ok: false });
    expect(verify(header, APPENDIX_A.url, APPENDIX_A.timestamp, 'POST')).toMatchObject({ ok: false });
    expect(verify(header, APPENDIX_A.url, APPENDIX_A.timestamp + 301)).toMatchObject({
      ok: false,
      why: 'timestamp outside the allowed window',
    });
  });

  it('agrees with the client for any query values the client may send', () => {
    const value = fc.string({ minLength: 0, maxLength: 20 });
    fc.assert(
      fc.property(value, value, fc.constantFrom('GET', 'POST'), (status, date, method) => {
        const enc = (v: string) =>
          encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
        const url = `http://127.0.0.1:8080/api/account/1/personal-data-deletion?status=${enc(status)}&fromDate=${enc(date)}`;
        expect(verify(sign(method, url, 'n0nce'), url, APPENDIX_A.timestamp, method).ok).toBe(true);
      }),
    );
  });
});
