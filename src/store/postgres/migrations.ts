import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Logger } from '../../log.js';
import { StoreError } from '../errors.js';
import { describeServer, poolConfig, timeoutSettings, toStoreError } from './connection.js';

/**
 * The schema is plain SQL in `migrations/NNNN_name.sql`, read from beside this module (the folder is
 * found through import.meta.url, so it works from src/ under tsx; a compiled build must copy the folder
 * next to this file). Migrations are applied in one transaction under an advisory lock, so replicas
 * starting together migrate once and a half-applied schema never exists.
 *
 * Ours, not a library (issue 23 weighed both): node-pg-migrate takes its lock with pg_try_advisory_lock,
 * so a replica starting beside another fails ("Another migration is already running") instead of
 * waiting; it accepts a database with migrations it does not know (no "newer than this code"), checks
 * no numbering gaps, and keeps its own pgmigrations table. postgres-migrations runs each migration in
 * its own transaction and keeps md5 hashes in its own table. Either needs our lock, both checks and a
 * copy of schema_migrations into its table around it: a shim longer than this file.
 */

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;
/** Advisory lock keys (two-int form): this one for migrations, another for exclusive(). */
export const LOCK_CLASS_MIGRATE = 0x6c7064;
export const LOCK_CLASS_EXCLUSIVE = 0x6c7065;

/** The migrations shipped with this code, in order; numbering must run 1, 2, 3… without gaps. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => FILE.test(file));
  } catch {
    throw new StoreError(
      'STORE_UNREADABLE',
      `The PostgreSQL migrations folder ${dir} is missing: it ships beside src/store/postgres/migrations.ts (copy it into a compiled build).`,
    );
  }
  const migrations = files.sort().map((file) => {
    const [, number, name] = FILE.exec(file) as RegExpExecArray;
    return { version: Number(number), name: name ?? file, sql: readFileSync(`${dir}/${file}`, 'utf8') };
  });
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new StoreError(
        'STORE_UNREADABLE',
        `The PostgreSQL migrations in ${dir} are not numbered 0001, 0002, … without gaps (found ${migration.version} at place ${index + 1}).`,
      );
    }
  });
  return migrations;
}

export interface MigrationResult {
  from: number;
  to: number;
}

const SCHEMA_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/** The schema version recorded in the database (0 when lp-delete never migrated it). */
export async function schemaVersion(client: pg.ClientBase): Promise<number> {
  const exists = await client.query<{ present: boolean }>(
    `SELECT to_regclass('schema_migrations') IS NOT NULL AS present`,
  );
  if (!exists.rows[0]?.present) return 0;
  const result = await client.query<{ version: number | null }>(
    'SELECT max(version) AS version FROM schema_migrations',
  );
  return result.rows[0]?.version ?? 0;
}

/**
 * Brings the schema up to the newest migration. Holds `pg_advisory_xact_lock` for the transaction, so of
 * two replicas starting together one migrates and the other then finds nothing to do. A database newer
 * than the code stops here with a StoreError saying so.
 */
export async function migrateWith(
  client: pg.ClientBase,
  server: string,
  options: { migrations?: Migration[]; log?: Logger } = {},
): Promise<MigrationResult> {
  const migrations = options.migrations ?? loadMigrations();
  const known = migrations.length;
  let inTransaction = false;
  try {
    await client.query('BEGIN');
    inTransaction = true;
    await client.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_CLASS_MIGRATE]);
    await client.query(SCHEMA_TABLE);
    const from = await schemaVersion(client);
    if (from > known) {
      throw new StoreError(
        'STORE_UNREADABLE',
        `The database ${server} has schema version ${from}, newer than this lp-delete knows (${known}): a newer ` +
          'release has migrated it. Run that release (or newer); an older one cannot use this database.',
      );
    }
    for (const migration of migrations.slice(from)) {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
    await client.query('COMMIT');
    inTransaction = false;
    if (known > from) options.log?.info('store_migrated', { from, to: known });
    return { from, to: known };
  } catch (error) {
    if (inTransaction) await client.query('ROLLBACK').catch(() => undefined);
    if (error instanceof StoreError) throw error;
    const wrapped = toStoreError(error, 'write');
    throw new StoreError(wrapped.code, `Migrating the database ${server} failed. ${wrapped.message}`);
  }
}

/** `npm run store -- migrate`: applies the migrations to the database at `url`. */
export async function migrate(url: string, options: { log?: Logger } = {}): Promise<MigrationResult> {
  const client = new pg.Client({ ...poolConfig(url), ...timeoutSettings() });
  const server = describeServer(url);
  // A lost connection also rejects the query under way; the event alone would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    const wrapped = toStoreError(error, 'read');
    throw new StoreError(wrapped.code, `Cannot connect to the database ${server}. ${wrapped.message}`);
  }
  try {
    return await migrateWith(client, server, options);
  } finally {
    await client.end().catch(() => undefined);
  }
}
