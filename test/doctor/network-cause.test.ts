/**
 * The cause words for a call that got no answer, from real failures of Node's fetch (what Slack's Web API
 * client uses): a name that does not resolve, a closed port, TLS spoken to a plain HTTP server, a server
 * that accepts and never answers, an HTTP status.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApi } from '@slack/bolt';
import { networkCause } from '../../src/doctor/network-cause.js';

const plain = createHttpServer((_req, res) => res.writeHead(503).end());
const silent = createServer((socket) => sockets.add(socket));
const sockets = new Set<Socket>();
let plainPort: number;
let silentPort: number;

beforeAll(async () => {
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  plainPort = (plain.address() as { port: number }).port;
  silentPort = (silent.address() as { port: number }).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => plain.close(resolve));
  await new Promise((resolve) => silent.close(resolve));
});

async function failureOf(url: string, timeoutMs?: number): Promise<unknown> {
  try {
    await fetch(url, timeoutMs ? { signal: AbortSignal.timeout(timeoutMs) } : {});
  } catch (err) {
    return err;
  }
  throw new Error(`${url} answered`);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('networkCause', () => {
  it('a name that does not resolve is a DNS failure for that host', async () => {
    const err = await failureOf('https://nowhere.lp-delete-test.invalid/');
    expect(networkCause('nowhere.lp-delete-test.invalid', err)).toBe(
      'DNS failure for nowhere.lp-delete-test.invalid',
    );
  });

  it('a closed port is a refused connection', async () => {
    const port = await closedPort();
    const err = await failureOf(`http://127.0.0.1:${port}/`);
    expect(networkCause(`127.0.0.1:${port}`, err)).toBe(`127.0.0.1:${port} refused the connection`);
  });

  it('TLS spoken to a plain HTTP server is a TLS failure with its code', async () => {
    const err = await failureOf(`https://127.0.0.1:${plainPort}/`);
    expect(networkCause(`127.0.0.1:${plainPort}`, err)).toMatch(
      new RegExp(`^TLS failure with 127\\.0\\.0\\.1:${plainPort} \\((ERR_SSL_|EPROTO)`),
    );
  });

  it('a server that never answers is "no answer within" the deadline given', async () => {
    const err = await failureOf(`http://127.0.0.1:${silentPort}/`, 300);
    expect(networkCause(`127.0.0.1:${silentPort}`, err, { timeoutMs: 10_000 })).toBe(
      `no answer from 127.0.0.1:${silentPort} within 10 s`,
    );
  });

  it("Slack's Web API client errors: an HTTP status, and a transport failure wrapped as `original`", async () => {
    const client = new webApi.WebClient('xoxb-network-cause', {
      slackApiUrl: `http://127.0.0.1:${plainPort}/api/`,
      retryConfig: { retries: 0 },
      logLevel: webApi.LogLevel.ERROR,
    });
    const status = await client.auth.test().catch((err: unknown) => err);
    expect(networkCause(`127.0.0.1:${plainPort}`, status)).toBe(`127.0.0.1:${plainPort} answered HTTP 503`);
    const unresolved = new webApi.WebClient('xoxb-network-cause', {
      slackApiUrl: 'https://slack.lp-delete-test.invalid/api/',
      retryConfig: { retries: 0 },
      logLevel: webApi.LogLevel.ERROR,
    });
    const dns = await unresolved.auth.test().catch((err: unknown) => err);
    expect(networkCause('slack.lp-delete-test.invalid', dns)).toBe(
      'DNS failure for slack.lp-delete-test.invalid',
    );
  });
});
