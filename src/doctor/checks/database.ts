import pg from 'pg';
import { StoreError } from '../../store/errors.js';
import { describeServer, explainDriverError, poolConfig } from '../../store/postgres/connection.js';
import { loadMigrations, schemaVersion } from '../../store/postgres/migrations.js';

/**
 * The doctor's look at DATABASE_URL: the server answers, is new enough, has the schema this code knows,
 * and lets the configured user read and write lp-delete's tables. Messages carry host, database, user and
 * version numbers only, never the password.
 */

export interface DatabaseCheck {
  status: 'ok' | 'warn' | 'fail';
  message: string;
  fix?: string;
}

export const MIN_SERVER_VERSION = 130000;
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

export async function checkDatabase(
  url: string,
  options: { timeoutMs?: number } = {},
): Promise<DatabaseCheck> {
  let config: pg.ClientConfig;
  try {
    config = poolConfig(url);
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    return {
      status: 'fail',
      message: error.message,
      fix: 'Fix DATABASE_URL (postgres://user@host:5432/database).',
    };
  }
  const server = describeServer(url);
  const client = new pg.Client({ ...config, connectionTimeoutMillis: options.timeoutMs ?? 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    return {
      status: 'fail',
      message: `Cannot connect to the database ${server}: ${explainDriverError(error)}.`,
      fix: 'Start PostgreSQL (13 or newer) or fix the host, port, database, user or sslmode in DATABASE_URL.',
    };
  }
  try {
    return await inspect(client, server);
  } catch (error) {
    return {
      status: 'fail',
      message: `The database ${server} answered, but checking it failed: ${explainDriverError(error)}.`,
      fix: 'See the PostgreSQL server log.',
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function inspect(client: pg.Client, server: string): Promise<DatabaseCheck> {
  const info = await client.query<{ version: string; num: string; user: string }>(
    `SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num,
            current_user AS user`,
  );
  const { version, num, user } = info.rows[0] ?? { version: '?', num: '0', user: '?' };
  const where = `PostgreSQL ${version} at ${server} as ${user}`;
  if (Number(num) < MIN_SERVER_VERSION) {
    return {
      status: 'fail',
      message: `${where}: lp-delete needs PostgreSQL 13 or newer.`,
      fix: 'Upgrade the server, or point DATABASE_URL at a newer one.',
    };
  }

  const known = loadMigrations().length;
  const readable = await client.query<{ ok: boolean | null }>(
    `SELECT has_table_privilege(to_regclass('schema_migrations'), 'SELECT') AS ok`,
  );
  if (readable.rows[0]?.ok === false) {
    return {
      status: 'fail',
      message: `${where}: ${user} may not read lp-delete's tables (schema_migrations, requests, …).`,
      fix: GRANT(user),
    };
  }
  const found = await schemaVersion(client);
  if (found > known) {
    return {
      status: 'fail',
      message: `${where}: schema version ${found} is newer than this lp-delete knows (${known}); it will not start.`,
      fix: 'Run the lp-delete release that migrated the database (or a newer one).',
    };
  }
  if (found < known) {
    const canCreate = await client.query<{ ok: boolean }>(
      `SELECT has_schema_privilege(current_schema(), 'CREATE') AS ok`,
    );
    const state = found === 0 ? 'has no lp-delete schema yet' : `is at schema version ${found} of ${known}`;
    if (!canCreate.rows[0]?.ok) {
      return {
        status: 'fail',
        message: `${where}: the database ${state}, and ${user} may not create tables in it, so it cannot be migrated.`,
        fix: `Grant CREATE on the schema to ${user}, or ${MIGRATE.replace('(or start the app: it migrates at start)', 'as a user who may')}.`,
      };
    }
    return {
      status: 'warn',
      message: `${where}: the database ${state}; the app migrates it when it starts.`,
      fix: `To migrate it now, ${MIGRATE}.`,
    };
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
    return {
      status: 'fail',
      message: `${where}: schema version ${found} (current), but ${user} may not read and write ${missing.join(', ')}.`,
      fix: GRANT(user),
    };
  }
  return {
    status: 'ok',
    message: `${where}: schema version ${found} (current); ${user} can read and write lp-delete's tables.`,
  };
}
