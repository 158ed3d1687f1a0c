import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { ownCode } from '../../domain/error-code.js';
import { StoreError } from '../errors.js';

/**
 * Turning DATABASE_URL into a pg pool, and pg's errors into StoreErrors a person can act on. Messages name
 * the server (host:port) and PostgreSQL's error code, never a password, a query or a value.
 */

type Env = Record<string, string | undefined>;

/** The TLS files: pg's option for each, and the URL parameter and variable that name it. */
const SSL_FILES = [
  ['ca', 'sslrootcert', 'PGSSLROOTCERT'],
  ['cert', 'sslcert', 'PGSSLCERT'],
  ['key', 'sslkey', 'PGSSLKEY'],
] as const;
type SslFile = readonly [option: 'ca' | 'cert' | 'key', name: string, file: string | undefined];

/**
 * The pool settings for `url`. TLS follows `?sslmode=` in the URL, else PGSSLMODE, with libpq's meaning:
 * `disable`/`allow`/`prefer` or unset: no TLS (pg cannot fall back, so `prefer` does not try TLS first);
 * `require`: TLS without checking the certificate (checked against `sslrootcert` when one is given);
 * `verify-ca`: the certificate must come from `sslrootcert`; `verify-full`: the certificate and host name
 * are checked (system CAs, or `sslrootcert`). `sslrootcert`/`sslcert`/`sslkey` come from the URL or
 * PGSSLROOTCERT/PGSSLCERT/PGSSLKEY.
 */
export function poolConfig(url: string, env: Env = process.env): pg.PoolConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreError(
      'STORE_UNREADABLE',
      'DATABASE_URL is not a URL: set it to postgres://user@host:5432/database.',
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StoreError(
      'STORE_UNREADABLE',
      `DATABASE_URL must start with postgres:// (it starts with ${parsed.protocol}//).`,
    );
  }
  const param = (name: string, envName: string) => parsed.searchParams.get(name) ?? env[envName] ?? undefined;
  const mode = param('sslmode', 'PGSSLMODE') ?? 'disable';
  const files = SSL_FILES.map(([option, name, envName]): SslFile => [option, name, param(name, envName)]);
  // pg would read these parameters itself with other rules; they are applied here instead.
  for (const name of ['sslmode', ...SSL_FILES.map(([, n]) => n)]) parsed.searchParams.delete(name);
  return { connectionString: parsed.toString(), ssl: sslOptions(mode, files) };
}

function sslOptions(mode: string, files: readonly SslFile[]): false | ConnectionOptions {
  // The files named are read only in the modes that use them.
  const loaded = (): ConnectionOptions => {
    const options: ConnectionOptions = {};
    for (const [option, what, file] of files) {
      if (file === undefined) continue;
      try {
        options[option] = readFileSync(file, 'utf8');
      } catch {
        throw new StoreError(
          'STORE_UNREADABLE',
          `Cannot read the ${what} file ${file} named for PostgreSQL's TLS.`,
        );
      }
    }
    return options;
  };
  switch (mode) {
    case 'disable':
    case 'allow':
    case 'prefer':
      return false;
    case 'require':
    case 'no-verify': {
      const options = loaded();
      if (options.ca !== undefined && mode === 'require')
        return { ...options, checkServerIdentity: () => undefined };
      return { ...options, rejectUnauthorized: false };
    }
    case 'verify-ca': {
      const options = loaded();
      if (options.ca === undefined) {
        throw new StoreError(
          'STORE_UNREADABLE',
          'sslmode=verify-ca needs the server’s CA certificate: set sslrootcert in DATABASE_URL or PGSSLROOTCERT.',
        );
      }
      return { ...options, checkServerIdentity: () => undefined };
    }
    case 'verify-full':
      return loaded();
    default:
      throw new StoreError(
        'STORE_UNREADABLE',
        `sslmode "${mode}" is not one of disable, allow, prefer, require, verify-ca, verify-full: fix ?sslmode= in DATABASE_URL or PGSSLMODE.`,
      );
  }
}

