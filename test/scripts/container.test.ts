/**
 * The container recipe (issue 24): Dockerfile and docker-compose.yml. Where a Docker daemon answers, the
 * image is built and run, and its /healthz answered. Everywhere, the files are checked for what the README
 * promises (non-root, `node dist/index.js`, a health check on /healthz, PostgreSQL wired in), every file
 * they copy exists, and the image's health-check command is run against the real app: 0 while it
 * answers, 1 when nothing listens.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { Spawned } from '../support/spawned.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Record<string, unknown>>;
};

/** Why the image cannot be built here, or undefined when a Docker daemon answers. */
function dockerUnavailable(): string | undefined {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 15_000 });
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? 'the docker command is not installed'
      : 'no Docker daemon answers `docker info`';
  }
}
const NO_DOCKER = dockerUnavailable();

/** Dockerfile instructions (continuation lines joined), comments dropped. */
function instructions(): { op: string; args: string }[] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.trim() && !line.trim().startsWith('#'))
    .map((line) => {
      const [op = '', ...rest] = line.trim().split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** The image's HEALTHCHECK command as the argv Docker runs. */
function healthcheckArgv(): string[] {
  const check = instructions().find((i) => i.op === 'HEALTHCHECK');
  const json = /CMD\s+(\[.*\])\s*$/.exec(check?.args ?? '')?.[1];
  return JSON.parse(json ?? '[]') as string[];
}

describe('Dockerfile and docker-compose.yml, read', () => {
  it('runs node dist/index.js as a non-root user, with a health check on /healthz', () => {
    const steps = instructions();
    const finalStage = steps.slice(steps.map((s) => s.op).lastIndexOf('FROM'));
    expect(finalStage.at(-1)).toEqual({ op: 'CMD', args: '["node", "dist/index.js"]' });
    const user = finalStage.filter((s) => s.op === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(healthcheckArgv().join(' ')).toContain('/healthz');
  });

  it('copies only files that exist, and builds with the npm scripts that exist', () => {
    const scripts = Object.keys(
      (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
        .scripts,
    );
    for (const step of instructions().filter((s) => s.op === 'COPY' && !s.args.startsWith('--from'))) {
      const sources = step.args.split(/\s+/).slice(0, -1);
      for (const source of sources) expect(existsSync(join(ROOT, source)), source).toBe(true);
    }
    for (const step of instructions().filter((s) => s.op === 'RUN')) {
      for (const [, name] of step.args.matchAll(/npm run (?:-s )?([a-z:-]+)/g)) {
        expect(scripts, `npm run ${name}`).toContain(name);
      }
    }
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const kept of ['.env', 'data', 'node_modules']) expect(ignored).toContain(kept);
  });

  it('compose: the app builds from here, on PostgreSQL, once PostgreSQL is healthy', () => {
    const { app, postgres } = compose.services;
    expect(app?.build).toBe('.');
    const environment = app?.environment as Record<string, string>;
    const url = new URL(environment.DATABASE_URL ?? '');
    expect(url.protocol).toBe('postgres:');
    expect(url.hostname).toBe('postgres');
    const pgEnv = postgres?.environment as Record<string, string>;
    expect(url.pathname).toBe(`/${pgEnv.POSTGRES_DB}`);
    expect(url.username).toBe(pgEnv.POSTGRES_USER);
    expect(String(postgres?.image)).toMatch(/^postgres:(1[3-9]|[2-9]\d)/);
    expect(app?.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect((postgres?.healthcheck as { test: string[] }).test.join(' ')).toContain('pg_isready');
  });
});

describe('the image health check against the real app', () => {
  let slack: FakeSlack;
  let dir: string;
  let app: Spawned;
  let port: number;
  beforeAll(async () => {
    slack = await startFakeSlack({ botToken: 'xoxb-container-test', channels: ['CPRIVACY1'] });
    dir = await mkdtemp(join(tmpdir(), 'lp-delete-container-'));
    app = Spawned.run(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src', 'index.ts')],
      {
        LP_ACCOUNT_ID: '20762324',
        LP_BEARER_TOKEN: 'container-test',
        LP_DOMAIN_API_URL: 'http://127.0.0.1:9',
        DATA_DIR: join(dir, 'data'),
        SLACK_BOT_TOKEN: 'xoxb-container-test',
        SLACK_SIGNING_SECRET: 'container-test-secret',
        SLACK_API_URL: slack.url,
        PRIVACY_CHANNEL_ID: 'CPRIVACY1',
        APPROVER_USER_IDS: 'UAPPROVER1,UAPPROVER2',
        PORT: '0',
      },
      ROOT,
    );
    const [, listening] = await app.waitFor(/"event":"http_listening","port":(\d+)/, 30_000);
    port = Number(listening);
  }, 60_000);
  afterAll(async () => {
    app.kill('SIGTERM');
    await app.exited;
    await slack.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 while the app answers /healthz, 1 when nothing listens on PORT', async () => {
    const [command = '', ...args] = healthcheckArgv();
    expect(command).toBe('node');
    const healthy = await run(process.execPath, args, { env: { ...process.env, PORT: String(port) } });
    expect(healthy.stderr).toBe('');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port: nobody } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      run(process.execPath, args, { env: { ...process.env, PORT: String(nobody) } }),
    ).rejects.toMatchObject({ code: 1 });
  });
});

describe('the image, built', () => {
  it.skipIf(NO_DOCKER !== undefined)(
    `builds, runs as non-root and answers /healthz${NO_DOCKER ? ` (skipped: ${NO_DOCKER})` : ''}`,
    async () => {
      const tag = `lp-delete-test:${randomUUID().slice(0, 8)}`;
      await run('docker', ['build', '-t', tag, ROOT], { timeout: 600_000, maxBuffer: 50_000_000 });
      const name = `lp-delete-test-${randomUUID().slice(0, 8)}`;
      try {
        await run('docker', [
          'run',
          '-d',
          '--name',
          name,
          '-p',
          '127.0.0.1::3000',
          '-e',
          'LP_ACCOUNT_ID=20762324',
          '-e',
          'LP_BEARER_TOKEN=container-test',
          '-e',
          'SLACK_BOT_TOKEN=xoxb-container-test',
          '-e',
          'SLACK_SIGNING_SECRET=container-test',
          '-e',
          'SLACK_API_URL=http://127.0.0.1:9/api/',
          '-e',
          'PRIVACY_CHANNEL_ID=CPRIVACY1',
          '-e',
          'APPROVER_USER_IDS=UAPPROVER1,UAPPROVER2',
          tag,
        ]);
        const { stdout: mapped } = await run('docker', ['port', name, '3000/tcp']);
        const hostPort = /:(\d+)\s*$/m.exec(mapped)?.[1];
        const { stdout: user } = await run('docker', ['exec', name, 'id', '-u']);
        expect(user.trim()).not.toBe('0');
        let status = 0;
        for (let i = 0; i < 60 && status !== 200; i++) {
          status = await fetch(`http://127.0.0.1:${hostPort}/healthz`).then(
            (r) => r.status,
            () => 0,
          );
          if (status !== 200) await new Promise((r) => setTimeout(r, 500));
        }
        expect(status).toBe(200);
      } finally {
        await run('docker', ['rm', '-f', name]).catch(() => undefined);
        await run('docker', ['rmi', '-f', tag]).catch(() => undefined);
      }
    },
    900_000,
  );
});
