import { readBody, safeEqual } from '../sandbox/http.js';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyOAuth1 } from '../sandbox/oauth1.js';
import type { SandboxExtension, SandboxExtensionAnswer, SandboxExtensionCall } from '../sandbox.js';
import { SANDBOX_DEFAULT_CREDENTIALS, type SandboxCredentials } from '../sandbox.js';
import {
  chatRecord,
  checkQuery,
  checkWindow,
  conversationRecord,
  EH_MAX_WINDOW_MONTHS,
  keywordMatches,
  MI_CONTENT,
  MI_MAX_WINDOW_MONTHS,
  sdeMatches,
  seedChat,
  seedConversation,
  withinRetention,
  type Paging,
  type SeedChatInput,
  type SeedConversationInput,
  type SeededChat,
  type SeededConversation,
  type SeedStatus,
} from './history-rules.js';

export type {
  SeedChatInput,
  SeedConsumer,
  SeedConversationInput,
  SeededChat,
  SeededConversation,
} from './history-rules.js';

/**
 * Stand-ins for LivePerson's Messaging Interactions (`msgHist`) and Engagement History
 * (`engHistDomain`) search APIs, as strict as the rtbf sandbox: `source` required, `limit` ≤ 100,
 * `start` windows of at most 3 months (1 for chats), 13-month retention, ended chats only. Tests seed
 * the data; answers carry names, emails, phones and transcripts like LivePerson's do.
 *
 * Two ways to run it: mounted into the rtbf sandbox (`startSandbox({ extensions: [standIn] })`, which
 * then also answers the Domain API for both services and checks credentials its own way), or on its
 * own port with `startHistorySandbox`.
 */

export type HistoryCallKind = 'mi.search' | 'mi.consumer' | 'mi.byId' | 'eh.search';

export interface HistoryCallRecord {
  kind: HistoryCallKind;
  status: number;
  /** The `source` query parameter, as sent (null when missing). */
  source: string | null;
  offset?: number;
  limit?: number;
}

export interface HistoryInjection {
  kind: HistoryCallKind;
  status: number;
  /** How many matching calls the rule applies to (default 1). */
  times?: number;
}

export interface HistoryStandInOptions {
  accountId: string;
  now?: () => Date;
  /**
   * Caps what 1c (conversations by consumer) returns while `_metadata.count` still says how many matched:
   * LivePerson documents no paging for it, so a client must notice a short answer.
   */
  consumerSearchMaxRecords?: number;
}

export interface HistoryStandIn extends SandboxExtension {
  readonly accountId: string;
  readonly conversations: readonly SeededConversation[];
  readonly chats: readonly SeededChat[];
  readonly calls: readonly HistoryCallRecord[];
  addConversation(input: SeedConversationInput): SeededConversation;
  addChat(input: SeedChatInput): SeededChat;
  /** E.g. an open conversation closing later. */
  setStatus(conversationId: string, status: SeedStatus, endTime?: Date): void;
  inject(rule: HistoryInjection): void;
  reset(): void;
}

const ACCOUNT = '/api/account/([^/]+)';
const ROUTES: { kind: HistoryCallKind; pattern: RegExp }[] = [
  { kind: 'mi.search', pattern: new RegExp(`^/messaging_history${ACCOUNT}/conversations/search$`) },
  {
    kind: 'mi.consumer',
    pattern: new RegExp(`^/messaging_history${ACCOUNT}/conversations/consumer/search$`),
  },
  {
    kind: 'mi.byId',
    pattern: new RegExp(`^/messaging_history${ACCOUNT}/conversations/conversation/search$`),
  },
  { kind: 'eh.search', pattern: new RegExp(`^/interaction_history${ACCOUNT}/interactions/search$`) },
];

