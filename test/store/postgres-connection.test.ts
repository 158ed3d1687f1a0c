import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.js';
import {
  describeServer,
  PG_TIMEOUTS,
  poolConfig,
  timeoutSettings,
  toStoreError,
} from '../../src/store/postgres/connection.js';

describe('poolConfig: DATABASE_URL and sslmode', () => {
  let dir: string;
  let ca: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lpd-ssl-'));
    ca = join(dir, 'ca.pem');
    await writeFile(ca, 'CA CERT');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('no sslmode (and no PGSSLMODE): plain connection', () => {
    expect(poolConfig('postgres://u@db:5432/app', {})).toEqual({
      connectionString: 'postgres://u@db:5432/app',
      ssl: false,
    });
  });

  it('?sslmode=require encrypts without checking the certificate, and leaves the URL to pg without it', () => {
    const config = poolConfig('postgres://u@db/app?sslmode=require&application_name=lpd', {});
    expect(config.ssl).toEqual({ rejectUnauthorized: false });
    expect(config.connectionString).toBe('postgres://u@db/app?application_name=lpd');
  });

  it('PGSSLMODE applies when the URL says nothing; the URL wins over it', () => {
    expect(poolConfig('postgres://u@db/app', { PGSSLMODE: 'verify-full' }).ssl).toEqual({});
    expect(poolConfig('postgres://u@db/app?sslmode=disable', { PGSSLMODE: 'verify-full' }).ssl).toBe(false);
  });

  it('verify-ca needs the CA file and checks only the chain; verify-full checks the host too', () => {
    expect(() => poolConfig('postgres://u@db/app?sslmode=verify-ca', {})).toThrow(/sslrootcert/);
    const verifyCa = poolConfig(`postgres://u@db/app?sslmode=verify-ca&sslrootcert=${ca}`, {}).ssl;
    expect(verifyCa).toMatchObject({ ca: 'CA CERT' });
    expect(typeof (verifyCa as { checkServerIdentity?: unknown }).checkServerIdentity).toBe('function');
    expect(poolConfig('postgres://u@db/app', { PGSSLMODE: 'verify-full', PGSSLROOTCERT: ca }).ssl).toEqual({
      ca: 'CA CERT',
    });
  });

  it('refuses an unknown sslmode, a missing certificate file and a URL that is not postgres://', () => {
    expect(() => poolConfig('postgres://u@db/app?sslmode=sometimes', {})).toThrow(StoreError);
    expect(() => poolConfig('postgres://u@db/app?sslmode=verify-full&sslrootcert=/nope.pem', {})).toThrow(
      /\/nope\.pem/,
    );
    expect(() => poolConfig('mysql://u@db/app', {})).toThrow(/postgres:\/\//);
    expect(() => poolConfig('not a url', {})).toThrow(/DATABASE_URL/);
  });

  it('describes the server without user or password', () => {
    expect(describeServer('postgres://lpd:secret@db.example:6543/app')).toBe('db.example:6543/app');
    expect(describeServer('postgres://db/app')).toBe('db:5432/app');
  });
});

describe('toStoreError', () => {
  it('a failed write says nothing was saved and why, by code only', () => {
    const error = Object.assign(new Error('value "DR-2026-12-0001" is bad'), { code: '53100' });
    const wrapped = toStoreError(error, 'write');
    expect(wrapped.code).toBe('STORE_WRITE_FAILED');
    expect(wrapped.message).toMatch(/nothing was saved.*out of disk space \(53100\)/);
    expect(wrapped.message).not.toMatch(/DR-2026/);
  });

  it('an unreachable server on a read is STORE_UNREADABLE', () => {
    const wrapped = toStoreError(
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      'read',
    );
    expect(wrapped.code).toBe('STORE_UNREADABLE');
    expect(wrapped.message).toMatch(/could not be reached/);
  });
});

describe('timeouts', () => {
  it('every pool gets a connect, statement, lock and idle-in-transaction timeout and an answer deadline', () => {
    expect(timeoutSettings()).toEqual({
      connectionTimeoutMillis: PG_TIMEOUTS.connectMs,
      statement_timeout: PG_TIMEOUTS.statementMs,
      lock_timeout: PG_TIMEOUTS.lockMs,
      idle_in_transaction_session_timeout: PG_TIMEOUTS.idleInTransactionMs,
      query_timeout: PG_TIMEOUTS.queryMs,
      keepAlive: true,
    });
    // The server applies its own first; the client's deadline is for a server too frozen to.
    expect(PG_TIMEOUTS.queryMs).toBeGreaterThan(PG_TIMEOUTS.statementMs);
    expect(PG_TIMEOUTS.connectMs).toBeLessThan(15_000);
  });

  it("a deadline of pg's or the server's says what happened", () => {
    expect(toStoreError(new Error('timeout exceeded when trying to connect'), 'read').message).toMatch(
      /did not answer in time/,
    );
    expect(toStoreError(new Error('Query read timeout'), 'write').message).toMatch(
      /nothing was saved.*did not answer in time/,
    );
    const cancelled = Object.assign(new Error('canceling statement due to statement timeout'), {
      code: '57014',
    });
    expect(toStoreError(cancelled, 'write').message).toMatch(/cancelled a statement .*\(57014\)/);
  });
});
