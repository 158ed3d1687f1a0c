import {
  LogLevel,
  webApi,
  type AllMiddlewareArgs,
  type BlockAction,
  type ButtonAction,
  type Logger as BoltLogger,
  type SlackActionMiddlewareArgs,
  type SlackViewMiddlewareArgs,
  type ViewOutput,
  type ViewResponseAction,
  type ViewStateValue,
  type ViewSubmitAction,
} from '@slack/bolt';
import { silentLogger } from '../../src/log.js';
import { Cancellation } from '../../src/service/cancellation.js';
import { Filing } from '../../src/service/filing.js';
import { HeldBack } from '../../src/service/held-back.js';
import { homeLists } from '../../src/service/home-lists.js';
import { StatusReads } from '../../src/service/status-reads.js';
import { PersonErasure } from '../../src/service/person-erasure.js';
import { SlackDirectory } from '../../src/slack/directory.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import type { ListenerContext } from '../../src/slack/listeners/context.js';
import { ACCOUNT, APPROVER, OTHER_APPROVER, REQUESTER, type ServiceWorld } from './service-fixture.js';

/**
 * Listener arguments built by hand, typed as Bolt types them, so a handler is called directly (as in
 * slack-samples/bolt-ts-starter-template's `buildArguments`): no HTTP, no signing, no module mocks.
 * Everything the handler does with Slack lands in `timeline` in order, beside the acks.
 */

/** One thing a handler did, in order: an ack (with its response) or a Web API call (with its arguments). */
export type Step = { what: 'ack'; response: unknown } | { what: 'api'; method: string; args: unknown };

/**
 * A real WebClient whose every call is recorded instead of sent: each Web API method goes through
 * `apiCall`, so overriding that one method is enough (and keeps the client fully typed).
 */
export class RecordingWebClient extends webApi.WebClient {
  readonly recorded: { method: string; args: Record<string, unknown> }[] = [];
  /** Answers by method name; `{ ok: true }` otherwise. */
  readonly answers = new Map<string, webApi.WebAPICallResult>();

  constructor(private readonly timeline: Step[] = []) {
    super('xoxb-test', { retryConfig: { retries: 0 } });
  }

  override async apiCall(
    method: string,
    options: Record<string, unknown> = {},
  ): Promise<webApi.WebAPICallResult> {
    this.recorded.push({ method, args: options });
    this.timeline.push({ what: 'api', method, args: options });
    return this.answers.get(method) ?? { ok: true };
  }

  /** The calls of one method, e.g. `chat.postEphemeral`. */
  callsTo(method: string): Record<string, unknown>[] {
    return this.recorded.filter((c) => c.method === method).map((c) => c.args);
  }
}

const boltLogger: BoltLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.INFO,
  setName: () => {},
};

/** The listener context over a service world: the real services, a directory of configured ids. */
export function listenerContext(
  world: ServiceWorld,
  client: RecordingWebClient,
  overrides: Partial<ListenerContext> & { requesters?: string[] } = {},
): ListenerContext {
  const { requesters, ...rest } = overrides;
  const unused = () => Promise.reject(new Error('no history search in this test'));
  const directory = new SlackDirectory({
    client,
    approverUserIds: [APPROVER, OTHER_APPROVER, REQUESTER],
    requesterUserIds: requesters ?? [],
  });
  const services = { store: world.store, lp: world.lp, now: world.clock.now, log: silentLogger };
  // Filing with this directory, so a requester list given here is the one Filing enforces.
  const filing = new Filing({
    ...services,
    quota: world.quota,
    directory,
    accountId: ACCOUNT,
    legacyTicketing: false,
    timeZone: 'Europe/Berlin',
  });
  const msgHist = {
    searchConversations: unused,
    conversationsByConsumer: unused,
    conversationsByIds: unused,
  };
  return {
    filing,
    heldBack: new HeldBack({ ...services, quota: world.quota, filing, msgHist }),
    decisions: world.decisions,
    quota: world.quota,
    quotaSync: world.quotaSync,
    statusReads: new StatusReads({ ...services, directory }),
    cancellation: new Cancellation({ ...services, directory }),
    homeLists: (userId) => homeLists({ store: world.store, directory }, userId),
    person: new PersonErasure({
      filing,
      directory,
      quota: world.quota,
      store: world.store,
      history: { msgHist },
      chatHistory: false,
      timeZone: 'Europe/Berlin',
      now: world.clock.now,
      log: silentLogger,
    }),
    directory,
    timeZone: 'Europe/Berlin',
    now: world.clock.now,
    legacyTicketing: false,
    log: silentLogger,
    ...rest,
  };
}