const MI_SEARCH_FIELDS = [
  'start',
  'end',
  'fullDialogEndTime',
  'latestUpdateTime',
  'status',
  'keyword',
  'summary',
  'sdeSearch',
  'contentToRetrieve',
  'skillIds',
  'latestSkillIds',
  'agentIds',
  'latestAgentIds',
  'agentGroupIds',
  'duration',
  'conversationId',
];
const SDE_KINDS = [
  'personalInfo',
  'customerInfo',
  'userUpdate',
  'marketingCampaignInfo',
  'lead',
  'purchase',
  'viewedProduct',
  'cartStatus',
  'serviceActivity',
  'visitorError',
  'searchContent',
];
const EH_FIELDS = [
  'start',
  'keyword',
  'keyword_search_area',
  'visitor',
  'engagementId',
  'interactive',
  'ended',
  'skillIds',
  'agentIds',
];
const EH_AREAS = [
  'chatLine',
  'surveyAnswer',
  'surveyQuestion',
  'visitorInfo',
  'ea.purchase',
  'ea.viewedProduct',
  'ea.cartStatus',
  'ea.serviceActivity',
  'ea.visitorError',
  'ea.lead',
  'ea.customerInfo',
  'ea.marketingCampaignInfo',
  'ea.personalInfo',
  'mcs',
];
const STATUSES: readonly string[] = ['OPEN', 'CLOSE'];

const error = (status: number, message: string): SandboxExtensionAnswer => ({ status, json: { message } });
const plainAccount = (id: string) => id.trim().replace(/^le/i, '');

type Body = Record<string, unknown>;
type Parsed<T> = { ok: true; value: T } | { ok: false; answer: SandboxExtensionAnswer };

