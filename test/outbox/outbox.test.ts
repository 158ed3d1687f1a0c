import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifySlackError, durableGateway } from '../../src/outbox/durable-gateway.js';
import { Outbox, type OutboxItem, type DeliveryVerdict } from '../../src/outbox/outbox.js';
import { silentLogger } from '../../src/log.js';
import { StoreError } from '../../src/store/json-file-adapter.js';

class TransientError extends Error {
  code = 'slack_webapi_http_error';
  statusCode = 503;
}
class RefusedError extends Error {
  code = 'slack_webapi_platform_error';
  data = { error: 'channel_not_found' };
}

describe('Outbox (real temp files)', () => {
  let dir: string;
  let file: string;
  let delivered: string[];
  let failures: Map<string, Error[]>;
  const outboxes: Outbox[] = [];

  async function openOutbox(extra: { classify?: (e: unknown) => DeliveryVerdict } = {}) {
    const outbox = new Outbox({
      file,
      log: silentLogger,
      baseDelayMs: 5,
      classify: extra.classify ?? classifySlackError,
      deliver: async (item: OutboxItem) => {
        const queue = failures.get(item.op);
        const failure = queue?.shift();
        if (failure) throw failure;
        delivered.push(`${item.requestId}:${item.op}:${JSON.stringify(item.args)}`);
      },
    });
    await outbox.load();
    outboxes.push(outbox);
    return outbox;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lp-delete-outbox-'));
    file = join(dir, 'lp-delete.outbox.json');
    delivered = [];
    failures = new Map();
  });
  afterEach(async () => {
    await Promise.all(outboxes.splice(0).map((o) => o.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers in order per request, and keeps later items of a request behind a failing one', async () => {
    failures.set('first', [new TransientError('503'), new TransientError('503')]);
    const outbox = await openOutbox();
    await outbox.enqueue('DR-A', 'first', [1]);
    await outbox.enqueue('DR-A', 'second', [2]);
    await outbox.enqueue('DR-B', 'other', [3]);
    expect(await outbox.flush(2_000)).toBe(true);
    expect(delivered).toEqual(['DR-B:other:[3]', 'DR-A:first:[1]', 'DR-A:second:[2]']);
  });

  it('honours Retry-After from a rate limit', async () => {
    const limited = Object.assign(new Error('ratelimited'), {
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 0.05,
    });
    failures.set('post', [limited]);
    const outbox = await openOutbox();
    const started = Date.now();
    await outbox.enqueue('DR-A', 'post', []);
    await outbox.flush(2_000);
    expect(delivered).toEqual(['DR-A:post:[]']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('keeps queued items across a restart (owner-only file) and delivers them then', async () => {
    failures.set('post', [new TransientError('503')]);
    const first = await openOutbox();
    // A long back-off: the first run stops before the retry is due.
    await first.enqueue('DR-A', 'post', ['x']);
    await first.stop();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(delivered).toEqual([]);
    const second = await openOutbox();
    expect(second.pending.map((i) => i.op)).toEqual(['post']);
    expect(await second.flush(2_000)).toBe(true);
    expect(delivered).toEqual(['DR-A:post:["x"]']);
  });

  it('sets aside a delivery Slack refuses for good after a few tries, and carries on with the rest', async () => {
    failures.set('post', [new RefusedError('no'), new RefusedError('no'), new RefusedError('no')]);
    const outbox = await openOutbox();
    await outbox.enqueue('DR-A', 'post', []);
    await outbox.enqueue('DR-A', 'next', []);
    await outbox.flush(2_000);
    expect(outbox.dead.map((i) => [i.op, i.attempts, i.lastError])).toEqual([
      ['post', 3, 'slack_webapi_platform_error:channel_not_found'],
    ]);
    expect(delivered).toEqual(['DR-A:next:[]']);
  });

  it('refuses a broken outbox file at start-up and leaves it as it was', async () => {
    await writeFile(file, '{"version":1,');
    const outbox = new Outbox({
      file,
      log: silentLogger,
      classify: classifySlackError,
      deliver: async () => {},
    });
    await expect(outbox.load()).rejects.toBeInstanceOf(StoreError);
  });

  it('the durable gateway queues a request call in its lane with Dates intact, and other calls in the channel lane', async () => {
    const calls: [string, string, unknown[]][] = [];
    const gateway = durableGateway({
      enqueue: async (lane, op, args) => void calls.push([lane, op, args]),
      getRequest: () => undefined,
    });
    const request = { id: 'DR-A', status: 'pending_approval', history: [] };
    await (gateway as unknown as Record<string, (...a: unknown[]) => Promise<void>>).postReminder!(
      request,
      new Date('2026-12-01T00:00:00Z'),
    );
    await (gateway as unknown as Record<string, (...a: unknown[]) => Promise<void>>).postQuotaAlert!(80, {
      used: 80,
    });
    expect(calls).toEqual([
      ['DR-A', 'postReminder', [{ $date: '2026-12-01T00:00:00.000Z' }]],
      ['_channel', 'postQuotaAlert', [80, { used: 80 }]],
    ]);
  });

  it('classifies Slack errors: rate limits, 5xx and network are retried; refusals are not', () => {
    expect(classifySlackError({ code: 'slack_webapi_rate_limited_error', retryAfter: 3 })).toEqual({
      retry: true,
      afterMs: 3000,
    });
    expect(classifySlackError({ code: 'slack_webapi_http_error', statusCode: 502 })).toEqual({ retry: true });
    expect(classifySlackError({ code: 'slack_webapi_request_error' })).toEqual({ retry: true });
    expect(
      classifySlackError({ code: 'slack_webapi_platform_error', data: { error: 'ratelimited' } }),
    ).toEqual({ retry: true });
    expect(
      classifySlackError({ code: 'slack_webapi_platform_error', data: { error: 'invalid_blocks' } }),
    ).toEqual({ retry: false });
    expect(classifySlackError(new Error('bug'))).toEqual({ retry: false });
  });
});
