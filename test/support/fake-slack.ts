/**
 * A fake Slack Web API on a real local port, for tests that run the real Bolt app or a real WebClient.
 *
 * It enforces what real Slack enforces and a lenient double would let through (see
 * /work/shared/reference/slack-platform.md): the bot token, Block Kit limits (`invalid_blocks`), existing
 * channels, threads and messages, single-use triggers that expire after 3 seconds, text limits. It records
 * every call and keeps the messages, views and ephemerals as Slack would show them.
 *
 * Message metadata and reading history (issue 25), as Slack documents them, the hardest reading where the
 * docs are silent:
 * - `chat.postMessage` keeps `metadata` ({event_type, event_payload}, both required; anything else is
 *   `invalid_metadata_format`).
 * - `conversations.history` (top-level messages, newest first) and `conversations.replies` (the parent,
 *   then its replies, oldest first) return `metadata` only with `include_all_metadata`; `oldest` and
 *   `latest` are exclusive unless `inclusive`; `limit` (default 100, at most 999) is an upper bound only:
 *   a page holds at most PAGE_CAP messages even when more were asked for, and the rest follows through
 *   `response_metadata.next_cursor` while `has_more`.
 * - They take a conversation id (a user id is `channel_not_found`); a channel the bot is not in is
 *   `not_in_channel`. `conversations.open` gives a user's DM channel.
 * - Faults: a failure can be answered after the call really took effect (`afterEffect`: a 5xx after
 *   posting), and a call can hang (accepted, never answered), before or after taking effect.
 *
 * Pass `fake.url` to Bolt as `clientOptions.slackApiUrl` (it ends with `/api/`).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkBlockKit } from './block-kit.js';
import { FakeFunctions, FunctionError } from './fake-slack-functions.js';

export interface FakeSlackOptions {
  /** The only token accepted; default `xoxb-test-token`. */
  botToken?: string;
  /** The fake's clock in ms (trigger expiry, message ts, call times); default Date.now. */
  now?: () => number;
  /** Known users. When given, users.info and DMs refuse anyone else. */
  users?: Record<string, { tz?: string; name?: string }>;
  /** Usergroup id → member user ids. */
  usergroups?: Record<string, string[]>;
  /** Socket Mode: the app-level token apps.connections.open accepts, and the WebSocket URL it hands out. */
  socketMode?: { appToken: string; url: () => string };
  /** Channel ids that exist; default `['C0PRIVACY']`. */
  channels?: string[];
  /** Channels (among `channels`) the bot has not joined: conversations.info answers `is_member: false`. */
  nonMemberChannels?: string[];
  /** Every answer's `Date` header runs this far ahead of real time (negative: behind): Slack's clock vs ours. */
  clockSkewMs?: number;
}

export type Body = Record<string, unknown>;

export interface FakeCall {
  method: string;
  body: Body;
  /** The fake's clock when the call arrived. */
  at: number;
}

export interface FakeMessageVersion {
  at: number;
  text: string;
  blocks: unknown[] | undefined;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  /** The message metadata it was posted with. */
  metadata?: { event_type: string; event_payload: Body };
  /** The parent's ts for a thread reply. */
  threadTs?: string;
  text: string;
  blocks: unknown[] | undefined;
  /** The user a DM went to (the message was posted with a user id as `channel`). */
  dmUser?: string;
  postedAt: number;
  /** Every chat.update applied, oldest first; `text`/`blocks` above are the latest. */
  updates: FakeMessageVersion[];
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  text: string;
  blocks: unknown[] | undefined;
  threadTs?: string;
  messageTs: string;
  at: number;
}

export interface FakeView {
  id: string;
  type: 'modal' | 'home';
  /** The current view as sent by the app. */
  view: Body;
  hash: string;
  externalId?: string;
  /** For home views: whose Home tab. */
  userId?: string;
  triggerId?: string;
  rootViewId: string;
  previousViewId: string | null;
  /** Earlier versions (before each views.update / views.publish), oldest first. */
  history: Body[];
}

