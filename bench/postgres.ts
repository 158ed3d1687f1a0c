/**
 * The PostgreSQL store beside the file store: the same writes on each (file a 100-id request with its
 * notices, approve one under the quota lock, as the app does), then Approve → record in the thread with
 * the file store (one app) and with PostgreSQL (two replicas: filed on one, approved on the other).
 * Runs on a throwaway database of BENCH_DATABASE_URL (default TEST_DATABASE_URL, else the local server),
 * dropped afterwards; without a reachable server the section is one line saying so.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openFileStore } from '../src/store/lowdb/file-store.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import type { RequestStore } from '../src/store/port.js';
import { ChildApp } from '../test/support/child-app.js';
import { child, ms, summarise } from './common.js';
import { ACCOUNT_ID, appLikeWrite } from './history.js';
import { APPROVER, approveBody, send, SIGNING_SECRET, submissionBody } from './load.js';
import { BOT_TOKEN, CHANNEL } from './stand-in-ids.js';

export interface BenchSection {
  lines: string[];
  targets: { what: string; ok: boolean }[];
}

const SERVER_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

type Summary = ReturnType<typeof summarise>;

/** `WRITES` writes like the app's, alternately filing a 100-id request and approving one. */
async function writes(store: RequestStore, count: number): Promise<Summary> {
  const now = new Date();
  const pending: string[] = [];
  const latencies: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await appLikeWrite(store, i, now, pending);
    latencies.push(performance.now() - started);
    await new Promise((r) => setImmediate(r));
  }
  return summarise(latencies);
}

/**
 * Approve → record in the thread, one request at a time: each filed on one app and approved on the next
 * (the same app when there is one), timed from the click sent to the thread post reaching the fake Slack.
 */
async function approveToRecord(env: Record<string, string>, replicas: number, rounds: number) {
  const standIn = child<{ slackUrl: string; lpUrl: string; controlUrl: string }>('stand-in.ts');
  const { slackUrl, lpUrl, controlUrl } = await standIn.ready;
  const apps: ChildApp[] = [];
  const agent = new Agent({ keepAlive: true });
  try {
    const appEnv = {
      LP_ACCOUNT_ID: ACCOUNT_ID,
      LP_CLIENT_ID: 'sandbox-client',
      LP_CLIENT_SECRET: 'sandbox-client-secret',
      LP_DOMAIN_API_URL: lpUrl,
      LP_MONTHLY_LIMIT: '1000000',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slackUrl,
      PRIVACY_CHANNEL_ID: CHANNEL,
      APPROVER_USER_IDS: APPROVER,
      ...env,
    };
    for (let i = 0; i < replicas; i += 1) apps.push(await ChildApp.start(appEnv));
    const ports = apps.map((a) => Number(new URL(a.url).port));
    const control = async <T>(path: string): Promise<T> =>
      (await fetch(`${controlUrl}${path}`)).json() as Promise<T>;
    const poll = async <T>(read: () => Promise<T | null | undefined>, what: string): Promise<T> => {
      for (const until = Date.now() + 15_000; Date.now() < until;) {
        const value = await read();
        if (value) return value;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`bench: no ${what} within 15 s`);
    };
    const samples: number[] = [];
    for (let i = 0; i < rounds; i += 1) {
      const filedOn = ports[i % ports.length] as number;
      const approvedOn = ports[(i + 1) % ports.length] as number;
      await send(agent, filedOn, submissionBody());
      const approval = await poll(
        async () => (await control<{ requestId: string; ts: string }[]>('/approvals?n=1'))[0],
        'approval message',
      );
      const sent = Date.now();
      await send(agent, approvedOn, approveBody(approval.requestId, approval.ts));
      const at = await poll(() => control<number | null>(`/records?ts=${approval.ts}`), 'record');
      samples.push(at - sent);
      // Let the requester's DM and the message update go out before the next round.
      await new Promise((r) => setTimeout(r, 100));
    }
    return summarise(samples);
  } finally {
    agent.destroy();
    await Promise.all(
      apps.map(async (a) => {
        a.kill('SIGTERM');
        await a.exited;
      }),
    );
    await standIn.stop();
  }
}