function common(client: RecordingWebClient): AllMiddlewareArgs {
  return {
    context: { isEnterpriseInstall: false, botToken: 'xoxb-test' },
    logger: boltLogger,
    client,
    next: async () => {},
  };
}

/** Arguments of a button click (`block_actions`). */
export function buildActionArguments(
  overrides: {
    actionId?: string;
    value?: string;
    userId?: string;
    channelId?: string;
    messageTs?: string;
    body?: Partial<BlockAction<ButtonAction>>;
  } = {},
): {
  args: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
  client: RecordingWebClient;
  timeline: Step[];
} {
  const timeline: Step[] = [];
  const client = new RecordingWebClient(timeline);
  const action: ButtonAction = {
    type: 'button',
    block_id: BLOCK.decision,
    action_id: overrides.actionId ?? ACTION.approve,
    action_ts: '1765360800.000200',
    text: { type: 'plain_text', text: 'Approve' },
    ...(overrides.value !== undefined ? { value: overrides.value } : {}),
  };
  const channelId = overrides.channelId ?? 'C-PRIVACY';
  const ts = overrides.messageTs ?? '1765360000.000100';
  const body: BlockAction<ButtonAction> = {
    type: 'block_actions',
    actions: [action],
    team: { id: 'T1', domain: 'example' },
    user: { id: overrides.userId ?? APPROVER, username: 'someone' },
    channel: { id: channelId, name: 'privacy' },
    message: { type: 'message', ts },
    container: { type: 'message', channel_id: channelId, message_ts: ts },
    token: 'legacy-token',
    response_url: 'https://hooks.slack.invalid/actions/1',
    trigger_id: '123.456.abc',
    api_app_id: 'A1',
    ...overrides.body,
  };
  return {
    args: {
      ...common(client),
      body,
      payload: action,
      action,
      ack: async () => {
        timeline.push({ what: 'ack', response: undefined });
      },
      respond: async (message) => {
        timeline.push({ what: 'api', method: 'respond', args: message });
        return new Response('ok');
      },
      say: async (message) => {
        timeline.push({ what: 'api', method: 'say', args: message });
        return { ok: true };
      },
    },
    client,
    timeline,
  };
}

/** Arguments of a modal's submission (`view_submission`); `values` is the form's state by block and action. */
export function buildViewArguments(
  overrides: {
    callbackId?: string;
    userId?: string;
    values?: Record<string, Record<string, ViewStateValue>>;
    view?: Partial<ViewOutput>;
  } = {},
): {
  args: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
  client: RecordingWebClient;
  timeline: Step[];
  /** The responses ack was called with (undefined for a plain ack). */
  acks: (ViewResponseAction | undefined)[];
} {
  const timeline: Step[] = [];
  const acks: (ViewResponseAction | undefined)[] = [];
  const client = new RecordingWebClient(timeline);
  const view: ViewOutput = {
    id: 'V1',
    callback_id: overrides.callbackId ?? CALLBACK.requestModal,
    team_id: 'T1',
    app_id: 'A1',
    bot_id: 'B1',
    title: { type: 'plain_text', text: 'Delete data' },
    type: 'modal',
    blocks: [],
    close: null,
    submit: { type: 'plain_text', text: 'Submit' },
    state: { values: overrides.values ?? {} },
    hash: 'h1',
    private_metadata: '',
    root_view_id: 'V1',
    previous_view_id: null,
    clear_on_close: false,
    notify_on_close: false,
    ...overrides.view,
  };
  const body: ViewSubmitAction = {
    type: 'view_submission',
    team: { id: 'T1', domain: 'example' },
    user: { id: overrides.userId ?? REQUESTER, name: 'someone' },
    view,
    api_app_id: 'A1',
    token: 'legacy-token',
    trigger_id: '123.456.abc',
  };
  return {
    args: {
      ...common(client),
      body,
      payload: view,
      view,
      ack: async (response?: ViewResponseAction) => {
        acks.push(response);
        timeline.push({ what: 'ack', response });
      },
      respond: async (message) => {
        timeline.push({ what: 'api', method: 'respond', args: message });
        return new Response('ok');
      },
    },
    client,
    timeline,
    acks,
  };
}
