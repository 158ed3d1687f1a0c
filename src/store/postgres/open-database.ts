import pg from 'pg';
import { silentLogger, type Logger } from '../../log.js';
import { StoreError } from '../errors.js';
import { describeServer, poolConfig, timeoutSettings, toStoreError, type PgTimeouts } from './connection.js';
import { leaseSeconds } from './leases.js';
import { migrateWith, type Migration } from './migrations.js';
import { PgSession, type Checkout } from './session.js';

export const DEFAULT_LEASE_SECONDS = 30;

/** The PostgresStoreOptions opening the database takes. */
export interface DatabaseOptions {
  /** postgres://user:password@host:5432/database[?sslmode=…] (PGSSLMODE is honoured too). */
  url: string;
  /** How long a replica's lease lasts without renewal (REPLICA_LEASE_SECONDS); renewed every third of it. */
  replicaLeaseSeconds?: number;
  log?: Logger;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** How long to wait for the server (default PG_TIMEOUTS); tests shorten them. */
  timeouts?: Partial<PgTimeouts>;
  /** The schema migrations to apply (default: the shipped migrations/ folder). For tests. */
  migrations?: Migration[];
}

/**
 * Checks the options, connects and applies the migrations (once across replicas starting together). On
 * failure the pool is ended, and a connection failure says which database could not be reached.
 */
export async function openDatabase(
  options: DatabaseOptions,
): Promise<{ session: PgSession; server: string; lease: number; log: Logger }> {
  const server = describeServer(options.url);
  const lease = leaseSeconds(options.replicaLeaseSeconds ?? DEFAULT_LEASE_SECONDS);
  const log = options.log ?? silentLogger;
  const session = new PgSession(
    new pg.Pool({
      ...poolConfig(options.url),
      ...timeoutSettings(options.timeouts),
      max: options.poolSize ?? 10,
    }),
    log,
  );
  let checkout: Checkout;
  try {
    checkout = await session.connect('read');
  } catch (error) {
    await session.abandon();
    const wrapped = toStoreError(error, 'read');
    throw new StoreError(wrapped.code, `Cannot connect to the database ${server}. ${wrapped.message}`);
  }
  try {
    await migrateWith(checkout.client, server, {
      log,
      ...(options.migrations ? { migrations: options.migrations } : {}),
    });
  } catch (error) {
    checkout.release(true);
    await session.abandon();
    throw error;
  }
  checkout.release(false);
  return { session, server, lease, log };
}
