import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDatabase } from '../../src/doctor/checks/database.js';
import { migrate } from '../../src/store/postgres/migrations.js';
import {
  createTestDatabase,
  postgresAvailable,
  sql,
  TEST_SERVER_URL,
  type TestDatabase,
} from '../support/postgres.js';

describe('checkDatabase without a server', () => {
  it('fails on an unreachable server, naming it without the password', async () => {
    const check = await checkDatabase('postgres://lpd:secret-pw@127.0.0.1:1/app');
    expect(check.ok).toBe(false);
    expect(check.detail).toContain('127.0.0.1:1/app');
    expect(check.detail).not.toContain('secret-pw');
    expect(check.fix).toMatch(/DATABASE_URL/);
  });

  it('fails on a URL that is not postgres://', async () => {
    expect(await checkDatabase('mysql://db/app')).toMatchObject({ ok: false, detail: /postgres:\/\// });
  });
});

describe.skipIf(!postgresAvailable)('checkDatabase (PostgreSQL)', () => {
  let db: TestDatabase;
  const role = `lpd_doctor_${randomBytes(4).toString('hex')}`;
  const as = (user: string) => {
    const url = new URL(db.url);
    url.username = user;
    return url.toString();
  };
  beforeAll(async () => {
    db = await createTestDatabase();
    await sql(TEST_SERVER_URL, `CREATE ROLE ${role} LOGIN`);
  });
  afterAll(async () => {
    await db.drop();
    await sql(TEST_SERVER_URL, `DROP ROLE IF EXISTS ${role}`);
  });

  it('warns on a database not migrated yet (the app migrates at start)', async () => {
    const check = await checkDatabase(db.url);
    expect(check).toMatchObject({
      ok: true,
      warning: true,
      detail: /has no lp-delete schema yet/,
      fix: /npm run -s store -- migrate/,
    });
  });

  it('fails when the schema is behind and the user may not create tables', async () => {
    const check = await checkDatabase(as(role));
    expect(check).toMatchObject({ ok: false, detail: new RegExp(`${role} may not create tables`) });
  });

  it('is ok on a current schema the user can read and write', async () => {
    await migrate(db.url);
    const check = await checkDatabase(db.url);
    expect(check.ok).toBe(true);
    expect(check).not.toHaveProperty('warning');
    expect(check.detail).toMatch(/^PostgreSQL \d+.* as postgres: schema version \d+ \(current\)/);
  });

  it('fails when the user lacks privileges on the tables', async () => {
    const check = await checkDatabase(as(role));
    expect(check).toMatchObject({
      ok: false,
      detail: new RegExp(`${role} may not read lp-delete's tables`),
    });
    expect(check.fix).toContain(`to ${role}`);
  });

  it('names the tables the user may not write', async () => {
    await sql(db.url, `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
    const check = await checkDatabase(as(role));
    expect(check).toMatchObject({
      ok: false,
      detail: /may not read and write requests, request_ids, notices/,
    });
    await sql(db.url, `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}`);
  });

  it('fails on a schema newer than the code', async () => {
    await sql(db.url, `INSERT INTO schema_migrations (version, name) VALUES (999, 'future')`);
    expect(await checkDatabase(db.url)).toMatchObject({
      ok: false,
      detail: /schema version 999 is newer/,
    });
  });
});
