import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig, loadCoreConfig } from '../src/config.js';
import { ConfigError } from '../src/config/messages.js';

const slack = {
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_SIGNING_SECRET: 'secret',
  PRIVACY_CHANNEL_ID: 'C0123ABCD',
  APPROVER_USER_IDS: 'U1AAAA, U2BBBB',
};
const oauth2 = { LP_ACCOUNT_ID: '20762324', LP_CLIENT_ID: 'id', LP_CLIENT_SECRET: 'secret' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({ ...oauth2, ...slack });
    expect(config.liveperson).toMatchObject({
      accountId: '20762324',
      auth: { kind: 'oauth2', clientId: 'id', clientSecret: 'secret' },
      domainApiUrl: 'https://api.liveperson.net',
      timeoutMs: 15_000,
      legacyTicketing: false,
    });
    expect(config).toMatchObject({
      monthlyLimit: 100,
      quotaTimeZone: 'UTC',
      dataDir: './data',
      replicaLeaseSeconds: 30,
    });
    expect(config).not.toHaveProperty('dataFileIgnored');
    expect(config).not.toHaveProperty('databaseUrl');
    expect(config.slack).toMatchObject({
      port: 3000,
      approverUserIds: ['U1AAAA', 'U2BBBB'],
      requesterUserIds: [],
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('STATUS_POLL_MINUTES: 360 by default, decimals allowed, zero or words refused', () => {
    expect(loadConfig({ ...oauth2, ...slack }).slack.statusPollMinutes).toBe(360);
    expect(loadConfig({ ...oauth2, ...slack, STATUS_POLL_MINUTES: '0.05' }).slack.statusPollMinutes).toBe(
      0.05,
    );
    expect(problems({ ...oauth2, ...slack, STATUS_POLL_MINUTES: '0' }).join()).toContain(
      'STATUS_POLL_MINUTES',
    );
    expect(problems({ ...oauth2, ...slack, STATUS_POLL_MINUTES: 'often' }).join()).toContain(
      'STATUS_POLL_MINUTES',
    );
  });

  it('DATA_FILE (lp-delete 0.1) is no longer read: the data folder is DATA_DIR (default ./data), and it is noted', () => {
    const core = loadCoreConfig({
      LP_ACCOUNT_ID: '1',
      LP_BEARER_TOKEN: 't',
      DATA_FILE: '/srv/lpd/data.json',
    });
    expect(core).toMatchObject({ dataDir: './data', dataFileIgnored: true });
    const both = loadCoreConfig({
      LP_ACCOUNT_ID: '1',
      LP_BEARER_TOKEN: 't',
      DATA_FILE: '/a/x.json',
      DATA_DIR: '/b',
    });
    expect(both.dataDir).toBe('/b');
  });

  it('DATABASE_URL must be a PostgreSQL URL', () => {
    expect(() =>
      loadCoreConfig({ LP_ACCOUNT_ID: '1', LP_BEARER_TOKEN: 't', DATABASE_URL: 'mysql://x' }),
    ).toThrow(/(?<!DATABASE_URL )DATABASE_URL must be a PostgreSQL URL/);
    expect(
      loadCoreConfig({ LP_ACCOUNT_ID: '1', LP_BEARER_TOKEN: 't', DATABASE_URL: 'postgres://u@h/db' })
        .databaseUrl,
    ).toBe('postgres://u@h/db');
  });

  it('accepts each credential set alone', () => {
    expect(loadCoreConfig({ LP_ACCOUNT_ID: 'le123', LP_BEARER_TOKEN: 't' }).liveperson).toMatchObject({
      accountId: '123',
      auth: { kind: 'bearer', token: 't' },
    });
    const oauth1 = loadCoreConfig({
      LP_ACCOUNT_ID: '123',
      LP_APP_KEY: 'k',
      LP_APP_SECRET: 's',
      LP_ACCESS_TOKEN: 't',
      LP_ACCESS_TOKEN_SECRET: 'ts',
    });
    expect(oauth1.liveperson.auth.kind).toBe('oauth1');
  });

  it('names both sets when two are configured, and the missing half of a partial set', () => {
    expect(problems({ ...oauth2, ...slack, LP_BEARER_TOKEN: 't' }).join('\n')).toMatch(
      /LP_CLIENT_ID \+ LP_CLIENT_SECRET.*LP_BEARER_TOKEN.*exactly one/,
    );
    expect(
      problems({ LP_ACCOUNT_ID: '1', LP_APP_KEY: 'k', LP_ACCESS_TOKEN: 't', ...slack }).join('\n'),
    ).toMatch(/LP_APP_KEY, LP_ACCESS_TOKEN set but LP_APP_SECRET, LP_ACCESS_TOKEN_SECRET missing/);
    expect(problems({ LP_ACCOUNT_ID: '1', ...slack }).join('\n')).toMatch(/no LivePerson credentials/);
  });

  it('lists every problem at once, each naming its variable', () => {
    const found = problems({
      LP_ACCOUNT_ID: 'abc',
      LP_CLIENT_ID: 'x',
      LP_TIMEOUT_MS: 'soon',
      LP_MONTHLY_LIMIT: '-1',
      LP_LEGACY_TICKETING: 'maybe',
      QUOTA_TIMEZONE: 'Mars/Olympus',
      LP_DOMAIN_API_URL: 'ftp://x',
      SLACK_BOT_TOKEN: 'xoxp-user',
      PRIVACY_CHANNEL_ID: '#privacy',
      APPROVER_USER_IDS: 'alice',
    });
    for (const name of [
      'LP_ACCOUNT_ID',
      'LP_CLIENT_SECRET',
      'LP_TIMEOUT_MS',
      'LP_MONTHLY_LIMIT',
      'LP_LEGACY_TICKETING',
      'QUOTA_TIMEZONE',
      'LP_DOMAIN_API_URL',
      'SLACK_BOT_TOKEN',
      'PRIVACY_CHANNEL_ID',
      'APPROVER_USER_IDS',
      'SLACK_SIGNING_SECRET',
    ]) {
      expect(found.join('\n')).toContain(name);
    }
    expect(() => loadConfig({})).toThrow(/Set these in the environment or in a \.env file/);
  });

  it('needs approvers, and a signing secret unless Socket Mode is used', () => {
    const { APPROVER_USER_IDS: _a, SLACK_SIGNING_SECRET: _s, ...rest } = slack;
    expect(problems({ ...oauth2, ...rest }).join('\n')).toMatch(/no approvers.*APPROVER_USERGROUP_ID/);
    const socket = loadConfig({
      ...oauth2,
      ...rest,
      APPROVER_USERGROUP_ID: 'S0123',
      SLACK_APP_TOKEN: 'xapp-1',
    });
    expect(socket.slack).toMatchObject({ appToken: 'xapp-1', approverUsergroupId: 'S0123' });
  });

  it('says in its own words what each setting must be: no raw zod text', () => {
    const found = problems({
      ...oauth2,
      ...slack,
      PORT: 'abc',
      LP_TIMEOUT_MS: '1.5',
      APPROVAL_EXPIRY_DAYS: 'week',
      LP_MONTHLY_LIMIT: '0',
    });
    expect(found).toContain(
      'PORT must be a port number from 0 to 65535, such as 3000 (the HTTP port the app listens on)',
    );
    expect(problems({ ...oauth2, ...slack, PORT: '70000' }).join('\n')).toContain(
      'PORT must be a port number',
    );
    for (const problem of found) {
      expect(problem).toMatch(/^[A-Z_]+ must be /);
      expect(problem).not.toMatch(/Invalid|expected|received|NaN|Too (small|big)/i);
    }
  });

  it('reads booleans and Slack ids case-insensitively', () => {
    for (const [value, expected] of [
      ['TRUE', true],
      ['True', true],
      ['yes', true],
      ['1', true],
      ['FALSE', false],
      ['No', false],
    ] as const) {
      expect(loadCoreConfig({ ...oauth2, LP_LEGACY_TICKETING: value }).liveperson.legacyTicketing).toBe(
        expected,
      );
    }
    const config = loadConfig({
      ...oauth2,
      ...slack,
      PRIVACY_CHANNEL_ID: 'c0123abcd',
      APPROVER_USER_IDS: 'u1aaaa, U2bbbb',
      APPROVER_USERGROUP_ID: 's0123',
      REQUESTER_USERGROUP_ID: ' s0456 ',
    });
    expect(config.slack).toMatchObject({
      privacyChannelId: 'C0123ABCD',
      approverUserIds: ['U1AAAA', 'U2BBBB'],
      approverUsergroupId: 'S0123',
      requesterUsergroupId: 'S0456',
    });
    // A channel name is not upper-cased into a plausible id (G…): it is refused, saying what to copy.
    expect(problems({ ...oauth2, ...slack, PRIVACY_CHANNEL_ID: 'general' })).toEqual([
      "PRIVACY_CHANNEL_ID must be a channel id such as C0123ABCD, not its name (see the channel's details)",
    ]);
  });

  it('names a token put in the wrong variable', () => {
    expect(problems({ ...oauth2, ...slack, SLACK_BOT_TOKEN: 'xapp-1-A0-123' })).toEqual([
      'SLACK_BOT_TOKEN holds an app-level token (xapp-…): put it in SLACK_APP_TOKEN, and set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) from OAuth & Permissions',
    ]);
    expect(problems({ ...oauth2, ...slack, SLACK_APP_TOKEN: 'xoxb-2' }).join('\n')).toMatch(
      /^SLACK_APP_TOKEN holds the bot token \(xoxb-…\): it belongs in SLACK_BOT_TOKEN/,
    );
    expect(problems({ ...oauth2, ...slack, SLACK_BOT_TOKEN: 'xoxp-3' }).join('\n')).toMatch(
      /SLACK_BOT_TOKEN holds a user token/,
    );
  });

  it('LivePerson URLs must be https://, except on a loopback host', () => {
    for (const name of ['LP_DOMAIN_API_URL', 'LP_RTBF_URL', 'LP_SENTINEL_URL']) {
      expect(problems({ ...oauth2, ...slack, [name]: 'http://va.data.liveperson.net' })).toEqual([
        `${name} must be an https:// URL (plain http:// only for localhost or 127.0.0.1)`,
      ]);
      for (const ok of [
        'https://va.data.liveperson.net',
        'http://127.0.0.1:4000',
        'http://127.8.9.10',
        'http://localhost:8080/',
        'http://[::1]:9000',
      ]) {
        expect(problems({ ...oauth2, ...slack, [name]: ok }), `${name}=${ok}`).toEqual([]);
      }
    }
    expect(problems({ ...oauth2, ...slack, LP_RTBF_URL: 'http://127.0.0.1.evil.example' })).toHaveLength(1);
    expect(problems({ ...oauth2, ...slack, LP_RTBF_URL: 'http://localhost.evil.example' })).toHaveLength(1);
  });

  it('documents every setting in .env.example and README.md', () => {
    // The settings are declared in src/config/ (one schema per area) and loaded by src/config.ts.
    const files = [
      'config.ts',
      ...readdirSync(new URL('../src/config/', import.meta.url)).map((f) => `config/${f}`),
    ];
    const source = files.map((f) => readFileSync(new URL(`../src/${f}`, import.meta.url), 'utf8')).join('\n');
    const names = [
      ...new Set(
        source.match(/\b(?:LP|SLACK|QUOTA|DATA|PRIVACY|APPROVER|REQUESTER|STATUS)_[A-Z_]+\b|\bPORT\b/g),
      ),
    ];
    expect(names.length).toBeGreaterThan(20);
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const name of names) {
      expect(example, `${name} in .env.example`).toContain(name);
      expect(readme, `${name} in README.md`).toContain(name);
    }
  });
});
