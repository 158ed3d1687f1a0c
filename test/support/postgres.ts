import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL database per test file, on the server of TEST_DATABASE_URL (default the local
 * trust-auth server). Without a server, the PostgreSQL suites are skipped with one line saying so; under
 * CI (CI set) an unreachable server fails the run instead, so a green CI always ran them.
 */

export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const unreachable = await probe();
if (unreachable !== undefined) {
  const where = new URL(TEST_SERVER_URL);
  const line = `PostgreSQL at ${where.host} not reachable (${unreachable}): the PostgreSQL store suites are skipped; set TEST_DATABASE_URL or start the server to run them.`;
  if (process.env.CI) throw new Error(`${line} Under CI they must run: .ci/run starts the server.`);
  // Each test file runs in its own worker process; a marker per vitest run keeps it to one line.
  try {
    closeSync(openSync(join(tmpdir(), `lpd-pg-skip-${process.ppid}`), 'wx'));
    console.warn(line);
  } catch {
    // Already said in this run.
  }
}

/** Whether the PostgreSQL suites can run (`describe.skipIf(!postgresAvailable)`). */
export const postgresAvailable = unreachable === undefined;

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates `lpd_test_<random>` on the test server; `drop()` removes it, closing connections left open. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `lpd_test_${randomBytes(5).toString('hex')}`;
  await onServer((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      onServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

/** Runs one statement on a test database (for arranging what only another replica or a crash would do). */
export async function sql<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}
