import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeRoutes, type Readiness } from '../../src/startup/probes.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** The probe routes on a real port, routed by path as Bolt's HTTPReceiver does for customRoutes. */
async function serve(readiness: Readiness): Promise<string> {
  const routes = probeRoutes(readiness);
  server = createServer((req, res) => {
    const route = routes.find((r) => r.path === req.url && r.method.includes(req.method ?? ''));
    if (route) route.handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('/healthz and /readyz', () => {
  it('healthz answers while alive; readyz only once the store is open and Slack signed in', async () => {
    const flags = { store: false, slack: false };
    const url = await serve({ storeOk: () => flags.store, slackOk: () => flags.slack });
    const probe = async (path: string) => {
      const res = await fetch(url + path);
      return { status: res.status, body: (await res.json()) as unknown };
    };
    expect(await probe('/healthz')).toEqual({ status: 200, body: { ok: true } });
    expect(await probe('/readyz')).toEqual({ status: 503, body: { ok: false, store: false, slack: false } });
    flags.store = true;
    expect(await probe('/readyz')).toEqual({ status: 503, body: { ok: false, store: true, slack: false } });
    flags.slack = true;
    expect(await probe('/readyz')).toEqual({ status: 200, body: { ok: true, store: true, slack: true } });
    // Anyone can feed it: a store that closes makes the app unready again.
    flags.store = false;
    expect((await probe('/readyz')).status).toBe(503);
    expect((await fetch(`${url}/readyz`)).headers.get('cache-control')).toBe('no-store');
  });

  it('readyz asks the store when it can be asked: no answer in time (or a failure) is 503', async () => {
    let answers: () => Promise<boolean> = () => Promise.resolve(false);
    const url = await serve({ storeOk: () => true, slackOk: () => true, storeAnswers: () => answers() });
    const status = async () => (await fetch(`${url}/readyz`)).status;
    expect(await status()).toBe(503);
    answers = () => Promise.reject(new Error('frozen'));
    expect(await status()).toBe(503);
    answers = () => Promise.resolve(true);
    expect(await status()).toBe(200);
  });
});
