import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.js';
import { TestClock } from '../support/clock.js';
import { APPROVER, Harness, approveButtonValue } from '../support/harness.js';

/**
 * The intake API past the filing (issue 21): LivePerson reports the requests DONE weeks later, the
 * read-back finds everything erased, and the platform hears `done`/`verified` by callback, once each.
 */
const DAY = 24 * 60 * 60 * 1000;
const TOKEN = 'onetrust-token-0123456789abcdef';
const SECRET = 'callback-secret-0123456789abcdef0123';
const PERSON = { firstName: 'Ottilie', lastName: 'Quarrington', email: 'ottilie.quarrington@example.net' };

describe('the intake API after the filing: done, then verified', () => {
  let h: Harness | undefined;
  let hook: Server | undefined;
  afterEach(async () => {
    await h?.close();
    await new Promise((resolve) => (hook ? hook.close(resolve) : resolve(undefined)));
  });

  it('filed → (done →) verified, each status told once, in order', async () => {
    const clock = new TestClock('2026-11-10T10:00:00Z');
    h = await Harness.start({
      now: clock.now,
      sandboxNow: clock.now,
      history: {},
      env: {
        STATUS_POLL_MINUTES: '0.05',
        INTAKE_TOKENS: `OneTrust:${TOKEN}`,
        INTAKE_CALLBACK_SECRET: SECRET,
      },
    });
    const harness = h;
    for (const days of [3, 40]) {
      harness.history?.addConversation({
        status: 'CLOSE',
        startTime: new Date(clock.now().getTime() - days * DAY),
        consumer: { participantId: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b', ...PERSON },
        personalInfo: [PERSON.email],
        messages: ['My card ending 4417 was charged twice'],
      });
    }
    const got: string[] = [];
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { status: string }).status);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => hook?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    const posted = await fetch(`${harness.appUrl}/api/v1/erasures`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        identifier: PERSON.email,
        case_ref: 'DSR-77',
        received_on: '2026-11-09',
        callback_url: url,
      }),
    });
    const { id } = (await posted.json()) as { id: string };
    const message = await harness.slack.waitFor(() => harness.approvalMessages()[0], 15_000);
    const leadId = approveButtonValue(message.blocks);
    await harness.click(APPROVER, ACTION.approve, leadId, message.ts);
    await harness.slack.waitFor(() => (got.includes('filed') ? true : undefined), 10_000);

    clock.advance(26 * DAY); // the sandbox reports DONE; the stand-in masks what it covered
    await harness.slack.waitFor(() => (got.includes('verified') ? true : undefined), 20_000);
    const view = (await (
      await fetch(`${harness.appUrl}/api/v1/erasures/${id}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      })
    ).json()) as { status: string };
    expect(view.status).toBe('verified');
    // `done` is told when a refresh sees DONE before the read-back; a read-back first goes straight on.
    expect([
      ['awaiting_approval', 'filed', 'done', 'verified'],
      ['awaiting_approval', 'filed', 'verified'],
    ]).toContainEqual(got);
  }, 60_000);
});
