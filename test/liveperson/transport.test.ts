import axios, { type AxiosInstance } from 'axios';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDomainResolver } from '../../src/liveperson/domain-api.js';
import { describeForPeople } from '../../src/liveperson/describe-for-people.js';
import { type LivePersonError } from '../../src/liveperson/liveperson-error.js';
import { createTransport } from '../../src/liveperson/transport.js';
import { NO_RETRY } from '../../src/liveperson/gateway.js';
import { silentLogger } from '../../src/log.js';
import {
  baseUrlForHost,
  checkLivePersonUrl,
  isLoopbackHostname,
  isLoopbackUrl,
} from '../../src/liveperson/transport.js';
import { ACCOUNT_ID, failure, lpFailure, sandboxAuth, startHarness, type Harness } from './fixtures.js';

/** Issue 12: LivePerson calls carry credentials and ids, so they go over https except to this machine. */

describe('checkLivePersonUrl', () => {
  it.each([
    'https://api.liveperson.net',
    'https://va.data.liveperson.net/',
    'https://10.0.0.5:8443',
    'http://127.0.0.1:54321',
    'http://127.255.10.1',
    'http://127.1:80',
    'http://localhost:3000',
    'http://LOCALHOST',
    'http://[::1]:8080',
    'http://[0:0:0:0:0:0:0:1]',
    '  https://api.liveperson.net  ',
  ])('accepts %s', (url) => {
    expect(checkLivePersonUrl(url, 'LP_RTBF_URL')).toBeNull();
  });

  it.each([
    'http://api.liveperson.net',
    'http://va.data.liveperson.net:80',
    'http://10.0.0.5',
    'http://192.168.1.10:8080',
    'http://127.example.com',
    'http://127.0.0.1.nip.io',
    'http://localhost.example.com',
    'http://[::ffff:7f00:1]',
    'http://user:secret-password@api.liveperson.net',
  ])('refuses plain http to %s, naming the setting and what to set', (url) => {
    const problem = checkLivePersonUrl(url, 'LP_RTBF_URL');
    expect(problem).toContain('LP_RTBF_URL');
    expect(problem).toContain('https://');
    expect(problem).toContain('localhost');
    expect(problem).not.toContain('secret-password');
  });

  it.each(['ftp://api.liveperson.net', 'api.liveperson.net', 'not a url', ''])('refuses %j', (url) => {
    const problem = checkLivePersonUrl(url, 'LP_DOMAIN_API_URL');
    expect(problem).toContain('LP_DOMAIN_API_URL');
    expect(problem).toContain('https://');
  });
});

