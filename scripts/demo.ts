/**
 * `npm run demo`: the real lp-delete app, offline. It starts the LivePerson sandbox and a local stand-in
 * for Slack's Web API, then drives one request from the slash command through approval to the record in
 * the thread with signed requests like Slack's, printing what each person would see, as plain text (bold
 * only on a terminal without NO_COLOR). It keeps its data and ends by saying where it is and what to try
 * next. Exits 0 on success.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../sandbox/rtbf/start-sandbox.js';
import type { Sandbox } from '../sandbox/rtbf/types.js';
import { DEMO_PERSON, seedDemoHistory } from '../sandbox/history/demo-seed.js';
import { createHistoryStandIn } from '../sandbox/history/history-stand-in.js';
import { silentLogger } from '../src/log.js';
import { ACTION, BLOCK, CALLBACK, PERSON_ACTION, PERSON_BLOCK, PERSON_CALLBACK } from '../src/slack/ids.js';
import { mrkdwnToText } from './mrkdwn-text.js';
import { startServer } from '../src/server.js';
import { DEMO_INTAKE, intakeDemo } from './demo-intake.js';
import { startFakeSlack, type FakeSlack } from '../test/support/fake-slack.js';
import {
  blockActionsPayload,
  sendInteraction,
  sendSlashCommand,
  viewSubmissionPayload,
  viewValue,
} from '../test/support/slack-request.js';

const ACCOUNT = '20762324';
const CHANNEL = 'CPRIVACY1';
const ALICE = 'UALICE0001'; // privacy officer filing the request
const BOB = 'UBOB000002'; // approver
const SECRET = 'demo-signing-secret';
const TOKEN = 'xoxb-demo-token';

const USAGE = `Usage: npm run demo [-- --help]

Runs lp-delete offline: the real app, the LivePerson sandbox and a local stand-in for Slack's Web API.
One request goes from /lp-delete through a refused self-approval and a second person's approval to
LivePerson's record in the thread; the transcript shows what each person sees in Slack. Nothing leaves
this machine. The demo's data is kept; the last lines say where, and which command to try next.
`;

/** Bold only for a person at a terminal that wants it (https://no-color.org). */
const useEscapes = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const bold = (text: string) => (useEscapes ? `\x1b[1m${text}\x1b[0m` : text);
const NAMES = { UALICE0001: 'Alice', UBOB000002: 'Bob' };

const out = (line = '') => process.stdout.write(`${line}\n`);
const step = (n: number, title: string) => out(`\n${bold(`${n}. ${title}`)}`);

/** The emoji the app's messages use, as a terminal can show them; any other `:name:` is dropped. */
const EMOJI: Readonly<Record<string, string>> = {
  hourglass_flowing_sand: '⏳',
  white_check_mark: '✓',
  heavy_check_mark: '✓',
  x: '✗',
  warning: '⚠',
  no_entry: '⛔',
  bell: '🔔',
  lock: '🔒',
  hourglass: '⌛',
};

/** Slack's markup as a person reads it: names, link text, emoji, no asterisks. */
const plain = (mrkdwn: string) =>
  mrkdwnToText(mrkdwn, { names: NAMES, bold })
    // Emoji names start with a letter: "00:30:15" is a time, not an emoji.
    .replace(/:([a-z][a-z0-9_+-]*):/g, (_m, name: string) => EMOJI[name] ?? '')
    .replace(/^ +| +$/gm, '');

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A field ("*Label*\nvalue") on one line, as Slack lays a label above its short value. */
function field(text: string): string {
  const [label = '', ...value] = text.split('\n');
  return value.length === 0 ? label : `${label.replace(/:$/, '')}: ${value.join(' ')}`;
}

/** Renders Block Kit roughly as Slack shows it, for the transcript. */
function render(blocks: unknown[] | undefined, fallback: string): string {
  return indent(lines(blocks, fallback).join('\n'));
}