/**
 * How long lp-delete waits for PostgreSQL. A server that accepts connections but never answers (frozen,
 * or a network that drops packets) must not hang start-up or a click: pg waits forever by default.
 * - `connectMs`: a new connection, TLS and login included (and a pooled one waited for);
 * - `statementMs`, `lockMs`, `idleInTransactionMs`: the server's own statement_timeout, lock_timeout and
 *   idle_in_transaction_session_timeout (our statements take milliseconds; a lock is held only inside a
 *   transaction that makes no outside call);
 * - `queryMs`: the client's own deadline for an answer, for a server too frozen to apply its timeouts; the
 *   connection is then closed (see PgSession).
 */
export const PG_TIMEOUTS = {
  connectMs: 5_000,
  statementMs: 10_000,
  lockMs: 5_000,
  idleInTransactionMs: 30_000,
  queryMs: 15_000,
};
export type PgTimeouts = typeof PG_TIMEOUTS;

/** pg's settings for `timeouts` (PG_TIMEOUTS unless told). */
export function timeoutSettings(timeouts: Partial<PgTimeouts> = {}): pg.PoolConfig {
  const t = { ...PG_TIMEOUTS, ...timeouts };
  return {
    connectionTimeoutMillis: t.connectMs,
    statement_timeout: t.statementMs,
    lock_timeout: t.lockMs,
    idle_in_transaction_session_timeout: t.idleInTransactionMs,
    query_timeout: t.queryMs,
    keepAlive: true,
  };
}

/** `host:port/database` of a URL, for messages (never the user or password). */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
]);

/**
 * Why a database call failed, in words, with what to do next. Only error codes and fixed texts go in:
 * PostgreSQL's own messages can quote the values of a statement.
 */
export function explainDriverError(error: unknown): string {
  // PostgreSQL's SQLSTATE of a driver error, or the Node error code of a network error.
  const code = ownCode(error);
  const message = error instanceof Error ? error.message : '';
  const sqlState = code !== undefined && /^[0-9A-Z]{5}$/.test(code);
  // pg's own deadlines (connectMs, queryMs): the server took the connection but did not answer.
  if (!sqlState && /timeout/i.test(message)) {
    return 'the PostgreSQL server did not answer in time (it may be frozen or overloaded, or the network drops packets); check that it runs and that DATABASE_URL points at it';
  }
  if (code === '57014' || code === '55P03') {
    return `PostgreSQL cancelled a statement that ran or waited too long (${code}); try again, and see the server log if it repeats`;
  }
  if (
    (code !== undefined && NETWORK_CODES.has(code)) ||
    (!sqlState && /terminat|timeout|ECONN|connect/i.test(message))
  ) {
    return `the PostgreSQL server could not be reached or dropped the connection (${code ?? 'connection lost'}); check that it runs and that DATABASE_URL points at it`;
  }
  if (code === undefined) return 'the PostgreSQL driver failed; see the server log and try again';
  if (code.startsWith('28'))
    return `PostgreSQL refused the login (${code}): check the user and password in DATABASE_URL`;
  if (code === '3D000')
    return `the database named in DATABASE_URL does not exist (${code}): create it, or fix the URL`;
  if (code === '42501') {
    return `the database user lacks a privilege (${code}): grant it SELECT, INSERT, UPDATE, DELETE on lp-delete's tables (and CREATE on the schema for migrations)`;
  }
  if (code === '53100') return `the database server is out of disk space (${code}): free space on it`;
  if (code.startsWith('53')) return `the database server is out of resources (${code}): see its log`;
  if (code.startsWith('57') || code.startsWith('08')) {
    return `the PostgreSQL server is shutting down or lost the connection (${code}); try again in a moment`;
  }
  if (code === '40001' || code === '40P01')
    return `the database aborted a conflicting transaction (${code}); try again`;
  return `PostgreSQL answered with error ${code}; see the server log`;
}

/** A driver error as the StoreError the services expect: 'STORE_WRITE_FAILED' promises nothing was saved. */
export function toStoreError(error: unknown, kind: 'read' | 'write'): StoreError {
  if (error instanceof StoreError) return error;
  const why = explainDriverError(error);
  return kind === 'write'
    ? new StoreError('STORE_WRITE_FAILED', `lp-delete could not save the change, nothing was saved: ${why}.`)
    : new StoreError('STORE_UNREADABLE', `lp-delete could not read its database: ${why}.`);
}