describe('loopback and Domain API hosts', () => {
  it('knows loopback hosts as the URL parser writes them', () => {
    expect(['localhost', '[::1]', '127.0.0.1', '127.9.8.7'].every(isLoopbackHostname)).toBe(true);
    expect(['127.example.com', 'example.com', '10.0.0.1', '[::2]', ''].some(isLoopbackHostname)).toBe(false);
    expect(isLoopbackUrl('http://0x7f.0.0.1:9')).toBe(true);
    expect(isLoopbackUrl('not a url')).toBe(false);
  });

  it('calls a LivePerson host over https whatever the Domain API scheme; a loopback host keeps it', () => {
    expect(baseUrlForHost('va.data.liveperson.net', 'http://127.0.0.1:4000')).toBe(
      'https://va.data.liveperson.net',
    );
    expect(baseUrlForHost('va.data.liveperson.net', 'https://api.liveperson.net')).toBe(
      'https://va.data.liveperson.net',
    );
    expect(baseUrlForHost('127.0.0.1:4000', 'http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000');
    expect(baseUrlForHost('localhost:4000', 'https://api.liveperson.net')).toBe('https://localhost:4000');
  });
});

describe('the client enforces it at run time', () => {
  let h: Harness;
  /** Every URL the client's real axios instance was asked to call. */
  let urls: string[];
  let http: AxiosInstance;
  beforeEach(async () => {
    h = await startHarness();
    urls = [];
    http = axios.create();
    http.interceptors.request.use((config) => {
      urls.push(config.url ?? '');
      return config;
    });
  });
  afterEach(async () => {
    await h.sandbox.close();
  });

  async function insecure(promise: Promise<unknown>): Promise<LivePersonError> {
    const err = await lpFailure(promise);
    expect(err).toMatchObject({ code: 'LP_INSECURE_URL', retryable: false });
    return err;
  }

  it.each([
    ['LP_RTBF_URL', { rtbfUrl: 'http://va.data.liveperson.net', auth: sandboxAuth('bearer') }],
    ['LP_SENTINEL_URL', { sentinelUrl: 'http://sentinel.liveperson.net' }],
    ['LP_DOMAIN_API_URL', { domainApiUrl: 'http://api.liveperson.net', auth: sandboxAuth('bearer') }],
  ] as const)(
    'an http:// %s for another host is refused before anything is sent',
    async (setting, config) => {
      const client = h.client(config, { http, retry: NO_RETRY });
      const err = await insecure(client.create('consumer', ['c-1']));
      expect(err.setting).toBe(setting);
      const people = describeForPeople(err);
      expect(people.what).toContain('Nothing was sent');
      expect(people.next).toContain(`Set ${setting} to an https:// address`);
      expect(urls.filter((u) => !u.startsWith(h.sandbox.url))).toEqual([]);
      expect(h.kindCount('create')).toBe(0);
      expect(h.sandbox.requests).toHaveLength(0);
      // Reads are refused the same way.
      await insecure(client.list());
    },
  );

  it('an error names the setting but never the URL', async () => {
    const client = h.client({
      rtbfUrl: 'http://user:pw-secret@rtbf.example.com',
      auth: sandboxAuth('bearer'),
    });
    const err = await insecure(client.get('1'));
    const text = `${String(err)} ${JSON.stringify(err)} ${JSON.stringify(describeForPeople(err))}`;
    expect(text).not.toContain('pw-secret');
    expect(text).not.toContain('rtbf.example.com');
  });

  it('a Domain API answer naming a LivePerson host is called with https, even from an http sandbox', async () => {
    h.sandbox.inject({
      kind: 'domain',
      status: 200,
      body: { service: 'rtbf', account: ACCOUNT_ID, baseURI: 'rtbf.example.invalid' },
    });
    const client = h.client({ auth: sandboxAuth('bearer'), timeoutMs: 1000 }, { http, retry: NO_RETRY });
    await failure(client.list());
    const rtbfCalls = urls.filter((u) => u.includes('rtbf.example.invalid'));
    expect(rtbfCalls).toHaveLength(1);
    expect(rtbfCalls[0]).toMatch(/^https:\/\/rtbf\.example\.invalid\/api\/account\//);
  });

  it('the resolver answers https for a LivePerson host and http for the loopback sandbox', async () => {
    const transport = createTransport(undefined, silentLogger, () => new Date());
    const resolver = (ttlMs: number) =>
      createDomainResolver({
        accountId: ACCOUNT_ID,
        domainApiUrl: h.sandbox.url,
        transport,
        timeoutMs: 2000,
        now: h.clock.now,
        log: silentLogger,
        ttlMs,
      });
    expect(await resolver(0).baseUrl('rtbf')).toBe(h.sandbox.url);
    h.sandbox.inject({ kind: 'domain', status: 200, body: { baseURI: 'va.data.liveperson.net' } });
    expect(await resolver(0).baseUrl('rtbf')).toBe('https://va.data.liveperson.net');
  });

  it('the transport itself refuses an insecure URL, whoever built it', async () => {
    const transport = createTransport(http, silentLogger, () => new Date());
    const err = await failure(
      transport.send({
        api: 'deletion',
        operation: 'list',
        method: 'GET',
        url: 'http://api.liveperson.net/x',
        timeoutMs: 500,
      }),
    );
    expect(err).toMatchObject({ code: 'LP_INSECURE_URL', operation: 'list' });
    expect(urls).toEqual([]);
  });
});
