/**
 * Slack's Web API stand-in and the LivePerson sandbox, in a process of their own (in production they are
 * other machines), with a small control API for the load driver on the same port range:
 * GET /triggers?n=… fresh single-use trigger ids; GET /approvals: pending approval messages (request id, ts);
 * GET /activity: calls received so far; GET /records?ts=…: when the first reply reached that message's thread (epoch ms), or null.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox } from '../sandbox/rtbf/start-sandbox.js';
import { ACTION } from '../src/slack/ids.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { BOT_TOKEN, CHANNEL } from './stand-in-ids.js';

const slack = await startFakeSlack({ botToken: BOT_TOKEN, channels: [CHANNEL] });
const lp = await startSandbox({ accountId: process.argv[2] ?? '20762324', monthlyLimit: 1_000_000 });
const taken = new Set<string>();

/** The request id on a message's Approve button, if it still has one. */
function approveValue(blocks: unknown[] | undefined): string | undefined {
  for (const block of (blocks ?? []) as { elements?: { action_id?: string; value?: string }[] }[]) {
    const button = block.elements?.find((e) => e.action_id === ACTION.approve);
    if (button?.value) return button.value;
  }
  return undefined;
}

const control = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  let body: unknown = null;
  if (url.pathname === '/triggers') {
    body = Array.from({ length: Number(url.searchParams.get('n') ?? '1') }, () => slack.issueTrigger());
  } else if (url.pathname === '/approvals') {
    const out: { requestId: string; ts: string }[] = [];
    for (const m of slack.messagesIn(CHANNEL)) {
      const requestId = taken.has(m.ts) ? undefined : approveValue(m.blocks);
      if (requestId) out.push({ requestId, ts: m.ts });
    }
    const n = Number(url.searchParams.get('n') ?? out.length);
    body = out.slice(0, n);
    for (const a of body as { ts: string }[]) taken.add(a.ts);
  } else if (url.pathname === '/activity') {
    body = slack.calls.length + lp.calls.length;
  } else if (url.pathname === '/records') {
    const ts = url.searchParams.get('ts') ?? '';
    // When the first reply (LivePerson's record, or the failure) reached the thread, in epoch ms.
    body = slack.threadReplies(CHANNEL, ts)[0]?.postedAt ?? null;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
});
await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
console.log(
  JSON.stringify({
    slackUrl: slack.url,
    lpUrl: lp.url,
    controlUrl: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
  }),
);
process.on('SIGTERM', () => process.exit(0));
