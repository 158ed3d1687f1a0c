import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type RunningApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLivePersonClient } from '../../src/liveperson/client.js';
import { startSandbox } from '../../sandbox/rtbf/start-sandbox.js';
import type { Sandbox } from '../../sandbox/rtbf/types.js';
import { createLogger } from '../../src/log.js';
import { openFileStore, type FileStore } from '../../src/store/lowdb/file-store.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { createHistoryStandIn } from '../../sandbox/history/history-stand-in.js';
import type { HistoryStandIn } from '../../sandbox/history/history-types.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import type { DeletionType } from '../../src/domain/types.js';
import {
  blockActionsPayload,
  sendInteraction,
  sendSlashCommand,
  signSlackRequest,
  viewSubmissionPayload,
  viewValue,
  type SlackResponse,
} from './slack-request.js';

export interface ModalInput {
  type: DeletionType;
  idsText: string;
  moreIdsText?: string;
  reason: string;
  /** The modal's "when did the data subject ask?" date (`yyyy-mm-dd`); absent as from an old form. */
  subjectRequestedOn?: string;
}

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-test-bot-token';
export const ACCOUNT_ID = '20762324';
export const PRIVACY_CHANNEL = 'CPRIVACY1';
export const REQUESTER = 'UREQUESTER';
export const APPROVER = 'UAPPROVER1';
export const APPROVER_2 = 'UAPPROVER2';
export const OUTSIDER = 'UOUTSIDER';

export interface HarnessOptions {
  env?: Record<string, string>;
  /** The app's clock; the sandbox keeps real time unless `sandboxNow` is given. */
  now?: () => Date;
  sandboxMonthlyLimit?: number;
  /** The sandbox's clock (cancel window, statuses, list dates); real time when absent. */
  sandboxNow?: () => Date;
  /** Reuse an existing data file (restart tests). */
  dataDir?: string;
  /**
   * Mounts LivePerson's history stand-ins (Messaging Interactions, Engagement History) into the sandbox,
   * for erasing a person; `pageSize` makes the app read small pages (more than one per window).
   */
  history?: { pageSize?: number };
  /** LivePerson's and Slack's clocks (their answers' Date headers) this far off ours. */
  clockSkewMs?: number;
}

/**
 * The real app on a real port, a fake Slack Web API and the LivePerson sandbox, a real temp data file,
 * and every log line captured (to check that nothing private is logged).
 */
