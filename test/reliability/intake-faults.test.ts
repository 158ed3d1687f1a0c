/**
 * The intake API (issue 21) under a crash, with the app as a real process: killed (SIGKILL) the moment
 * LivePerson has answered the first create of an approved erasure, before anything is stored, then
 * started again. The erasure still ends filed with exactly one create per part, and the platform's
 * callback receiver hears each status once. Records a row of docs/reliability.md.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.js';
import { PERSON, seedPerson } from '../liveperson/history/fixtures.js';
import { ChildApp } from '../support/child-app.js';
import { APPROVER, Harness, approveButtonValue } from '../support/harness.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.js';
import { record, writeRowsOnExit } from './rows.js';

writeRowsOnExit(afterAll, 'The intake API under faults');

const TOKEN = 'onetrust-token-0123456789abcdef';
const SECRET = 'callback-secret-0123456789abcdef0123';

describe('the intake API, app killed between the approval and the filing', () => {
  let h: Harness;
  let hook: Server;
  const got: { status: string; signed: boolean }[] = [];
  const children: ChildApp[] = [];
  beforeEach(async () => {
    h = await Harness.start({ history: {} });
    seedPerson(h.history!, 2);
    await h.stopApp();
    h.external = true;
    got.length = 0;
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const timestamp = String(req.headers['x-lp-delete-timestamp']);
        const expected = createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex');
        got.push({
          status: (JSON.parse(body) as { status: string }).status,
          signed: req.headers['x-lp-delete-signature'] === `sha256=${expected}`,
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await h.close();
    await new Promise((resolve) => hook.close(resolve));
  });

  async function startChild(extra: Record<string, string> = {}): Promise<ChildApp> {
    const env = { INTAKE_TOKENS: `OneTrust:${TOKEN}`, INTAKE_CALLBACK_SECRET: SECRET };
    const child = await ChildApp.start({ ...h.appEnv(), ...env, ...extra });
    children.push(child);
    h.appUrl = child.url;
    return child;
  }

  const read = async (id: string) =>
    (await (
      await fetch(`${h.appUrl}/api/v1/erasures/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as { status: string; requests: { lp_request_id: string | null }[] };

  it('SIGKILL right after LivePerson’s last create: the restart ends filed, one create per part, one callback per status', async () => {
    // Killed when LivePerson has answered the plan's second (last) create, before it is stored.
    const first = await startChild({
      LP_DELETE_TEST_FAULT: 'kill-after-create',
      LP_DELETE_TEST_FAULT_AFTER: '2',
    });
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    const posted = await fetch(`${h.appUrl}/api/v1/erasures`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        'idempotency-key': 'k-1',
      },
      body: JSON.stringify({
        identifier: PERSON.email,
        case_ref: 'DSR-KILL',
        received_on: '2026-11-18',
        callback_url: url,
      }),
    });
    expect(posted.status).toBe(202);
    const { id } = (await posted.json()) as { id: string };
    const message = await h.slack.waitFor(() => h.approvalMessages()[0], 20_000);
    await h.slack.waitFor(
      () => (got.some((g) => g.status === 'awaiting_approval') ? true : undefined),
      20_000,
    );
    await h.click(APPROVER, ACTION.approve, approveButtonValue(message.blocks), message.ts);
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(h.lp.requests).toHaveLength(2);

    const second = await startChild();
    // The callback says when it is filed (GET polled every 10 ms would meet the 30-a-minute limit).
    await h.slack.waitFor(() => (got.some((g) => g.status === 'filed') ? true : undefined), 40_000);
    const filed = await read(id);
    // A few more rounds of the delivery and the sweep: nothing more is sent or filed.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    second.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    expect(h.lp.requests).toHaveLength(2);
    expect(filed.requests.map((r) => r.lp_request_id).sort()).toEqual(
      h.lp.requests.map((r) => String(r.requestId)).sort(),
    );
    expect(got.map((g) => g.status)).toEqual(['awaiting_approval', 'filed']);
    expect(got.every((g) => g.signed)).toBe(true);
    record({
      fault:
        'SIGKILL the moment LivePerson answered the last create of an intake erasure (not yet stored), then a restart',
      expected:
        'the restart finds it in LivePerson’s list; filed; one create per part; one callback per status',
      observed: `status ${filed.status}; LivePerson creates: ${h.lp.requests.length} for 2 parts; callbacks: ${got.map((g) => g.status).join(', ')}`,
      lost: filed.status === 'filed' ? 0 : 1,
      duplicates: Math.max(0, h.lp.requests.length - 2) + Math.max(0, got.length - 2),
    });
  }, 120_000);

  describe.skipIf(!postgresAvailable)('two replicas on one PostgreSQL database', () => {
    let db: TestDatabase;
    beforeEach(async () => {
      db = await createTestDatabase();
    });
    afterEach(async () => {
      await db.drop();
    });

    it('posted to one replica, approved through the other, read from both: one filing, each callback once', async () => {
      const env = { DATABASE_URL: db.url, REPLICA_LEASE_SECONDS: '2', LP_DELETE_TEST_SWEEP_MS: '300' };
      const a = await startChild(env);
      const b = await startChild(env);
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
      h.appUrl = a.url;
      const posted = await fetch(`${a.url}/api/v1/erasures`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          'idempotency-key': 'k-2',
        },
        body: JSON.stringify({
          identifier: PERSON.email,
          case_ref: 'DSR-R',
          received_on: '2026-11-18',
          callback_url: url,
        }),
      });
      const { id } = (await posted.json()) as { id: string };
      // The same key on the other replica: the same erasure, nothing new.
      const again = await fetch(`${b.url}/api/v1/erasures`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          'idempotency-key': 'k-2',
        },
        body: JSON.stringify({
          identifier: PERSON.email,
          case_ref: 'DSR-R',
          received_on: '2026-11-18',
          callback_url: url,
        }),
      });
      expect(((await again.json()) as { id: string }).id).toBe(id);
      const message = await h.slack.waitFor(() => h.approvalMessages()[0], 20_000);
      h.appUrl = b.url;
      await h.click(APPROVER, ACTION.approve, approveButtonValue(message.blocks), message.ts);
      await h.slack.waitFor(() => (got.some((g) => g.status === 'filed') ? true : undefined), 30_000);
      // Both replicas run their delivery rounds (every 5 s) and sweeps meanwhile: nothing more arrives.
      await new Promise((resolve) => setTimeout(resolve, 6000));
      h.appUrl = a.url;
      expect((await read(id)).status).toBe('filed');
      for (const child of [a, b]) child.kill('SIGTERM');
      for (const child of [a, b]) expect((await child.exited).code).toBe(0);
      expect(got.map((g) => g.status)).toEqual(['awaiting_approval', 'filed']);
      expect(h.lp.requests).toHaveLength(2);
      expect(h.approvalMessages()).toHaveLength(1);
      record({
        fault:
          'two replicas on PostgreSQL: posted to one (and again, same Idempotency-Key, to the other), approved on the other',
        expected: 'one erasure, one filing, each callback once whichever replica sends it',
        observed: `callbacks: ${got.map((g) => g.status).join(', ')}; LivePerson creates: ${h.lp.requests.length}; approval messages: ${h.approvalMessages().length}`,
        lost: got.some((g) => g.status === 'filed') ? 0 : 1,
        duplicates: Math.max(0, got.length - 2) + Math.max(0, h.lp.requests.length - 2),
      });
    }, 120_000);
  });
});
