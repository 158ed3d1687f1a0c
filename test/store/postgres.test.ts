import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeletionRequest } from '../../src/domain/request.js';
import { StoreError } from '../../src/store/errors.js';
import { loadMigrations, migrate } from '../../src/store/postgres/migrations.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { ChangeFn } from '../../src/store/port.js';
import { createTestDatabase, postgresAvailable, sql, type TestDatabase } from '../support/postgres.js';
import { aRequest, describeStoreContract } from './contract.js';

const TABLES = 'requests, request_ids, notices, months, replicas, person_searches';

describe.skipIf(!postgresAvailable)('PostgresStore', () => {
  let db: TestDatabase;
  const open: PostgresStore[] = [];
  const openStore = async (options: { replicaLeaseSeconds?: number } = {}) => {
    const store = await PostgresStore.open({ url: db.url, ...options });
    open.push(store);
    return store;
  };
  const closeAll = async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
  };
  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.url);
  });
  afterAll(async () => {
    await closeAll();
    await db.drop();
  });

  describeStoreContract('PostgreSQL', async () => {
    await sql(db.url, `TRUNCATE ${TABLES}; ALTER SEQUENCE notice_seq RESTART`);
    let current = await openStore();
    return {
      store: current,
      reopen: async () => {
        await current.close();
        current = await openStore();
        return current;
      },
      cleanup: closeAll,
    };
  });

  describe('several replicas on one database', () => {
    const MONTH = '2026-12';
    const QUOTA = { accountId: '123', month: MONTH };
    let a: PostgresStore;
    let b: PostgresStore;
    beforeEach(async () => {
      await sql(db.url, `TRUNCATE ${TABLES}`);
      [a, b] = [await openStore(), await openStore()];
    });
    afterEach(closeAll);

    it('each replica has its own id and lease', async () => {
      expect(a.replicaId).not.toBe(b.replicaId);
      const leases = await sql<{ id: string }>(db.url, 'SELECT id FROM replicas ORDER BY id');
      expect(leases.map((row) => row.id)).toEqual([a.replicaId, b.replicaId].sort());
    });

    it('two replicas claiming notices at once never get the same one', async () => {
      for (let i = 0; i < 40; i++) {
        await a.create(MONTH, (id) => aRequest(id), [{ kind: 'approval_post' }]);
      }
      const now = new Date(Date.now() + 1000);
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claimDueNotices(now, 3)),
      );
      const taken = claims.flat().map((owed) => `${owed.lane}#${owed.seq}`);
      expect(new Set(taken).size).toBe(taken.length);
      expect(taken).toHaveLength(40);
    });

    it('20 approvals split over two replicas with a limit of 5: exactly 5 pass', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push((await a.create(MONTH, (id) => aRequest(id))).id);
      const approve: ChangeFn<boolean> = (current, context) => {
        if (current?.status !== 'pending_approval' || (context.usage?.used ?? 0) >= 5)
          return { value: false };
        return { value: true, request: { ...current, status: 'submitting', quotaMonth: MONTH } };
      };
      const outcomes = await Promise.all(
        ids.map((id, i) => (i % 2 ? a : b).update(id, approve, { quota: QUOTA })),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(5);
      expect((await b.usage(QUOTA)).used).toBe(5);
    });

    it('the same Approve sent to both replicas (double click) submits once', async () => {
      const { id } = await a.create(MONTH, (id) => aRequest(id));
      const approve: ChangeFn<boolean> = (current) =>
        current?.status === 'pending_approval'
          ? { value: true, request: { ...current, status: 'submitting', quotaMonth: MONTH } }
          : { value: false };
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).update(id, approve, { quota: QUOTA })),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
    });

    it('exclusive work runs on one replica at a time', async () => {
      let running = 0;
      let most = 0;
      const work = async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 100));
        running -= 1;
        return 'ran';
      };
      const results = await Promise.all([a.exclusive('sweep', work), b.exclusive('sweep', work)]);
      expect(results.sort()).toEqual(['ran', undefined]);
      expect(most).toBe(1);
      // Released afterwards; other names never wait on it.
      expect(await b.exclusive('sweep', async () => 'again')).toBe('again');
      expect(await Promise.all([a.exclusive('x', work), b.exclusive('y', work)])).toEqual(['ran', 'ran']);
    });

    it('a submission of a replica whose lease ran out is orphaned; a live one’s is not', async () => {
      const dying = await openStore({ replicaLeaseSeconds: 2 });
      const { id } = await dying.create(MONTH, (id) => aRequest(id));
      await dying.update(id, (current) => ({
        value: 0,
        request: { ...current!, status: 'submitting', quotaMonth: MONTH } satisfies DeletionRequest,
      }));
      expect(await b.orphanedSubmissions()).toEqual([]);
      // Renewed while it lives…
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(await b.orphanedSubmissions()).toEqual([]);
      // …and gone a lease after it dies without a word.
      await dying.close({ keepLease: true });
      await new Promise((resolve) => setTimeout(resolve, 2200));
      expect((await b.orphanedSubmissions()).map((r) => r.id)).toEqual([id]);
    });

    it('a notice claimed by a replica whose lease ran out is taken over at once, maybePosted; a live one’s is not', async () => {
      const dying = await openStore({ replicaLeaseSeconds: 2 });
      await a.create(MONTH, (id) => aRequest(id), [
        { kind: 'approval_post' },
        { kind: 'requester_filed', duplicatesDropped: 0, notes: [] },
      ]);
      const now = new Date(Date.now() + 1000);
      const [claimed] = await dying.claimDueNotices(now, 5);
      expect(claimed?.notice.kind).toBe('approval_post');
      // The claim holds while its replica lives (the lane waits behind its head); the replica may post
      // only while its lease is sure to hold.
      expect(await b.claimDueNotices(now, 5)).toEqual([]);
      expect(dying.claimsSafeUntil()).toBeGreaterThan(performance.now());
      // …and not after the replica dies mid-delivery: the head is taken again, long before the claim ends,
      // marked as possibly posted (the new holder asks Slack first).
      await dying.close({ keepLease: true });
      await new Promise((resolve) => setTimeout(resolve, 2200));
      expect(dying.claimsSafeUntil()).toBeLessThan(performance.now());
      const taken = await b.claimDueNotices(now, 5);
      expect(taken.map((owed) => [owed.lane, owed.seq, owed.maybePosted])).toEqual([
        [claimed?.lane, claimed?.seq, true],
      ]);
    });
  });

  describe('details of this store', () => {
    let store: PostgresStore;
    beforeEach(async () => {
      await sql(db.url, `TRUNCATE ${TABLES}`);
      store = await openStore();
    });
    afterEach(closeAll);

    it('ids grow past four digits and stay in filing order', async () => {
      await sql(db.url, `INSERT INTO request_ids (month, last) VALUES ('2026-12', 9998)`);
      const ids = [];
      for (let i = 0; i < 2; i++) ids.push((await store.create('2026-12', (id) => aRequest(id))).id);
      expect(ids).toEqual(['DR-2026-12-9999', 'DR-2026-12-10000']);
      expect((await store.listMonth('2026-12')).map((r) => r.id)).toEqual(ids);
    });

    it('update cannot create a request, nor change its id', async () => {
      await expect(
        store.update('DR-2026-12-0001', () => ({ value: 0, request: aRequest('DR-2026-12-0001') })),
      ).rejects.toThrow(/no request DR-2026-12-0001/);
      const { id } = await store.create('2026-12', (id) => aRequest(id));
      await expect(
        store.update(id, (current) => ({ value: 0, request: { ...current!, id: 'DR-2026-12-0099' } })),
      ).rejects.toThrow(/keep the id/);
      expect(await store.months()).toEqual(['2026-12']);
      expect(await store.get('DR-2026-12-0099')).toBeUndefined();
    });

    it('the submitting replica is recorded when a request moves into submitting, and cleared after', async () => {
      const { id } = await store.create('2026-12', (id) => aRequest(id));
      const replicaOf = async () =>
        (
          await sql<{ r: string | null }>(
            db.url,
            'SELECT submitting_replica AS r FROM requests WHERE id = $1',
            [id],
          )
        )[0]?.r;
      const move = (status: DeletionRequest['status']) =>
        store.update(id, (current) => ({
          value: 0,
          request: { ...current!, status, quotaMonth: '2026-12' },
        }));
      await move('submitting');
      expect(await replicaOf()).toBe(store.replicaId);
      const other = await openStore();
      await other.update(id, (current) => ({
        value: 0,
        request: { ...current!, reason: 'still submitting' },
      }));
      expect(await replicaOf()).toBe(store.replicaId);
      await move('submitted');
      expect(await replicaOf()).toBeNull();
    });

    it('a request stored by hand in a shape lp-delete does not know is refused on read, naming the table', async () => {
      await sql(
        db.url,
        `INSERT INTO requests (id, month, account_id, status, is_open, created_at, doc)
         VALUES ('DR-2026-12-0001', '2026-12', '1', 'pending_approval', true, now(), '{"id": 1}')`,
      );
      await expect(store.get('DR-2026-12-0001')).rejects.toThrow(/table requests/);
    });
  });

  describe('migrations', () => {
    let fresh: TestDatabase;
    beforeEach(async () => {
      fresh = await createTestDatabase();
    });
    afterEach(async () => {
      await fresh.drop();
    });

    it('ship numbered 0001, 0002, … and are found beside the module', () => {
      const migrations = loadMigrations();
      expect(migrations.length).toBeGreaterThanOrEqual(1);
      expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    });

    it('two replicas starting together on an empty database migrate it once', async () => {
      const stores = await Promise.all([
        PostgresStore.open({ url: fresh.url }),
        PostgresStore.open({ url: fresh.url }),
        PostgresStore.open({ url: fresh.url }),
      ]);
      await Promise.all(stores.map((store) => store.close()));
      const rows = await sql<{ version: number }>(
        fresh.url,
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(rows.map((row) => row.version)).toEqual(loadMigrations().map((m) => m.version));
      expect(await migrate(fresh.url)).toEqual({ from: rows.length, to: rows.length });
    });

    it('a schema newer than the code stops start-up with a clear message', async () => {
      await migrate(fresh.url);
      await sql(fresh.url, `INSERT INTO schema_migrations (version, name) VALUES (999, 'from_the_future')`);
      const opening = PostgresStore.open({ url: fresh.url });
      await expect(opening).rejects.toBeInstanceOf(StoreError);
      await expect(opening).rejects.toThrow(/schema version 999, newer than this lp-delete knows/);
    });

    it('a failing migration leaves the database as it was', async () => {
      const broken = [
        ...loadMigrations(),
        { version: 2, name: 'broken', sql: 'CREATE TABLE requests (id int)' },
      ];
      await expect(PostgresStore.open({ url: fresh.url, migrations: broken })).rejects.toThrow(
        /Migrating the database/,
      );
      const rows = await sql(
        fresh.url,
        `SELECT to_regclass('schema_migrations') AS t, to_regclass('requests') AS r`,
      );
      expect(rows).toEqual([{ t: null, r: null }]);
    });
  });

  describe('failures', () => {
    it('an unreachable server is a StoreError naming the server, without the password', async () => {
      const opening = PostgresStore.open({ url: 'postgres://lpd:secret-pw@127.0.0.1:1/none' });
      await expect(opening).rejects.toBeInstanceOf(StoreError);
      await expect(opening).rejects.toThrow(/127\.0\.0\.1:1\/none/);
      await expect(opening).rejects.not.toThrow(/secret-pw/);
    });

    it('a dropped connection makes the store unhealthy until the next call succeeds on a new one', async () => {
      const store = await openStore();
      const { id } = await store.create('2026-12', (id) => aRequest(id));
      expect(store.healthy()).toBe(true);
      await sql(
        db.url,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      for (let waited = 0; store.healthy() && waited < 5000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(store.healthy()).toBe(false);
      expect((await store.get(id))?.id).toBe(id);
      expect(store.healthy()).toBe(true);
    });
  });
});