export class Harness {
  readonly logLines: string[] = [];
  app!: RunningApp;
  /** True when `appUrl` is a child process (crash tests): no in-process store to look at. */
  external = false;
  /** Extra settings applied at the next startApp (e.g. a requester allow-list). */
  envOverrides: Record<string, string> = {};
  appUrl = '';
  config!: Config;
  store!: FileStore;
  private constructor(
    readonly slack: FakeSlack,
    readonly lp: Sandbox,
    readonly dataDir: string,
    private readonly options: HarnessOptions,
    /** The history stand-in mounted into the sandbox, when `options.history` asked for it. */
    readonly history?: HistoryStandIn,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const slack = await startFakeSlack({
      botToken: BOT_TOKEN,
      channels: [PRIVACY_CHANNEL],
      users: {
        [REQUESTER]: { tz: 'Europe/Berlin' },
        [APPROVER]: { tz: 'America/New_York' },
        [APPROVER_2]: { tz: 'UTC' },
        [OUTSIDER]: { tz: 'UTC' },
      },
      ...(options.clockSkewMs ? { clockSkewMs: options.clockSkewMs } : {}),
    });
    const history = options.history
      ? createHistoryStandIn({ accountId: ACCOUNT_ID, now: options.sandboxNow ?? options.now })
      : undefined;
    const lp = await startSandbox({
      accountId: ACCOUNT_ID,
      monthlyLimit: options.sandboxMonthlyLimit,
      now: options.sandboxNow,
      ...(history ? { extensions: [history] } : {}),
      ...(options.clockSkewMs ? { clockSkewMs: options.clockSkewMs } : {}),
    });
    const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'lp-delete-e2e-')));
    const harness = new Harness(slack, lp, dataDir, options, history);
    await harness.startApp();
    return harness;
  }

  /** Starts (or restarts) the app process-equivalent: a new Store read from disk, a new Bolt app. */
  /** The settings the app runs with (in-process, or as a child process in the crash tests). */
  appEnv(): Record<string, string> {
    return {
      LP_ACCOUNT_ID: ACCOUNT_ID,
      LP_CLIENT_ID: 'sandbox-client',
      LP_CLIENT_SECRET: 'sandbox-client-secret',
      LP_DOMAIN_API_URL: this.lp.url,
      LP_TIMEOUT_MS: '500',
      DATA_DIR: this.dataDir,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: this.slack.url,
      PRIVACY_CHANNEL_ID: PRIVACY_CHANNEL,
      APPROVER_USER_IDS: `${APPROVER},${APPROVER_2},${REQUESTER}`,
      PORT: '0',
      ...this.options.env,
      ...this.envOverrides,
    };
  }

  async startApp(): Promise<void> {
    this.config = loadConfig(this.appEnv());
    this.store = await openFileStore(this.config.dataDir);
    const log = createLogger((line) => this.logLines.push(line));
    const lp = createLivePersonClient(this.config.liveperson, {
      log,
      retry: { unavailable: { retries: 2, minTimeout: 10 } },
    });
    this.app = createApp({
      config: this.config,
      lp,
      store: this.store,
      log,
      now: this.options.now,
      slackRetries: 0,
      noticeBaseDelayMs: 50,
      intakeIntervalMs: 100,
      // A stop is a restart in these tests: don't wait out Slack back-offs before it.
      shutdownGraceMs: 200,
      ...(this.options.history?.pageSize ? { historyPageSize: this.options.history.pageSize } : {}),
    });
    const { port } = await this.app.start(0);
    this.appUrl = `http://127.0.0.1:${port}`;
  }

  async stopApp(): Promise<void> {
    try {
      await this.app.stop();
    } finally {
      await this.store.close();
    }
  }

  async close(): Promise<void> {
    await this.app.stop().catch(() => undefined);
    await this.store?.close().catch(() => undefined);
    await Promise.all([this.slack.close(), this.lp.close()]);
    if (!this.options.dataDir) await rm(this.dataDir, { recursive: true, force: true });
  }

  command(userId: string, text: string, triggerId = this.slack.issueTrigger()): Promise<SlackResponse> {
    return sendSlashCommand(this.appUrl, SIGNING_SECRET, {
      user_id: userId,
      text,
      trigger_id: triggerId,
      channel_id: PRIVACY_CHANNEL,
    });
  }

  /** An Events API callback (e.g. app_home_opened), signed, as JSON the way Slack sends events. */
  async event(event: Record<string, unknown>): Promise<number> {
    const body = JSON.stringify({
      token: 'legacy-verification-token',
      team_id: 'T0TEST',
      api_app_id: 'A0TEST',
      type: 'event_callback',
      event_id: `Ev${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      event,
    });
    const headers = signSlackRequest(SIGNING_SECRET, body, Math.floor(Date.now() / 1000));
    const response = await fetch(`${this.appUrl}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    await response.text();
    return response.status;
  }

  interaction(payload: object): Promise<SlackResponse> {
    return sendInteraction(this.appUrl, SIGNING_SECRET, payload);
  }

  /** Submits the request modal as Slack would, after `/lp-delete` opened it. */
  submitModal(userId: string, input: ModalInput): Promise<SlackResponse> {
    return this.interaction(
      viewSubmissionPayload({
        user: userId,
        callbackId: CALLBACK.requestModal,
        privateMetadata: '',
        triggerId: this.slack.issueTrigger(),
        values: {
          [BLOCK.type]: { [ACTION.type]: viewValue.select(input.type) },
          [BLOCK.ids]: { [ACTION.ids]: viewValue.text(input.idsText) },
          [BLOCK.moreIds]: { [ACTION.moreIds]: viewValue.text(input.moreIdsText ?? null) },
          [BLOCK.reason]: { [ACTION.reason]: viewValue.text(input.reason) },
          ...(input.subjectRequestedOn
            ? {
                [BLOCK.subjectRequestedOn]: {
                  [ACTION.subjectRequestedOn]: {
                    type: 'datepicker',
                    selected_date: input.subjectRequestedOn,
                  },
                },
              }
            : {}),
        },
      }),
    );
  }

  /** `/lp-delete`, the modal filled in and submitted, and the approval message posted. */
  async fileRequest(input: ModalInput, userId = REQUESTER): Promise<{ requestId: string; ts: string }> {
    const before = this.approvalMessages().length;
    const opened = this.openedViews().length;
    const command = await this.command(userId, '');
    if (command.status !== 200) throw new Error(`slash command answered ${command.status}`);
    await this.slack.waitFor(() => this.openedViews().length > opened);
    const answer = await this.submitModal(userId, input);
    if (answer.status !== 200 || answer.body !== '') {
      throw new Error(`modal refused: ${JSON.stringify(answer.body)}`);
    }
    const message = await this.slack.waitFor(() => this.approvalMessages()[before]);
    const requestId = approveButtonValue(message.blocks);
    // In-process, wait until the store has learnt where the message landed (right after Slack answered).
    if (!this.external) {
      await this.slack.waitFor(
        async () => (await this.store.get(requestId))?.approvalMessage?.ts === message.ts,
      );
    }
    return { requestId, ts: message.ts };
  }

  click(
    userId: string,
    actionId: string,
    requestId: string,
    ts: string,
    triggerId = this.slack.issueTrigger(),
  ) {
    return this.interaction(
      blockActionsPayload({
        user: userId,
        actionId,
        value: requestId,
        channel: PRIVACY_CHANNEL,
        messageTs: ts,
        triggerId,
      }),
    );
  }

  approvalMessages() {
    return this.slack.messagesIn(PRIVACY_CHANNEL);
  }

  approvalMessage(ts: string) {
    const message = this.slack.message(PRIVACY_CHANNEL, ts);
    if (!message) throw new Error(`no message ${ts}`);
    return message;
  }

  hasButtons(ts: string): boolean {
    return JSON.stringify(this.approvalMessage(ts).blocks ?? []).includes(ACTION.approve);
  }

  /** Text and blocks of the replies in an approval message's thread, as one string each. */
  threadTexts(ts: string): string[] {
    return this.slack
      .threadReplies(PRIVACY_CHANNEL, ts)
      .map((m) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`);
  }

  dmsTo(userId: string): string[] {
    return this.slack.dms
      .filter((m) => m.dmUser === userId)
      .map((m) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`);
  }

  ephemeralsTo(userId: string): string[] {
    return this.slack.ephemerals.filter((e) => e.user === userId).map((e) => e.text);
  }

  openedViews(): { callback_id?: string; private_metadata?: string }[] {
    return this.slack.views
      .filter((v) => v.type === 'modal')
      .map((v) => v.view as { callback_id?: string; private_metadata?: string });
  }
}

/** The request id the Approve button carries. */
export function approveButtonValue(blocks: unknown[] | undefined): string {
  for (const block of (blocks ?? []) as { elements?: { action_id?: string; value?: string }[] }[]) {
    const button = block.elements?.find((e) => e.action_id === ACTION.approve);
    if (button?.value) return button.value;
  }
  throw new Error('the message has no Approve button');
}