function lines(blocks: unknown[] | undefined, fallback: string): string[] {
  if (!blocks || blocks.length === 0) return plain(fallback).split('\n');
  const lines: string[] = [];
  for (const block of blocks as Record<string, unknown>[]) {
    const text = (block.text as { text?: string } | undefined)?.text;
    // A header is Slack's large bold line: bold here too (on a terminal), without markup.
    if (block.type === 'header' && text) lines.push(bold(text));
    else if (block.type === 'section') {
      // A bold label over a one-line value reads as one line too ("Reason (DSR reference): DSR-…").
      if (text) lines.push(/^\*[^*\n]+\*\n[^\n]+$/.test(text) ? field(text) : text);
      for (const f of (block.fields as { text: string }[] | undefined) ?? []) lines.push(field(f.text));
    } else if (block.type === 'context') {
      lines.push(((block.elements as { text?: string }[]) ?? []).map((e) => e.text ?? '').join('  '));
    } else if (block.type === 'actions') {
      const buttons = (block.elements as { text?: { text?: string } }[]).map(
        (e) => `[ ${e.text?.text ?? '?'} ]`,
      );
      lines.push(buttons.join(' '));
    } else if (block.type === 'divider') lines.push('────────');
  }
  // Slack shows date tokens in the reader's time zone; the transcript shows their UTC fallback.
  return plain(lines.join('\n')).split('\n');
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `   │ ${l}`)
    .join('\n');

/** A click on Approve in the approval message at `messageTs`, signed as Slack signs it. */
function clickApprove(appUrl: string, slack: FakeSlack, user: string, requestId: string, messageTs: string) {
  return sendInteraction(
    appUrl,
    SECRET,
    blockActionsPayload({
      user,
      actionId: ACTION.approve,
      value: requestId,
      channel: CHANNEL,
      messageTs,
      triggerId: slack.issueTrigger(),
    }),
  );
}