export interface FakeFailure {
  /** The `error` in the `{ok:false}` answer; default `ratelimited` for 429, else `internal_error`. */
  error?: string;
  /** Answer with this HTTP status instead of 200 (429 for rate limiting, 5xx for an outage). */
  httpStatus?: number;
  /** Seconds for the Retry-After header (429 only); default 1. */
  retryAfter?: number;
  /** Carry the call out first (post the message…), then answer with the failure. */
  afterEffect?: boolean;
  /** Never answer (the connection stays open until the fake closes); with `afterEffect`, after doing it. */
  hang?: boolean;
  /** Carry the call out on arrival and answer it as usual, but only after this many ms (a slow Slack). */
  delayMs?: number;
  /** Only a call whose body this accepts takes the failure; others pass (default: the next call). */
  when?: (body: Body) => boolean;
}

export interface FakeSlack {
  /** Base URL for `slackApiUrl`, ending with `/api/`. */
  readonly url: string;
  readonly botToken: string;
  readonly botUserId: string;
  readonly calls: FakeCall[];
  readonly messages: FakeMessage[];
  readonly views: FakeView[];
  readonly ephemerals: FakeEphemeral[];
  /** Messages posted to a user id (DMs); the same objects as in `messages`. */
  readonly dms: FakeMessage[];
  /** Workflow Builder steps: function_executed events to send, and the completions the app made. */
  readonly functions: FakeFunctions;
  /** A trigger id as Slack puts in a command or click: valid once, for 3 seconds of the fake's clock. */
  issueTrigger(): string;
  /** Top-level messages in a channel (a user id means the DM with that user), oldest first. */
  messagesIn(channel: string): FakeMessage[];
  threadReplies(channel: string, ts: string): FakeMessage[];
  message(channel: string, ts: string): FakeMessage | undefined;
  callsTo(method: string): FakeCall[];
  /** Polls until `predicate` returns something truthy, and returns it; rejects after `timeoutMs` (default 5 s, generous for a loaded CI machine). */
  waitFor<T>(
    predicate: () => T | false | null | undefined | Promise<T | false | null | undefined>,
    timeoutMs?: number,
  ): Promise<T>;
  /** The next call to `method` fails this way (queue several by calling again). */
  failNext(method: string, failure?: FakeFailure): void;
  /** Forgets every queued failure (Slack is back). */
  clearFailures(): void;
  /** Calls held unanswered by a `hang` failure so far. */
  readonly hung: FakeCall[];
  /**
   * The next call to `method` is carried out but its answer is withheld until the caller gives up or
   * the fake closes: the answer lost on the way back (Slack did it; the app never heard).
   */
  loseNextAnswer(method: string): void;
  close(): Promise<void>;
}

export const FAKE_DEFAULT_CHANNELS = ['C0PRIVACY'];
/** How long Slack honours a trigger_id. */
export const TRIGGER_TTL_MS = 3000;

const CHAT_POST_TEXT_MAX = 40_000;
/** The most messages one page of conversations.history / replies holds, whatever `limit` asks. */
export const PAGE_CAP = 15;
const CHAT_UPDATE_TEXT_MAX = 4000;
const USER_ID = /^[UW][A-Z0-9]+$/;
/** Fields @slack/web-api JSON-encodes inside a form body. */
const JSON_FIELDS = new Set(['blocks', 'view', 'attachments', 'metadata', 'unfurls', 'outputs']);

class SlackError extends Error {
  constructor(
    readonly code: string,
    readonly details: string[] = [],
  ) {
    super(code);
  }
}

/** `token` is the one the call was made with (the bot token, or a workflow token for functions.*). */
type Handler = (body: Body, token: string) => Body;

function str(body: Body, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function required(body: Body, key: string): string {
  const value = str(body, key);
  if (value === undefined)
    throw new SlackError(key === 'channel' ? 'channel_not_found' : 'invalid_arguments');
  return value;
}

function isBody(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: unknown, field: string): Body {
  if (isBody(value)) return value;
  throw new SlackError('invalid_arguments', [`${field} must be an object`]);
}

function blocksOf(body: Body): unknown[] | undefined {
  const blocks = body.blocks;
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) throw new SlackError('invalid_blocks_format', ['blocks must be an array']);
  return blocks;
}

function checkMessageBlocks(blocks: unknown[] | undefined): void {
  if (blocks === undefined) return;
  const violations = checkBlockKit('message', { blocks });
  if (violations.length === 0) return;
  const tooLong = violations.some((v) => v.includes('msg_blocks_too_long'));
  throw new SlackError(tooLong ? 'msg_blocks_too_long' : 'invalid_blocks', violations);
}

function checkView(kind: 'modal' | 'home', view: Body): void {
  const violations = checkBlockKit(kind, view);
  if (violations.length > 0) throw new SlackError('invalid_arguments', violations);
}

