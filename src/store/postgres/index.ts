/** The PostgreSQL store (several replicas on one database): see postgres-store.ts and migrations.ts. */
export {
  DEFAULT_CLAIM_MS,
  DEFAULT_LEASE_SECONDS,
  openPostgresStore,
  PostgresStore,
  type ImportedNotice,
  type PostgresStoreOptions,
} from './postgres-store.js';
export {
  loadMigrations,
  migrate,
  MIGRATIONS_DIR,
  type Migration,
  type MigrationResult,
} from './migrations.js';
export { poolConfig } from './connection.js';