async function main(): Promise<void> {
  if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
    out(USAGE);
    return;
  }
  const unknown = process.argv.slice(2).filter((a) => a !== '--');
  if (unknown.length > 0) {
    process.stderr.write(`Unknown argument ${unknown[0]}.\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'lp-delete-demo-'));
  const slack = await startFakeSlack({ botToken: TOKEN, channels: [CHANNEL] });
  // LivePerson's clock: the last steps move it 26 days on, past the deletion guarantee (DONE).
  let lpShiftMs = 0;
  const lpNow = () => new Date(Date.now() + lpShiftMs);
  const history = createHistoryStandIn({ accountId: ACCOUNT, now: lpNow });
  seedDemoHistory(history, new Date());
  const lp = await startSandbox({ accountId: ACCOUNT, extensions: [history], now: lpNow });
  // The same start-up as `npm start` (src/server.ts), with the stand-ins' addresses as settings.
  const server = await startServer({
    log: silentLogger,
    env: {
      LP_ACCOUNT_ID: ACCOUNT,
      LP_CLIENT_ID: 'sandbox-client',
      LP_CLIENT_SECRET: 'sandbox-client-secret',
      LP_DOMAIN_API_URL: lp.url,
      DATA_DIR: dataDir,
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.url,
      PRIVACY_CHANNEL_ID: CHANNEL,
      APPROVER_USER_IDS: BOB,
      // A requester list: Alice files, and so may search for a person (without one, approvers only).
      REQUESTER_USER_IDS: ALICE,
      // The intake API: a DSR platform's erasure (the last steps).
      INTAKE_TOKENS: `${DEMO_INTAKE.caller}:${DEMO_INTAKE.token}`,
      PORT: '0',
    },
  });
  const { store, port } = server;
  const appUrl = `http://127.0.0.1:${port}`;

  try {
    out('lp-delete offline demo: the real app, a local Slack Web API stand-in, and the LivePerson sandbox.');
    out(`App on ${appUrl}/slack/events · Slack stand-in ${slack.url} · LivePerson sandbox ${lp.url}`);

    step(1, `Alice runs /lp-delete in #privacy (a signed slash command)`);
    const command = await sendSlashCommand(appUrl, SECRET, {
      user_id: ALICE,
      text: '',
      trigger_id: slack.issueTrigger(),
      channel_id: CHANNEL,
    });
    const modal = await slack.waitFor(() => slack.views.find((v) => v.type === 'modal'));
    out(
      `   app answered HTTP ${command.status}; Slack opened the modal "${(modal.view.title as { text: string }).text}"`,
    );

    const ids = [randomUUID(), randomUUID()];
    step(2, 'Alice fills in the form: two messaging conversations (one pasted twice), reason DSR-2026-0042');
    const submitted = await sendInteraction(
      appUrl,
      SECRET,
      viewSubmissionPayload({
        user: ALICE,
        callbackId: CALLBACK.requestModal,
        privateMetadata: '',
        triggerId: slack.issueTrigger(),
        values: {
          [BLOCK.type]: { [ACTION.type]: viewValue.select('conversation') },
          [BLOCK.ids]: { [ACTION.ids]: viewValue.text(`${ids[0]}\n${ids[1]}, ${ids[0]?.toUpperCase()}`) },
          [BLOCK.moreIds]: { [ACTION.moreIds]: viewValue.text(null) },
          [BLOCK.reason]: { [ACTION.reason]: viewValue.text('DSR-2026-0042') },
        },
      }),
    );
    out(`   app answered HTTP ${submitted.status}; the modal closed`);

    const approval = await slack.waitFor(() => slack.messagesIn(CHANNEL)[0]);
    step(3, 'The approval request in #privacy');
    const shown = lines(approval.blocks, approval.text);
    out(indent(shown.join('\n')));
    const dm = await slack.waitFor(() => slack.dms.find((m) => m.dmUser === ALICE));
    out('   DM to Alice:');
    out(render(undefined, dm.text));

    const requestId = (await store.listOpen())[0]?.id ?? '';
    step(4, 'Alice tries to approve her own request');
    await clickApprove(appUrl, slack, ALICE, requestId, approval.ts);
    const refusal = await slack.waitFor(() => slack.ephemerals.find((e) => e.user === ALICE));
    out('   only Alice sees:');
    out(render(undefined, refusal.text));

    step(5, 'Bob (an approver) clicks Approve and confirms');
    await clickApprove(appUrl, slack, BOB, requestId, approval.ts);
    const record = await slack.waitFor(() => slack.threadReplies(CHANNEL, approval.ts)[0]);
    out(
      `   the LivePerson sandbox received ${plural(lp.calls.filter((c) => c.kind === 'create').length, 'deletion request')}`,
    );
    step(6, 'The LivePerson record, in the approval message’s thread');
    out(render(record.blocks, record.text));
    const outcome = await slack.waitFor(() => slack.dms.filter((m) => m.dmUser === ALICE)[1]);
    // Shown once: step 3 printed the message; here only what the decision changed.
    step(7, 'The approval message in #privacy is updated: its buttons are gone, and it now ends with');
    const before = new Set(shown);
    const after = lines(slack.message(CHANNEL, approval.ts)?.blocks, approval.text);
    out(indent(after.filter((line) => !before.has(line) && !/^GDPR deadline/.test(line)).join('\n')));
    out('   DM to Alice:');
    out(render(undefined, outcome.text));

    const stored = await store.get(requestId);
    if (stored?.status !== 'submitted') throw new Error('the request was not submitted');

    const person = await erasePersonDemo({ appUrl, slack, lp, firstStep: 8 });
    lpShiftMs = 26 * 24 * 60 * 60 * 1000;
    await verifiedDeletionDemo({ appUrl, slack, ...person });
    const helpers = { out, step, render, clickApprove };
    await intakeDemo({
      appUrl,
      slack,
      lp,
      channel: CHANNEL,
      approver: BOB,
      firstStep: person.nextStep + 2,
      ...helpers,
    });
    out(
      `\nDemo finished: ${requestId} and the person's ${plural(person.requests, 'request')} were filed with ` +
        'LivePerson, each approved by a second person, and the deletion was verified;\n' +
        'OneTrust filed an erasure through the intake API.',
    );
  } finally {
    await server.stop('demo finished');
    await Promise.all([slack.close(), lp.close()]);
  }
  out(`\nThe demo's data is kept in ${dataDir} (delete the folder when you no longer need it).`);
  out('Try next: the audit trail of what it just did, as an auditor would get it:');
  out(`   DATA_DIR=${dataDir} npm run -s audit -- --format json`);
}

/**
 * Erasing a person (its own steps, after the request by ids): Alice searches LivePerson for the demo's
 * fictional person by email, sends the plan for approval, Bob approves once, and LivePerson receives
 * one request per type; the open conversation is held back.
 */
async function erasePersonDemo(env: {
  appUrl: string;
  slack: FakeSlack;
  lp: Sandbox;
  firstStep: number;
}): Promise<{ leadId: string; threadTs: string; nextStep: number; requests: number }> {
  const { appUrl, slack, lp } = env;
  let n = env.firstStep;
  step(n++, `Alice runs /lp-delete person ${DEMO_PERSON.email}`);
  const viewsBefore = slack.views.length;
  await sendSlashCommand(appUrl, SECRET, {
    user_id: ALICE,
    text: `person ${DEMO_PERSON.email}`,
    trigger_id: slack.issueTrigger(),
    channel_id: CHANNEL,
  });
  const view = await slack.waitFor(() => slack.views[viewsBefore]);
  await slack.waitFor(() => (view.view.callback_id === PERSON_CALLBACK.result ? true : undefined), 20_000);
  out('   Slack opens at once (views.open, within the 3-second trigger):');
  out(render((view.history[0] ?? view.view).blocks as unknown[] | undefined, 'Searching LivePerson…'));
  step(n++, 'The search is done: the same view, updated in place (views.update), counts and dates only');
  out(render(view.view.blocks as unknown[] | undefined, ''));

  step(n++, 'Alice enters the reason DSR-2026-0077 and sends it for approval');
  const messagesBefore = slack.messagesIn(CHANNEL).length;
  const createsBefore = lp.requests.length;
  await sendInteraction(
    appUrl,
    SECRET,
    viewSubmissionPayload({
      user: ALICE,
      callbackId: PERSON_CALLBACK.result,
      privateMetadata: String(view.view.private_metadata ?? ''),
      triggerId: slack.issueTrigger(),
      viewId: view.id,
      values: { [PERSON_BLOCK.reason]: { [PERSON_ACTION.reason]: viewValue.text('DSR-2026-0077') } },
    }),
  );
  const approval = await slack.waitFor(() => slack.messagesIn(CHANNEL)[messagesBefore]);
  step(n++, 'One approval message for the whole plan');
  out(render(approval.blocks, approval.text));

  step(n++, 'Bob approves once; every request goes to LivePerson');
  const leadId = (approval.blocks as { elements?: { action_id?: string; value?: string }[] }[])
    .flatMap((b) => b.elements ?? [])
    .find((e) => e.action_id === ACTION.approve)?.value;
  await clickApprove(appUrl, slack, BOB, leadId ?? '', approval.ts);
  const created = await slack.waitFor(() => {
    const made = lp.requests.slice(createsBefore);
    return made.length >= 2 && slack.threadReplies(CHANNEL, approval.ts).length >= 2 ? made : undefined;
  });
  for (const r of created) out(`   LivePerson received: ${r.type}, ${plural(r.ids.length, 'id')}`);
  out('   In the thread:');
  for (const reply of slack.threadReplies(CHANNEL, approval.ts)) out(render(reply.blocks, reply.text));
  out('   The open conversation is held back; the sweep offers it for a new approval once it has closed.');
  if (created.length !== 2)
    throw new Error(`expected 2 LivePerson requests for the person, got ${created.length}`);
  return { leadId: leadId ?? '', threadTs: approval.ts, nextStep: n, requests: created.length };
}

/**
 * Proof of erasure: 26 days later LivePerson reports the person's requests done; lp-delete reads its
 * history back (the sandbox has masked what the requests covered, as LivePerson does) and says how much
 * is verifiably erased, in the thread and in Alice's DM.
 */
async function verifiedDeletionDemo(env: {
  appUrl: string;
  slack: FakeSlack;
  leadId: string;
  threadTs: string;
  nextStep: number;
}) {
  const { appUrl, slack, leadId, threadTs } = env;
  step(env.nextStep, `26 days later: Alice runs /lp-delete status ${leadId}; LivePerson says DONE`);
  const dmsBefore = slack.dms.filter((m) => m.dmUser === ALICE).length;
  await sendSlashCommand(appUrl, SECRET, {
    user_id: ALICE,
    text: `status ${leadId}`,
    trigger_id: slack.issueTrigger(),
    channel_id: CHANNEL,
  });
  const verified = await slack.waitFor(
    () => slack.threadReplies(CHANNEL, threadTs).find((m) => /Verified: |still readable|Not /.test(m.text)),
    20_000,
  );
  step(env.nextStep + 1, "lp-delete reads LivePerson's history back and says what is masked, in the thread");
  out(render(verified.blocks, verified.text));
  const dm = await slack.waitFor(() =>
    slack.dms
      .filter((m) => m.dmUser === ALICE)
      .slice(dmsBefore)
      .find((m) => m.text.includes('LivePerson finished deleting')),
  );
  out('   DM to Alice (first lines):');
  out(render(undefined, dm.text.split('\n').slice(0, 2).join('\n')));
  if (!verified.text.includes('Verified: ')) throw new Error('the deletion was not verified');
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(`demo failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