export function createHistoryStandIn(options: HistoryStandInOptions): HistoryStandIn {
  const now = () => (options.now ?? (() => new Date()))().getTime();
  const accountId = plainAccount(options.accountId);
  const conversations: SeededConversation[] = [];
  const chats: SeededChat[] = [];
  const calls: HistoryCallRecord[] = [];
  let injections: (HistoryInjection & { remaining: number })[] = [];
  let chatNumber = 4_294_967_901;

  function handle(call: SandboxExtensionCall): SandboxExtensionAnswer | undefined {
    const route = ROUTES.map((r) => ({ kind: r.kind, match: r.pattern.exec(call.url.pathname) })).find(
      (r) => r.match,
    );
    if (!route?.match) return undefined;
    const answer = answerFor(route.kind, route.match[1] ?? '', call);
    const record: HistoryCallRecord = {
      kind: route.kind,
      status: answer.status,
      source: call.url.searchParams.get('source'),
    };
    const offset = call.url.searchParams.get('offset');
    const limit = call.url.searchParams.get('limit');
    if (offset !== null) record.offset = Number(offset);
    if (limit !== null) record.limit = Number(limit);
    calls.push(record);
    return answer;
  }

  function answerFor(
    kind: HistoryCallKind,
    account: string,
    call: SandboxExtensionCall,
  ): SandboxExtensionAnswer {
    if (call.method !== 'POST') return error(405, 'Method not allowed');
    if (!call.authorize()) return error(401, 'Unauthorized');
    if (plainAccount(account) !== accountId) return error(403, 'Not authorized for this account');
    const rule = injections.find((r) => r.kind === kind && r.remaining > 0);
    if (rule) {
      rule.remaining -= 1;
      injections = injections.filter((r) => r.remaining > 0);
      return error(rule.status, `Injected ${rule.status}`);
    }
    const paged = kind === 'mi.search' || kind === 'eh.search';
    const allowed = paged
      ? ['offset', 'limit', 'sort', 'source', ...(kind === 'mi.search' ? ['v'] : [])]
      : ['source'];
    const query = checkQuery(call.url.searchParams, allowed, paged);
    if (!query.ok) return error(400, query.message);
    const body = jsonBody(call);
    if (!body.ok) return body.answer;
    switch (kind) {
      case 'mi.search':
        return miSearch(body.value, query.value, call.url);
      case 'mi.consumer':
        return miByConsumer(body.value);
      case 'mi.byId':
        return miById(body.value);
      case 'eh.search':
        return ehSearch(body.value, query.value, call.url);
    }
  }

  function jsonBody(call: SandboxExtensionCall): Parsed<Body> {
    const type = (call.contentType ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json')
      return { ok: false, answer: error(415, 'Content-Type must be application/json') };
    try {
      const json: unknown = JSON.parse(call.body);
      if (typeof json === 'object' && json !== null && !Array.isArray(json))
        return { ok: true, value: json as Body };
    } catch {
      // Falls through to the refusal below.
    }
    return { ok: false, answer: error(400, 'Request body must be a JSON object') };
  }

  function contentOf(body: Body): Parsed<string[] | undefined> {
    const content = body.contentToRetrieve;
    if (content === undefined) return { ok: true, value: undefined };
    if (
      !Array.isArray(content) ||
      !content.every((c): c is string => typeof c === 'string' && MI_CONTENT.includes(c))
    ) {
      return { ok: false, answer: error(400, 'contentToRetrieve holds an unknown value') };
    }
    return { ok: true, value: content };
  }

  function statusesOf(raw: unknown, required: boolean): Parsed<string[] | undefined> {
    if (raw === undefined && !required) return { ok: true, value: undefined };
    if (
      !Array.isArray(raw) ||
      raw.length === 0 ||
      !raw.every((s) => typeof s === 'string' && STATUSES.includes(s))
    ) {
      return { ok: false, answer: error(400, 'status must be an array of OPEN and/or CLOSE') };
    }
    return { ok: true, value: raw as string[] };
  }

  function page<T>(matches: T[], paging: Paging, url: URL, recordsKey: string, toJson: (t: T) => unknown) {
    const window = matches.slice(paging.offset, paging.offset + paging.limit);
    const self = `${url.pathname}?${url.searchParams.toString()}`;
    const metadata: Record<string, unknown> = {
      count: matches.length,
      self: { rel: 'self', href: self },
      shardsStatusResult: { partialResult: false },
    };
    if (paging.offset + paging.limit < matches.length) {
      const next = new URLSearchParams(url.searchParams);
      next.set('offset', String(paging.offset + paging.limit));
      metadata.next = { rel: 'next', href: `${url.pathname}?${next.toString()}` };
    }
    return { status: 200, json: { _metadata: metadata, [recordsKey]: window.map(toJson) } };
  }

  function ordered<T extends { startTime: number }>(
    items: T[],
    descending: boolean,
    id: (t: T) => string,
  ): T[] {
    const sorted = [...items].sort((a, b) => a.startTime - b.startTime || id(a).localeCompare(id(b)));
    return descending ? sorted.reverse() : sorted;
  }

  function miSearch(body: Body, paging: Paging, url: URL): SandboxExtensionAnswer {
    const unknown = Object.keys(body).find((k) => !MI_SEARCH_FIELDS.includes(k));
    if (unknown) return error(400, `Unknown field ${unknown}`);
    const window = checkWindow(body.start, MI_MAX_WINDOW_MONTHS, now());
    if (!window.ok) return error(400, window.message);
    const status = statusesOf(body.status, false);
    if (!status.ok) return status.answer;
    const content = contentOf(body);
    if (!content.ok) return content.answer;
    if (body.keyword !== undefined && (typeof body.keyword !== 'string' || body.keyword.trim() === '')) {
      return error(400, 'keyword must be a non-empty string');
    }
    const sde = body.sdeSearch;
    if (sde !== undefined) {
      if (typeof sde !== 'object' || sde === null || Array.isArray(sde))
        return error(400, 'sdeSearch must be an object');
      for (const [key, value] of Object.entries(sde)) {
        if (!SDE_KINDS.includes(key)) return error(400, `Unknown sdeSearch field ${key}`);
        if (typeof value !== 'string') return error(400, `sdeSearch.${key} must be a string`);
      }
    }
    const sdeQuery = sde as Record<string, string> | undefined;
    const keyword = body.keyword as string | undefined;
    const matches = conversations.filter((c) => {
      if (!withinRetention(c.startTime, now())) return false;
      if (c.startTime < window.value.from || c.startTime > window.value.to) return false;
      if (status.value && !status.value.includes(c.status)) return false;
      if (keyword !== undefined && !keywordMatches(c.messages, keyword)) return false;
      if (sdeQuery) {
        const hit =
          (sdeQuery.personalInfo !== undefined && sdeMatches(c.personalInfo, sdeQuery.personalInfo)) ||
          (sdeQuery.customerInfo !== undefined && sdeMatches(c.customerInfo, sdeQuery.customerInfo)) ||
          (sdeQuery.userUpdate !== undefined && sdeMatches(c.userUpdate, sdeQuery.userUpdate));
        if (!hit) return false;
      }
      return true;
    });
    return page(
      ordered(matches, paging.descending, (c) => c.conversationId),
      paging,
      url,
      'conversationHistoryRecords',
      (c) => conversationRecord(c, accountId, content.value),
    );
  }

  function miByConsumer(body: Body): SandboxExtensionAnswer {
    const unknown = Object.keys(body).find((k) => !['consumer', 'status', 'contentToRetrieve'].includes(k));
    if (unknown) return error(400, `Unknown field ${unknown}`);
    if (typeof body.consumer !== 'string' || body.consumer.trim() === '')
      return error(400, 'consumer is required');
    const status = statusesOf(body.status, true);
    if (!status.ok) return status.answer;
    const content = contentOf(body);
    if (!content.ok) return content.answer;
    const consumer = body.consumer;
    const matches = ordered(
      conversations.filter(
        (c) =>
          withinRetention(c.startTime, now()) &&
          c.consumer?.participantId === consumer &&
          (status.value ?? []).includes(c.status),
      ),
      false,
      (c) => c.conversationId,
    );
    const returned = matches.slice(0, options.consumerSearchMaxRecords ?? matches.length);
    return {
      status: 200,
      json: {
        _metadata: { count: matches.length, shardsStatusResult: { partialResult: false } },
        conversationHistoryRecords: returned.map((c) => conversationRecord(c, accountId, content.value)),
      },
    };
  }

  function miById(body: Body): SandboxExtensionAnswer {
    const unknown = Object.keys(body).find(
      (k) => !['conversationId', 'conversationIds', 'contentToRetrieve'].includes(k),
    );
    if (unknown) return error(400, `Unknown field ${unknown}`);
    const one = body.conversationId;
    const many = body.conversationIds;
    if ((one === undefined) === (many === undefined))
      return error(400, 'Send conversationId or conversationIds');
    const ids = one !== undefined ? [one] : many;
    if (
      !Array.isArray(ids) ||
      ids.length === 0 ||
      ids.length > 100 ||
      !ids.every((i) => typeof i === 'string')
    ) {
      return error(400, 'conversationIds must be an array of 1 to 100 ids');
    }
    const content = contentOf(body);
    if (!content.ok) return content.answer;
    const matches = conversations.filter(
      (c) => withinRetention(c.startTime, now()) && ids.includes(c.conversationId),
    );
    return {
      status: 200,
      json: {
        _metadata: { count: matches.length },
        conversationHistoryRecords: matches.map((c) => conversationRecord(c, accountId, content.value)),
      },
    };
  }

  function ehSearch(body: Body, paging: Paging, url: URL): SandboxExtensionAnswer {
    const unknown = Object.keys(body).find((k) => !EH_FIELDS.includes(k));
    if (unknown) return error(400, `Unknown field ${unknown}`);
    // LivePerson says the 1-month limit applies to every search, even one by visitor.
    const window = checkWindow(body.start, EH_MAX_WINDOW_MONTHS, now());
    if (!window.ok) return error(400, window.message);
    const { keyword, visitor, engagementId } = body;
    if (keyword !== undefined && (typeof keyword !== 'string' || keyword.trim() === '')) {
      return error(400, 'keyword must be a non-empty string');
    }
    let areas = EH_AREAS;
    if (body.keyword_search_area !== undefined) {
      const types = (body.keyword_search_area as { types?: unknown } | null)?.types;
      if (
        !Array.isArray(types) ||
        types.length === 0 ||
        !types.every((t) => typeof t === 'string' && EH_AREAS.includes(t))
      ) {
        return error(400, 'keyword_search_area.types holds an unknown value');
      }
      areas = types as string[];
    }
    if (visitor !== undefined && typeof visitor !== 'string') return error(400, 'visitor must be a string');
    if (engagementId !== undefined && typeof engagementId !== 'string')
      return error(400, 'engagementId must be a string');
    // With a visitor or engagement id, LivePerson ignores the time window.
    const timeBound = visitor === undefined && engagementId === undefined;
    const matches = chats.filter((c) => {
      if (!c.ended || !withinRetention(c.startTime, now())) return false;
      if (timeBound && (c.startTime < window.value.from || c.startTime > window.value.to)) return false;
      if (visitor !== undefined && c.visitorId !== visitor) return false;
      if (engagementId !== undefined && c.engagementId !== engagementId) return false;
      if (typeof keyword === 'string') {
        const texts = [
          ...(areas.includes('chatLine') ? c.lines : []),
          ...(areas.includes('surveyAnswer') ? c.surveyAnswers : []),
          ...(areas.includes('visitorInfo') ? c.visitorInfo : []),
          ...(areas.includes('ea.personalInfo') ? c.personalInfo : []),
          ...(areas.includes('ea.customerInfo') ? c.customerInfo : []),
        ];
        if (!keywordMatches(texts, keyword)) return false;
      }
      return true;
    });
    return page(
      ordered(matches, paging.descending, (c) => c.engagementId),
      paging,
      url,
      'interactionHistoryRecords',
      (c) => chatRecord(c, accountId),
    );
  }

  return {
    services: ['msgHist', 'engHistDomain'],
    accountId,
    handle,
    get conversations() {
      return conversations;
    },
    get chats() {
      return chats;
    },
    get calls() {
      return calls;
    },
    addConversation(input) {
      const seeded = seedConversation(input);
      conversations.push(seeded);
      return seeded;
    },
    addChat(input) {
      const seeded = seedChat(input, `${accountId}${chatNumber++}`);
      chats.push(seeded);
      return seeded;
    },
    setStatus(conversationId, status, endTime) {
      const found = conversations.find((c) => c.conversationId === conversationId);
      if (!found) throw new Error('no such seeded conversation');
      found.status = status;
      found.endTime = status === 'CLOSE' ? (endTime ?? new Date(now())).getTime() : null;
    },
    inject(rule) {
      injections.push({ ...rule, remaining: rule.times ?? 1 });
    },
    reset() {
      conversations.length = 0;
      chats.length = 0;
      calls.length = 0;
      injections = [];
    },
  };
}

export interface HistorySandboxOptions extends HistoryStandInOptions {
  /** Bearer tokens and OAuth 1.0a key accepted; defaults to the rtbf sandbox's defaults. */
  credentials?: Pick<SandboxCredentials, 'bearerTokens' | 'oauth1'>;
  host?: string;
  port?: number;
}

export interface HistorySandbox extends HistoryStandIn {
  /** e.g. `http://127.0.0.1:54321`: the base URL for both history services. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const OAUTH1_WINDOW_SECONDS = 300;

/**
 * The stand-ins on their own port (no Domain API, no Sentinel): accepts a static bearer token or a
 * signed OAuth 1.0a key, verified with the rtbf sandbox's own verifier.
 */
export async function startHistorySandbox(options: HistorySandboxOptions): Promise<HistorySandbox> {
  const standIn = createHistoryStandIn(options);
  const credentials = options.credentials ?? SANDBOX_DEFAULT_CREDENTIALS;
  const nowDate = options.now ?? (() => new Date());
  const nonces = new Set<string>();
  const host = options.host ?? '127.0.0.1';
  let baseHost = '';

  function authorize(req: IncomingMessage, url: URL): boolean {
    const header = req.headers.authorization;
    if (!header) return false;
    if (/^Bearer\s/i.test(header)) {
      const value = header.slice(7).trim();
      return (credentials.bearerTokens ?? []).some((t) => safeEqual(t, value));
    }
    const oauth1 = credentials.oauth1;
    if (!oauth1) return false;
    return verifyOAuth1({
      method: req.method ?? 'GET',
      absoluteUrl: url.toString(),
      authorization: header,
      secretsFor: (key, token) =>
        safeEqual(key, oauth1.appKey) && safeEqual(token, oauth1.accessToken)
          ? { consumerSecret: oauth1.appSecret, tokenSecret: oauth1.accessTokenSecret }
          : undefined,
      nowSeconds: Math.floor(nowDate().getTime() / 1000),
      windowSeconds: OAUTH1_WINDOW_SECONDS,
      rememberNonce: (key, timestamp, nonce) => {
        const id = `${key}|${timestamp}|${nonce}`;
        if (nonces.has(id)) return false;
        nonces.add(id);
        return true;
      },
    }).ok;
  }

  const server = createServer((req, res) => {
    void readBody(req)
      .then((body) => {
        const url = new URL(req.url ?? '/', `http://${req.headers.host ?? baseHost}`);
        const answer =
          standIn.handle({
            method: req.method ?? 'GET',
            url,
            contentType: req.headers['content-type'],
            body,
            authorize: () => authorize(req, url),
          }) ?? error(404, 'Not found');
        const text = answer.raw ?? JSON.stringify(answer.json ?? {});
        res.writeHead(answer.status, {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': Buffer.byteLength(text),
        });
        res.end(text);
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseHost = `${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;

  return Object.assign(standIn, {
    url: `http://${baseHost}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
