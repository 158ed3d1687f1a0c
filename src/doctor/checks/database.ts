import pg from 'pg';
import { StoreError } from '../../store/errors.js';
import { describeServer, explainDriverError, poolConfig } from '../../store/postgres/connection.js';
import { loadMigrations, schemaVersion } from '../../store/postgres/migrations.js';
import { failed, passed, warned, type CheckResult } from '../result.js';

/**
 * The doctor's look at DATABASE_URL: the server answers, is new enough, has the schema this code knows,
 * and lets the configured user read and write lp-delete's tables. Messages carry host, database, user and
 * version numbers only, never the password.
 */

const NAME = 'database';
const MIN_SERVER_VERSION = 130000;
const TABLES = [
  'requests',
  'request_ids',
  'notices',
  'months',
  'replicas',
  'person_searches',
  'erasures',
  'schema_migrations',
] as const;
const GRANT = (user: string) =>
  `Grant SELECT, INSERT, UPDATE, DELETE on lp-delete's tables and USAGE on notice_seq to ${user}.`;
const MIGRATE =
  'run `npm run -s store -- migrate` with DATABASE_URL set (or start the app: it migrates at start)';

export async function checkDatabase(url: string, options: { timeoutMs?: number } = {}): Promise<CheckResult> {
  let config: pg.ClientConfig;
  try {
    config = poolConfig(url);
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    return failed(NAME, error.message, 'Fix DATABASE_URL (postgres://user@host:5432/database).');
  }
  const server = describeServer(url);
  const client = new pg.Client({ ...config, connectionTimeoutMillis: options.timeoutMs ?? 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    return failed(
      NAME,
      `Cannot connect to the database ${server}: ${explainDriverError(error)}.`,
      'Start PostgreSQL (13 or newer) or fix the host, port, database, user or sslmode in DATABASE_URL.',
    );
  }
  try {
    return await inspect(client, server);
  } catch (error) {
    return failed(
      NAME,
      `The database ${server} answered, but checking it failed: ${explainDriverError(error)}.`,
      'See the PostgreSQL server log.',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function inspect(client: pg.Client, server: string): Promise<CheckResult> {
  const info = await client.query<{ version: string; num: string; user: string }>(
    `SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num,
            current_user AS user`,
  );
  const { version, num, user } = info.rows[0] ?? { version: '?', num: '0', user: '?' };
  const where = `PostgreSQL ${version} at ${server} as ${user}`;
  if (Number(num) < MIN_SERVER_VERSION) {
    return failed(
      NAME,
      `${where}: lp-delete needs PostgreSQL 13 or newer.`,
      'Upgrade the server, or point DATABASE_URL at a newer one.',
    );
  }

  const known = loadMigrations().length;
  const readable = await client.query<{ ok: boolean | null }>(
    `SELECT has_table_privilege(to_regclass('schema_migrations'), 'SELECT') AS ok`,
  );
  if (readable.rows[0]?.ok === false) {
    return failed(
      NAME,
      `${where}: ${user} may not read lp-delete's tables (schema_migrations, requests, …).`,
      GRANT(user),
    );
  }
  const found = await schemaVersion(client);
  if (found > known) {
    return failed(
      NAME,
      `${where}: schema version ${found} is newer than this lp-delete knows (${known}); it will not start.`,
      'Run the lp-delete release that migrated the database (or a newer one).',
    );
  }
  if (found < known) {
    const canCreate = await client.query<{ ok: boolean }>(
      `SELECT has_schema_privilege(current_schema(), 'CREATE') AS ok`,
    );
    const state = found === 0 ? 'has no lp-delete schema yet' : `is at schema version ${found} of ${known}`;
    if (!canCreate.rows[0]?.ok) {
      return failed(
        NAME,
        `${where}: the database ${state}, and ${user} may not create tables in it, so it cannot be migrated.`,
        `Grant CREATE on the schema to ${user}, or ${MIGRATE.replace('(or start the app: it migrates at start)', 'as a user who may')}.`,
      );
    }
    return warned(
      NAME,
      `${where}: the database ${state}; the app migrates it when it starts.`,
      `To migrate it now, ${MIGRATE}.`,
    );
  }

  const missing: string[] = [];
  for (const table of TABLES) {
    const privileges = await client.query<{ ok: boolean }>(
      `SELECT has_table_privilege($1, 'SELECT') AND has_table_privilege($1, 'INSERT')
          AND has_table_privilege($1, 'UPDATE') AND has_table_privilege($1, 'DELETE') AS ok`,
      [table],
    );
    if (!privileges.rows[0]?.ok) missing.push(table);
  }
  const sequence = await client.query<{ ok: boolean }>(
    `SELECT has_sequence_privilege('notice_seq', 'USAGE') AS ok`,
  );
  if (!sequence.rows[0]?.ok) missing.push('notice_seq (USAGE)');
  if (missing.length > 0) {
    return failed(
      NAME,
      `${where}: schema version ${found} (current), but ${user} may not read and write ${missing.join(', ')}.`,
      GRANT(user),
    );
  }
  return passed(
    NAME,
    `${where}: schema version ${found} (current); ${user} can read and write lp-delete's tables.`,
  );
}
