import type { SandboxExtensionAnswer, SandboxExtensionCall } from '../rtbf/types.js';
import { plainAccount } from '../rtbf/state.js';
import { miByConsumer, miById, miSearch } from './conversation-routes.js';
import { ehSearch } from './engagement-routes.js';
import { error, jsonBody, type HistoryData } from './history-answers.js';
import { checkQuery } from './history-rules.js';
import { createErasureMasking } from './erasure-masking.js';
import { seedChat, seedConversation, type SeededChat, type SeededConversation } from './history-seed.js';
import type {
  HistoryCallKind,
  HistoryCallRecord,
  HistoryInjection,
  HistoryStandIn,
  HistoryStandInOptions,
} from './history-types.js';

/** The stand-in itself: seeded data, recorded calls and injections, and which route answers a call. */

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

export function createHistoryStandIn(options: HistoryStandInOptions): HistoryStandIn {
  const now = () => (options.now ?? (() => new Date()))().getTime();
  const accountId = plainAccount(options.accountId);
  const conversations: SeededConversation[] = [];
  const chats: SeededChat[] = [];
  const calls: HistoryCallRecord[] = [];
  let injections: (HistoryInjection & { remaining: number })[] = [];
  let chatNumber = 4_294_967_901;
  const data: HistoryData = { accountId, now, conversations, chats, options };
  const masking = createErasureMasking(data);

  function handle(call: SandboxExtensionCall): SandboxExtensionAnswer | undefined {
    const route = ROUTES.map((r) => ({ kind: r.kind, match: r.pattern.exec(call.url.pathname) })).find(
      (r) => r.match,
    );
    if (!route?.match) return undefined;
    masking.apply();
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
    // 1c is paged too (offset, limit; default 50, max 100) but documents no sort; 1b takes neither.
    const allowed: Record<HistoryCallKind, string[]> = {
      'mi.search': ['offset', 'limit', 'sort', 'source', 'v'],
      'mi.consumer': ['offset', 'limit', 'source'],
      'mi.byId': ['source'],
      'eh.search': ['offset', 'limit', 'sort', 'source'],
    };
    const paged = kind !== 'mi.byId';
    const query = checkQuery(call.url.searchParams, allowed[kind], paged);
    if (!query.ok) return error(400, query.message);
    const body = jsonBody(call);
    if (!body.ok) return body.answer;
    switch (kind) {
      case 'mi.search':
        return miSearch(data, body.value, query.value, call.url);
      case 'mi.consumer':
        return miByConsumer(data, body.value, query.value, call.url);
      case 'mi.byId':
        return miById(data, body.value);
      case 'eh.search':
        return ehSearch(data, body.value, query.value, call.url);
    }
  }

  return {
    services: ['msgHist', 'engHistDomain'],
    accountId,
    handle,
    attachRtbf: (view) => masking.attach(view),
    leaveUnmasked: (ids) => masking.leaveUnmasked(ids),
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
      masking.reset();
    },
  };
}