async function onServer<T>(work: (client: pg.Client) => Promise<T>, database = SERVER_URL): Promise<T> {
  const client = new pg.Client({ connectionString: database, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The PostgreSQL section of `npm run bench`: markdown lines and the targets it checks. */
export async function postgresSection(options: { quick?: boolean } = {}): Promise<BenchSection> {
  const where = new URL(SERVER_URL).host;
  const name = `lpd_bench_${randomBytes(5).toString('hex')}`;
  try {
    await onServer((client) => client.query(`CREATE DATABASE ${name}`));
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    return {
      lines: [
        '## PostgreSQL store (several replicas)',
        '',
        `Skipped: PostgreSQL at ${where} not reachable (${code}); set BENCH_DATABASE_URL or start the server.`,
        '',
      ],
      targets: [],
    };
  }
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const dir = await mkdtemp(join(tmpdir(), 'lp-delete-bench-pg-'));
  const count = options.quick ? 100 : 300;
  const rounds = options.quick ? 10 : 20;
  try {
    console.error('  postgres: store writes');
    const fileStore = await openFileStore(join(dir, 'writes'));
    const fileWrites = await writes(fileStore, count).finally(() => fileStore.close());
    const pgStore = await PostgresStore.open({ url: url.toString() });
    const pgWrites = await writes(pgStore, count).finally(() => pgStore.close());
    // The replicas start on an empty database: no notices owed from the writes above.
    await onServer(
      (client) => client.query('TRUNCATE requests, request_ids, notices, months'),
      url.toString(),
    );
    console.error('  postgres: approve → record, file store (one app)');
    const fileRecord = await approveToRecord({ DATA_DIR: join(dir, 'app') }, 1, rounds);
    console.error('  postgres: approve → record, PostgreSQL (two replicas)');
    const pgRecord = await approveToRecord(
      { DATABASE_URL: url.toString(), DATA_DIR: join(dir, 'unused') },
      2,
      rounds,
    );
    const row = (what: string, w: Summary, r: Summary) =>
      `| ${what} | ${ms(w.p50, 2)} / ${ms(w.p99)} | ${ms(r.p50, 0)} / ${ms(r.p99, 0)} |`;
    return {
      lines: [
        '## PostgreSQL store (several replicas) beside the file store',
        '',
        `Writes: ${count} in a row on a fresh store, alternately filing a 100-id request with its notices and ` +
          'approving one under the quota lock (each one transaction on PostgreSQL; one fsynced file write on the ' +
          `file store). PostgreSQL ${where} on this machine, over TCP. Approve → record: ${rounds} requests one after ` +
          'another, the app(s) in child processes, LivePerson sandbox and fake Slack in another; with two replicas ' +
          'each request is filed on one and approved on the other (click sent → the thread post reached the fake Slack). ' +
          'Everything shares this machine’s cores, so other load shows in the tails.',
        '',
        '| store | write p50 / p99 (ms) | Approve → record p50 / p99 (ms) |',
        '| --- | --: | --: |',
        row('file store (lowdb JSON files), one app', fileWrites, fileRecord),
        row('PostgreSQL, two replicas', pgWrites, pgRecord),
        '',
        'A PostgreSQL write is one transaction of 6–9 statements, each a round trip, and a commit that waits for ' +
          'the WAL flush; reading and writing the 100-id request as JSON adds a little in Node. Its tail follows the ' +
          'load on the machine (the server shares these cores) more than the store.',
        '',
      ],
      targets: [
        {
          what:
            `issue 10: with two replicas on PostgreSQL, Approve → record p50 under 1 s (${ms(pgRecord.p50, 0)} ms; ` +
            `one app on the file store: ${ms(fileRecord.p50, 0)} ms)`,
          ok: pgRecord.p50 < 1000,
        },
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
    await onServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(
      () => undefined,
    );
  }
}
