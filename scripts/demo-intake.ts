import type { Sandbox } from '../sandbox/rtbf/types.js';
import { ACTION } from '../src/slack/ids.js';
import type { FakeSlack } from '../test/support/fake-slack.js';

/** The demo's DSR platform: its name and token in INTAKE_TOKENS. */
export const DEMO_INTAKE = { caller: 'OneTrust', token: 'demo-onetrust-token-0123456789abcdef' } as const;

export interface IntakeDemoEnv {
  appUrl: string;
  slack: FakeSlack;
  lp: Sandbox;
  channel: string;
  approver: string;
  firstStep: number;
  out: (line?: string) => void;
  step: (n: number, title: string) => void;
  render: (blocks: unknown[] | undefined, fallback: string) => string;
  clickApprove: (
    appUrl: string,
    slack: FakeSlack,
    user: string,
    requestId: string,
    ts: string,
  ) => Promise<unknown>;
}

/**
 * The intake API (docs/intake.md): a DSR platform posts one erasure; lp-delete searches, the plan waits
 * for approval in #privacy as "Requested by OneTrust (case …)", Bob approves, and the platform reads the
 * erasure back as `filed`.
 */
export async function intakeDemo(env: IntakeDemoEnv): Promise<void> {
  const { appUrl, slack, lp, out } = env;
  let n = env.firstStep;
  const auth = { authorization: `Bearer ${DEMO_INTAKE.token}` };
  const body = { identifier: 'stranger1@example.org', case_ref: 'DSR-ONETRUST-9001', received_on: today() };
  env.step(n++, 'OneTrust (a DSR platform) posts an erasure to the intake API');
  out(`   POST ${appUrl}/api/v1/erasures  Idempotency-Key: DSR-ONETRUST-9001`);
  out(`   ${JSON.stringify(body)}`);
  const messagesBefore = slack.messagesIn(env.channel).length;
  const createsBefore = lp.requests.length;
  const posted = await fetch(`${appUrl}/api/v1/erasures`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': 'DSR-ONETRUST-9001' },
    body: JSON.stringify(body),
  });
  const accepted = (await posted.json()) as { id: string; status: string };
  out(`   HTTP ${posted.status} ${JSON.stringify(accepted)}`);
  if (posted.status !== 202) throw new Error(`the intake API answered ${posted.status}`);

  const approval = await slack.waitFor(() => slack.messagesIn(env.channel)[messagesBefore], 20_000);
  env.step(n++, 'lp-delete searched LivePerson; the plan waits for approval in #privacy');
  out(env.render(approval.blocks, approval.text));

  env.step(n++, 'Bob approves; the request goes to LivePerson');
  const leadId = (approval.blocks as { elements?: { action_id?: string; value?: string }[] }[])
    .flatMap((b) => b.elements ?? [])
    .find((e) => e.action_id === ACTION.approve)?.value;
  await env.clickApprove(appUrl, slack, env.approver, leadId ?? '', approval.ts);
  const read = async () =>
    (await (await fetch(`${appUrl}/api/v1/erasures/${accepted.id}`, { headers: auth })).json()) as {
      status: string;
    };
  const filed = await slack.waitFor(async () => {
    const erasure = await read();
    return erasure.status === 'filed' ? erasure : undefined;
  }, 20_000);
  env.step(n, `OneTrust reads it back: GET /api/v1/erasures/${accepted.id}`);
  out(`   ${JSON.stringify(filed)}`);
  const received = lp.requests.length - createsBefore;
  out(`   LivePerson received ${received} ${received === 1 ? 'request' : 'requests'} for this erasure.`);
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}