function metadataOf(body: Body): FakeMessage['metadata'] {
  const metadata = body.metadata;
  if (metadata === undefined) return undefined;
  if (!isBody(metadata) || typeof metadata.event_type !== 'string' || metadata.event_type === '')
    throw new SlackError('invalid_metadata_format', ['metadata needs an event_type']);
  if (!isBody(metadata.event_payload))
    throw new SlackError('invalid_metadata_format', ['metadata needs an event_payload object']);
  return { event_type: metadata.event_type, event_payload: metadata.event_payload };
}

function flag(body: Body, key: string): boolean {
  const value = body[key];
  return value === true || value === 'true' || value === '1' || value === 1;
}

/** One page of `list` (already in the method's order) as history / replies answer it. */
function page(list: FakeMessage[], body: Body, render: (m: FakeMessage) => Body): Body {
  const asked = Number(str(body, 'limit') ?? body.limit ?? 100);
  if (!Number.isInteger(asked) || asked < 1) throw new SlackError('invalid_limit');
  const size = Math.min(asked, 999, PAGE_CAP);
  const cursor = str(body, 'cursor');
  const start = cursor === undefined ? 0 : Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw new SlackError('invalid_cursor');
  const slice = list.slice(start, start + size);
  const more = start + size < list.length;
  return {
    ok: true,
    messages: slice.map(render),
    has_more: more,
    response_metadata: { next_cursor: more ? Buffer.from(String(start + size)).toString('base64url') : '' },
  };
}

/** Whether `ts` lies between `oldest` and `latest` (exclusive unless `inclusive`). */
function inWindow(ts: string, body: Body): boolean {
  const t = Number(ts);
  const inclusive = flag(body, 'inclusive');
  const oldest = str(body, 'oldest');
  const latest = str(body, 'latest');
  if (oldest !== undefined && (inclusive ? t < Number(oldest) : t <= Number(oldest))) return false;
  if (latest !== undefined && (inclusive ? t > Number(latest) : t >= Number(latest))) return false;
  return true;
}

