import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeletionRequest } from '../../src/domain/request.js';
import { startHistorySandbox } from '../../sandbox/history/history-standalone.js';
import type { SandboxRequest } from '../../sandbox/rtbf/rules.js';
import { silentLogger } from '../../src/log.js';
import { Verification, VERIFY_CONCURRENCY } from '../../src/service/verification.js';
import { ACCOUNT_ID, bearerConnection, daysAgo, NOW, recorder } from '../liveperson/history/fixtures.js';
import { MemoryStore } from '../support/memory-store.js';

/*
 * The verification service over the real history client and the history stand-in on its own port, with a
 * proxy in between that holds every answer a while and counts the calls in flight.
 */

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

/** Forwards to `target`, holding each answer `holdMs`; `peak` is the most calls in flight at once. */
async function holdingProxy(target: string, holdMs: number) {
  const stats = { inFlight: 0, peak: 0, calls: 0 };
  const server = createServer((req, res) => {
    stats.calls += 1;
    stats.inFlight += 1;
    stats.peak = Math.max(stats.peak, stats.inFlight);
    const upstream = httpRequest(
      `${target}${req.url ?? '/'}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () =>
          setTimeout(() => {
            stats.inFlight -= 1;
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(chunks));
          }, holdMs),
        );
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stats };
}

function doneRequest(type: DeletionRequest['type'], ids: string[]): (id: string) => DeletionRequest {
  return (id) => ({
    id,
    accountId: ACCOUNT_ID,
    type,
    ids,
    reason: 'DSR-1',
    requestedBy: 'U0REQUESTR',
    createdAt: daysAgo(30).toISOString(),
    status: 'submitted',
    lpRecord: {
      requestId: '127223',
      siteId: ACCOUNT_ID,
      requestTime: daysAgo(26).toISOString(),
      requestedBy: null,
      cancelledBy: null,
      cancelTimestamp: null,
      isCanceled: false,
      deleteJson: null,
      status: 'DONE',
    },
    completedAt: NOW.toISOString(),
    verification: { round: 'first', dueAt: NOW.toISOString() },
    history: [],
  });
}

describe('verification reads', () => {
  it(`read a request's twelve consumers page by page with at most ${VERIFY_CONCURRENCY} calls in flight`, async () => {
    const sandbox = await startHistorySandbox({ accountId: ACCOUNT_ID, now: () => NOW });
    closers.push(() => sandbox.close());
    const consumers = Array.from({ length: 12 }, (_, i) => `consumer-${i}`);
    for (const [i, participantId] of consumers.entries()) {
      for (const days of [40, 60]) {
        sandbox.addConversation({
          status: 'CLOSE',
          startTime: daysAgo(days + i),
          consumer: { participantId, firstName: 'Rosalind', email: `r${i}@example.org` },
          messages: ['please forget me'],
        });
      }
    }
    // The rtbf side: a consumer request DONE, as the sandbox would report it; consumer-3 was "missed".
    const rtbf: SandboxRequest = {
      requestId: 127223,
      siteId: ACCOUNT_ID,
      type: 'consumer',
      ids: consumers,
      requestTime: daysAgo(26).toISOString(),
      requestedBy: 'x',
      cancelledBy: null,
      cancelTimestamp: null,
      isCanceled: false,
      deleteJson: '{}',
      external: false,
    };
    sandbox.leaveUnmasked(
      sandbox.conversations
        .filter((c) => c.consumer?.participantId === 'consumer-3')
        .map((c) => c.conversationId),
    );
    sandbox.attachRtbf?.({ requests: [rtbf], statusOf: () => 'DONE' });

    const proxy = await holdingProxy(sandbox.url, 40);
    const store = new MemoryStore({ now: () => NOW });
    const request = await store.create('2026-11', doneRequest('consumer', consumers));
    const verification = new Verification({
      store,
      connection: bearerConnection(proxy.url, recorder()),
      directory: { approvers: async () => new Set<string>() },
      file: () => Promise.reject(new Error('not in this test')),
      retryMs: 60_000,
      now: () => NOW,
      log: silentLogger,
    });
    expect(await verification.sweep()).toBe(1);
    expect(proxy.stats.calls).toBe(12);
    expect(proxy.stats.peak).toBeLessThanOrEqual(VERIFY_CONCURRENCY);
    expect(proxy.stats.peak).toBeGreaterThan(1);
    const stored = await store.get(request.id);
    expect(stored?.verification?.lastRead).toMatchObject({
      outcome: 'residual',
      total: 24,
      erased: 22,
      residual: 2,
      notCheckable: 0,
      residualIds: ['consumer-3'],
    });
    expect(sandbox.calls.every((c) => c.kind === 'mi.consumer' && c.limit === 100 && c.offset === 0)).toBe(
      true,
    );
  });
});
