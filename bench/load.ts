/**
 * A small load driver: signed Slack requests over keep-alive HTTP, `concurrency` in flight, latency per
 * request with performance.now (sub-millisecond, which Slack-sized acks need).
 */
import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { ACTION, BLOCK, CALLBACK, COMMAND } from '../src/slack/ids.js';
import {
  blockActionsPayload,
  signSlackRequest,
  viewSubmissionPayload,
  viewValue,
} from '../test/support/slack-request.js';
import { summarise } from './common.js';
import { CHANNEL } from './stand-in-ids.js';

export const SIGNING_SECRET = 'bench-signing-secret-0123456789';
export const REQUESTER = 'UREQUESTER';
export const APPROVER = 'UAPPROVER';

export type Kind = 'command' | 'submission' | 'approve';

export function slashCommandBody(triggerId: string): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T0TEST',
    team_domain: 'test-workspace',
    channel_id: CHANNEL,
    channel_name: 'privacy',
    user_id: REQUESTER,
    user_name: 'requester',
    command: COMMAND,
    text: '',
    api_app_id: 'A0TEST',
    is_enterprise_install: 'false',
    response_url: 'https://hooks.slack.com/commands/T0TEST/1/test',
    trigger_id: triggerId,
  }).toString();
}

/** A valid filing: 100 conversation ids, as the modal sends it. */
export function submissionBody(): string {
  const ids = Array.from({ length: 100 }, () => randomUUID());
  const payload = viewSubmissionPayload({
    user: REQUESTER,
    callbackId: CALLBACK.requestModal,
    privateMetadata: '',
    triggerId: `bench.${randomUUID()}`,
    values: {
      [BLOCK.type]: { [ACTION.type]: viewValue.select('conversation') },
      [BLOCK.ids]: { [ACTION.ids]: viewValue.text(ids.slice(0, 70).join('\n')) },
      [BLOCK.moreIds]: { [ACTION.moreIds]: viewValue.text(ids.slice(70).join('\n')) },
      [BLOCK.reason]: { [ACTION.reason]: viewValue.text('DSR-2026-0042 erasure request') },
    },
  });
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function approveBody(requestId: string, ts: string): string {
  const payload = blockActionsPayload({
    user: APPROVER,
    actionId: ACTION.approve,
    value: requestId,
    channel: CHANNEL,
    messageTs: ts,
    triggerId: `bench.${randomUUID()}`,
  });
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function send(agent: Agent, port: number, body: string): Promise<number> {
  const headers = signSlackRequest(SIGNING_SECRET, body, Math.floor(Date.now() / 1000));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/slack/events',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends `amount` requests, `concurrency` at a time; `body(i)` builds the i-th (signed at send time). */
export async function drive(
  port: number,
  concurrency: number,
  amount: number,
  body: (i: number) => string,
): Promise<{ p50: number; p99: number; max: number; n: number; errors: number; rps: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < amount) {
      const i = next++;
      const payload = body(i);
      const t0 = performance.now();
      const status = await send(agent, port, payload).catch(() => 0);
      latencies.push(performance.now() - t0);
      if (status !== 200) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { ...summarise(latencies), errors, rps: amount / seconds };
}

/** Fresh trigger ids from the stand-in, refilled in the background (they live 3 seconds). */
export class TriggerPool {
  private pool: { id: string; at: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  stale = 0;
  constructor(private readonly controlUrl: string) {}
  async start(): Promise<void> {
    await this.refill();
    this.timer = setInterval(() => void this.refill(), 100);
  }
  private async refill(): Promise<void> {
    const fresh = Date.now() - 1500;
    this.pool = this.pool.filter((t) => t.at > fresh);
    if (this.pool.length > 600) return;
    const ids = (await (await fetch(`${this.controlUrl}/triggers?n=300`)).json()) as string[];
    const at = Date.now();
    this.pool.push(...ids.map((id) => ({ id, at })));
  }
  take(): string {
    const t = this.pool.shift();
    if (!t) {
      this.stale += 1;
      return `stale.${randomUUID()}`;
    }
    return t.id;
  }
  stop(): void {
    clearInterval(this.timer);
  }
}