async function readBody(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  // Without setEncoding, a request stream yields Buffers.
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const type = req.headers['content-type'] ?? '';
  if (raw === '') return {};
  if (type.includes('application/json')) {
    const parsed: unknown = JSON.parse(raw);
    return asObject(parsed, 'body');
  }
  const body: Body = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(key)) {
      try {
        body[key] = JSON.parse(value);
      } catch {
        body[key] = value; // Left as a string; the handler then refuses it as malformed.
      }
    } else {
      body[key] = value;
    }
  }
  return body;
}

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const botToken = opts.botToken ?? 'xoxb-test-token';
  const now = opts.now ?? (() => Date.now());
  const botUserId = 'U0LPBOT';
  const channels = new Set(opts.channels ?? FAKE_DEFAULT_CHANNELS);
  const nonMemberChannels = new Set(opts.nonMemberChannels ?? []);
  const users = opts.users;
  const usergroups = opts.usergroups ?? {};

  const calls: FakeCall[] = [];
  const messages: FakeMessage[] = [];
  const views: FakeView[] = [];
  const ephemerals: FakeEphemeral[] = [];
  const dms: FakeMessage[] = [];
  const functions = new FakeFunctions(botToken, now);
  const triggers = new Map<string, { issuedAt: number; used: boolean }>();
  const failures = new Map<string, FakeFailure[]>();
  const hung: FakeCall[] = [];
  const losing = new Map<string, number>();
  let lastTsMicros = 0;
  let triggerSeq = 0;
  let viewSeq = 0;

  const dmChannelOf = (userId: string): string => `D${userId.slice(1)}`;

  function knownUser(userId: string): boolean {
    return USER_ID.test(userId) && (users === undefined || userId in users);
  }

  /** A channel id that exists, or a user id (→ their DM channel). */
  function resolveChannel(channel: string): { channel: string; dmUser?: string } {
    if (channels.has(channel)) return { channel };
    if (USER_ID.test(channel)) {
      if (!knownUser(channel)) throw new SlackError('channel_not_found');
      const dm = dmChannelOf(channel);
      channels.add(dm);
      return { channel: dm, dmUser: channel };
    }
    throw new SlackError('channel_not_found');
  }

  function channelKey(channel: string): string {
    return USER_ID.test(channel) ? dmChannelOf(channel) : channel;
  }

  /** Increasing ts like `1700000000.000100`, from the fake's clock, never repeated. */
  function nextTs(): string {
    const micros = Math.max(Math.floor(now()) * 1000, lastTsMicros + 100);
    lastTsMicros = micros;
    const seconds = Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  /** A conversation id history may be read from: it exists, and (a channel) the bot is in it. */
  function readable(channel: string): string {
    if (!channels.has(channel)) throw new SlackError('channel_not_found');
    if (nonMemberChannels.has(channel)) throw new SlackError('not_in_channel');
    return channel;
  }

  /** A stored message as the read methods return it. */
  function rendered(m: FakeMessage, withMetadata: boolean): Body {
    return {
      type: 'message',
      user: botUserId,
      bot_id: 'B0LPBOT',
      text: m.text,
      ts: m.ts,
      ...(m.blocks ? { blocks: m.blocks } : {}),
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
      ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
    };
  }

  function findMessage(channel: string, ts: string): FakeMessage | undefined {
    const key = channelKey(channel);
    return messages.find((m) => m.channel === key && m.ts === ts);
  }

  function messageText(body: Body, max: number): string {
    const text = body.text;
    if (text === undefined) return '';
    if (typeof text !== 'string') throw new SlackError('invalid_arguments', ['text must be a string']);
    if (text.length > max)
      throw new SlackError('msg_too_long', [`text is ${text.length} characters (max ${max})`]);
    return text;
  }

  function exchangeTrigger(body: Body): string {
    const triggerId = str(body, 'trigger_id');
    if (triggerId === undefined) throw new SlackError('invalid_arguments', ['trigger_id is required']);
    const trigger = triggers.get(triggerId);
    if (!trigger) throw new SlackError('invalid_trigger_id');
    if (trigger.used) throw new SlackError('exchanged_trigger_id');
    trigger.used = true;
    if (now() - trigger.issuedAt > TRIGGER_TTL_MS) throw new SlackError('expired_trigger_id');
    return triggerId;
  }

  function viewAnswer(record: FakeView): Body {
    return {
      ok: true,
      view: {
        ...record.view,
        id: record.id,
        hash: record.hash,
        root_view_id: record.rootViewId,
        previous_view_id: record.previousViewId,
        state: { values: {} },
        ...(record.externalId ? { external_id: record.externalId } : {}),
      },
    };
  }

  function newView(kind: 'modal' | 'home', view: Body, extra: Partial<FakeView>): FakeView {
    viewSeq += 1;
    const id = `V${String(viewSeq).padStart(8, '0')}`;
    const externalId = typeof view.external_id === 'string' ? view.external_id : undefined;
    const record: FakeView = {
      id,
      type: kind,
      view,
      hash: `${nextTs()}.${randomBytes(4).toString('hex')}`,
      rootViewId: id,
      previousViewId: null,
      history: [],
      ...(externalId ? { externalId } : {}),
      ...extra,
    };
    views.push(record);
    return record;
  }

  function postMessage(body: Body): Body {
    const target = resolveChannel(required(body, 'channel'));
    const text = messageText(body, CHAT_POST_TEXT_MAX);
    const blocks = blocksOf(body);
    if (text === '' && (blocks === undefined || blocks.length === 0)) throw new SlackError('no_text');
    checkMessageBlocks(blocks);
    let threadTs = str(body, 'thread_ts');
    if (threadTs !== undefined) {
      const parent = messages.find((m) => m.channel === target.channel && m.ts === threadTs);
      if (!parent) throw new SlackError('thread_not_found');
      threadTs = parent.threadTs ?? parent.ts; // A reply to a reply lands in the same thread.
    }
    const metadata = metadataOf(body);
    const message: FakeMessage = {
      channel: target.channel,
      ts: nextTs(),
      text,
      blocks,
      postedAt: now(),
      updates: [],
      ...(metadata ? { metadata } : {}),
      ...(threadTs ? { threadTs } : {}),
      ...(target.dmUser ? { dmUser: target.dmUser } : {}),
    };
    messages.push(message);
    if (target.dmUser) dms.push(message);
    return {
      ok: true,
      channel: message.channel,
      ts: message.ts,
      message: {
        type: 'message',
        user: botUserId,
        bot_id: 'B0LPBOT',
        text,
        ts: message.ts,
        ...(blocks ? { blocks } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
      },
    };
  }

  const handlers: Record<string, Handler> = {
    'auth.test': () => ({
      ok: true,
      url: 'https://test-workspace.slack.com/',
      team: 'Test Workspace',
      user: 'lp-delete',
      team_id: 'T0TEST',
      user_id: botUserId,
      bot_id: 'B0LPBOT',
      is_enterprise_install: false,
    }),

    'chat.postMessage': postMessage,

    'chat.update': (body) => {
      const channel = required(body, 'channel');
      if (!channels.has(channelKey(channel))) throw new SlackError('channel_not_found');
      const message = findMessage(channel, required(body, 'ts'));
      if (!message) throw new SlackError('message_not_found');
      const text = body.text === undefined ? message.text : messageText(body, CHAT_UPDATE_TEXT_MAX);
      const blocks = body.blocks === undefined ? message.blocks : blocksOf(body);
      checkMessageBlocks(blocks);
      message.text = text;
      message.blocks = blocks;
      message.updates.push({ at: now(), text, blocks });
      return {
        ok: true,
        channel: message.channel,
        ts: message.ts,
        text,
        message: { text, ...(blocks ? { blocks } : {}) },
      };
    },

    'chat.postEphemeral': (body) => {
      const channel = required(body, 'channel');
      if (!channels.has(channelKey(channel))) throw new SlackError('channel_not_found');
      const user = required(body, 'user');
      if (!knownUser(user)) throw new SlackError('user_not_found');
      const text = messageText(body, CHAT_POST_TEXT_MAX);
      const blocks = blocksOf(body);
      if (text === '' && (blocks === undefined || blocks.length === 0)) throw new SlackError('no_text');
      checkMessageBlocks(blocks);
      const threadTs = str(body, 'thread_ts');
      const ephemeral: FakeEphemeral = {
        channel: channelKey(channel),
        user,
        text,
        blocks,
        messageTs: nextTs(),
        at: now(),
        ...(threadTs ? { threadTs } : {}),
      };
      ephemerals.push(ephemeral);
      return { ok: true, message_ts: ephemeral.messageTs };
    },

    'chat.getPermalink': (body) => {
      const channel = required(body, 'channel');
      if (!channels.has(channelKey(channel))) throw new SlackError('channel_not_found');
      const message = findMessage(channel, required(body, 'message_ts'));
      if (!message) throw new SlackError('message_not_found');
      const base = `https://test-workspace.slack.com/archives/${message.channel}/p${message.ts.replace('.', '')}`;
      const permalink = message.threadTs
        ? `${base}?thread_ts=${message.threadTs}&cid=${message.channel}`
        : base;
      return { ok: true, channel: message.channel, permalink };
    },

    'views.open': (body) => {
      const triggerId = exchangeTrigger(body);
      const view = asObject(body.view, 'view');
      if (view.type !== 'modal') throw new SlackError('invalid_arguments', ['views.open takes a modal']);
      checkView('modal', view);
      return viewAnswer(newView('modal', view, { triggerId }));
    },

    'views.push': (body) => {
      const triggerId = exchangeTrigger(body);
      const view = asObject(body.view, 'view');
      if (view.type !== 'modal') throw new SlackError('invalid_arguments', ['views.push takes a modal']);
      checkView('modal', view);
      const under = [...views].reverse().find((v) => v.type === 'modal');
      return viewAnswer(
        newView('modal', view, {
          triggerId,
          ...(under ? { rootViewId: under.rootViewId, previousViewId: under.id } : {}),
        }),
      );
    },

    'views.update': (body) => {
      const viewId = str(body, 'view_id');
      const externalId = str(body, 'external_id');
      if (viewId === undefined && externalId === undefined) {
        throw new SlackError('invalid_arguments', ['view_id or external_id is required']);
      }
      const record = views.find((v) => (viewId ? v.id === viewId : v.externalId === externalId));
      if (!record) throw new SlackError('not_found');
      const hash = str(body, 'hash');
      if (hash !== undefined && hash !== record.hash) throw new SlackError('hash_conflict');
      const view = asObject(body.view, 'view');
      checkView(record.type, view);
      record.history.push(record.view);
      record.view = view;
      record.hash = `${nextTs()}.${randomBytes(4).toString('hex')}`;
      return viewAnswer(record);
    },

    'views.publish': (body) => {
      const userId = required(body, 'user_id');
      if (!knownUser(userId)) throw new SlackError('user_not_found');
      const view = asObject(body.view, 'view');
      if (view.type !== 'home')
        throw new SlackError('invalid_arguments', ['views.publish takes a home view']);
      checkView('home', view);
      const existing = views.find((v) => v.type === 'home' && v.userId === userId);
      if (existing) {
        const hash = str(body, 'hash');
        if (hash !== undefined && hash !== existing.hash) throw new SlackError('hash_conflict');
        existing.history.push(existing.view);
        existing.view = view;
        existing.hash = `${nextTs()}.${randomBytes(4).toString('hex')}`;
        return viewAnswer(existing);
      }
      return viewAnswer(newView('home', view, { userId }));
    },

    'users.info': (body) => {
      const userId = required(body, 'user');
      if (!knownUser(userId)) throw new SlackError('user_not_found');
      const profile = users?.[userId] ?? {};
      const name = profile.name ?? userId.toLowerCase();
      const tz = profile.tz ?? 'UTC';
      return {
        ok: true,
        user: {
          id: userId,
          team_id: 'T0TEST',
          name,
          real_name: name,
          deleted: false,
          is_bot: false,
          tz,
          tz_label: tz,
          profile: { real_name: name, display_name: name },
        },
      };
    },

    'usergroups.users.list': (body) => {
      const group = required(body, 'usergroup');
      const members = usergroups[group];
      if (!members) throw new SlackError('no_such_subteam');
      return { ok: true, users: [...members] };
    },

    'conversations.open': (body) => {
      const user = str(body, 'users');
      if (user === undefined || user.includes(',')) throw new SlackError('invalid_arguments');
      if (!knownUser(user)) throw new SlackError('user_not_found');
      const dm = dmChannelOf(user);
      channels.add(dm);
      return { ok: true, channel: { id: dm } };
    },

    'conversations.history': (body) => {
      const channel = readable(required(body, 'channel'));
      const top = messages
        .filter((m) => m.channel === channel && m.threadTs === undefined && inWindow(m.ts, body))
        .reverse();
      return page(top, body, (m) => rendered(m, flag(body, 'include_all_metadata')));
    },

    'conversations.replies': (body) => {
      const channel = readable(required(body, 'channel'));
      const ts = required(body, 'ts');
      const parent = messages.find((m) => m.channel === channel && m.ts === ts);
      if (!parent) throw new SlackError('thread_not_found');
      const root = parent.threadTs ?? parent.ts;
      const thread = messages.filter(
        (m) => m.channel === channel && (m.ts === root || m.threadTs === root) && inWindow(m.ts, body),
      );
      return page(thread, body, (m) => rendered(m, flag(body, 'include_all_metadata')));
    },

    'functions.completeSuccess': (body, token) =>
      functions.complete('functions.completeSuccess', body, token),
    'functions.completeError': (body, token) => functions.complete('functions.completeError', body, token),

    'conversations.info': (body) => {
      const channel = required(body, 'channel');
      const key = channelKey(channel);
      if (!channels.has(key)) throw new SlackError('channel_not_found');
      const isIm = key.startsWith('D');
      return {
        ok: true,
        channel: {
          id: key,
          name: isIm ? undefined : key.toLowerCase(),
          is_channel: !isIm,
          is_im: isIm,
          is_private: false,
          is_member: !nonMemberChannels.has(key),
          is_archived: false,
        },
      };
    },
  };

  function send(res: ServerResponse, status: number, body: Body, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method !== 'POST' || !path.startsWith('/api/')) {
      send(res, 404, { ok: false, error: 'unknown_method' });
      return;
    }
    const method = path.slice('/api/'.length);
    let body: Body;
    try {
      body = await readBody(req);
    } catch {
      send(res, 200, { ok: false, error: 'invalid_form_data' });
      return;
    }
    const call = { method, body, at: now() };
    calls.push(call);

    const queue = failures.get(method) ?? [];
    const index = queue.findIndex((f) => f.when?.(body) ?? true);
    const failure = index >= 0 ? queue.splice(index, 1)[0] : undefined;
    const fail = (f: FakeFailure) => {
      if (f.hang) {
        hung.push(call);
        return; // accepted, never answered
      }
      const status = f.httpStatus ?? 200;
      const error = f.error ?? (status === 429 ? 'ratelimited' : 'internal_error');
      const headers: Record<string, string> =
        status === 429 ? { 'retry-after': String(f.retryAfter ?? 1) } : {};
      send(res, status, { ok: false, error }, headers);
    };
    if (
      failure?.delayMs !== undefined &&
      !failure.hang &&
      failure.httpStatus === undefined &&
      !failure.error
    ) {
      const delay = failure.delayMs;
      answer(method, body, req, (status, out, headers) =>
        setTimeout(() => send(res, status, out, headers), delay),
      );
      return;
    }
    if (failure && !failure.afterEffect) {
      fail(failure);
      return;
    }
    if (failure) {
      // Carried out for real, then the answer is lost or replaced: the caller cannot know it worked.
      answer(method, body, req, () => undefined);
      fail(failure);
      return;
    }
    answer(method, body, req, (status, out, headers) => send(res, status, out, headers));
  }

  function answer(
    method: string,
    body: Body,
    req: IncomingMessage,
    reply: (status: number, body: Body, headers?: Record<string, string>) => void,
  ): void {
    const res = { reply };

    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : str(body, 'token');
    if (token === undefined) {
      res.reply(200, { ok: false, error: 'not_authed' });
      return;
    }
    // Socket Mode: only apps.connections.open takes the app-level token (xapp-…), as on real Slack.
    if (method === 'apps.connections.open') {
      if (!opts.socketMode || token !== opts.socketMode.appToken)
        res.reply(200, { ok: false, error: 'invalid_auth' });
      else res.reply(200, { ok: true, url: opts.socketMode.url() });
      return;
    }
    // A function_executed event's workflow token works for functions.* only (checked there).
    const workflowToken = method.startsWith('functions.') && functions.acceptsToken(token);
    if (token !== botToken && !workflowToken) {
      res.reply(200, { ok: false, error: 'invalid_auth' });
      return;
    }

    const handler = handlers[method];
    if (!handler) {
      res.reply(200, { ok: false, error: 'unknown_method' });
      return;
    }
    try {
      const answer = handler(body, token);
      const lose = losing.get(method) ?? 0;
      if (lose > 0) {
        losing.set(method, lose - 1);
        return; // Never answered: the connection stays open until the caller or close() ends it.
      }
      res.reply(200, answer);
    } catch (error) {
      if (error instanceof SlackError || error instanceof FunctionError) {
        const metadata = error.details.length > 0 ? { response_metadata: { messages: error.details } } : {};
        res.reply(200, { ok: false, error: error.code, ...metadata });
      } else {
        res.reply(500, { ok: false, error: 'fatal_error', detail: String(error) });
      }
    }
  }

  const server = createServer((req, res) => {
    if (opts.clockSkewMs) res.setHeader('Date', new Date(Date.now() + opts.clockSkewMs).toUTCString());
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo; // A TCP listen always yields an AddressInfo.

  return {
    url: `http://127.0.0.1:${port}/api/`,
    botToken,
    botUserId,
    calls,
    messages,
    views,
    ephemerals,
    dms,
    hung,
    functions,
    issueTrigger() {
      triggerSeq += 1;
      const id = `${triggerSeq}.${Math.floor(now())}.${randomBytes(8).toString('hex')}`;
      triggers.set(id, { issuedAt: now(), used: false });
      return id;
    },
    messagesIn(channel) {
      const key = channelKey(channel);
      return messages.filter((m) => m.channel === key && m.threadTs === undefined);
    },
    threadReplies(channel, ts) {
      const key = channelKey(channel);
      return messages.filter((m) => m.channel === key && m.threadTs === ts);
    },
    message: findMessage,
    callsTo(method) {
      return calls.filter((call) => call.method === method);
    },
    async waitFor<T>(
      predicate: () => T | false | null | undefined | Promise<T | false | null | undefined>,
      timeoutMs = 5000,
    ): Promise<T> {
      const deadline = Date.now() + timeoutMs; // Real time: this waits for real async work.
      for (;;) {
        const result = await predicate();
        if (result) return result;
        if (Date.now() > deadline) {
          const seen = calls.map((call) => call.method).join(', ') || 'none';
          throw new Error(`fake Slack: condition not met within ${timeoutMs} ms (calls so far: ${seen})`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    clearFailures() {
      failures.clear();
    },
    loseNextAnswer(method) {
      losing.set(method, (losing.get(method) ?? 0) + 1);
    },
    failNext(method, failure = {}) {
      const queue = failures.get(method) ?? [];
      queue.push(failure);
      failures.set(method, queue);
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
