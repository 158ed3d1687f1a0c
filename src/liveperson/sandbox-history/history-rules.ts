import { randomUUID } from 'node:crypto';

/**
 * LivePerson's history APIs as the stand-in models them, kept apart from HTTP: what a seeded
 * conversation or chat holds, which `start` windows are allowed, what a search matches, and the answer
 * shapes — full of names, emails, phone numbers and transcript text, as LivePerson's are, so tests can
 * prove none of it gets past the client.
 */

export const MI_MAX_WINDOW_MONTHS = 3;
export const EH_MAX_WINDOW_MONTHS = 1;
export const RETENTION_MONTHS = 13;
export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 50;
export const MAX_SOURCE_LENGTH = 20;
const TEN_MINUTES_MS = 10 * 60 * 1000;

export type SeedStatus = 'OPEN' | 'CLOSE';
type Time = Date | string | number;

export interface SeedConsumer {
  participantId: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
}

export interface SeedConversationInput {
  conversationId?: string;
  status: SeedStatus;
  startTime: Time;
  /** Defaults to 30 minutes after the start for a closed conversation. */
  endTime?: Time;
  consumer?: SeedConsumer;
  /** SDE values the brand sent, per SDE kind. */
  personalInfo?: string[];
  customerInfo?: string[];
  userUpdate?: string[];
  /** Message texts, in order. */
  messages?: string[];
}

export interface SeededConversation {
  conversationId: string;
  status: SeedStatus;
  startTime: number;
  endTime: number | null;
  consumer?: SeedConsumer;
  personalInfo: string[];
  customerInfo: string[];
  userUpdate: string[];
  messages: string[];
}

export interface SeedChatInput {
  /** Defaults to the account id followed by a chat number. */
  engagementId?: string;
  visitorId: string;
  visitorName?: string;
  startTime: Time;
  endTime?: Time;
  /** Engagement History only returns ended chats (default true). */
  ended?: boolean;
  personalInfo?: string[];
  customerInfo?: string[];
  /** Visitor info values (e.g. an email the visitor typed into a form). */
  visitorInfo?: string[];
  surveyAnswers?: string[];
  lines?: string[];
}

export interface SeededChat {
  engagementId: string;
  visitorId: string;
  visitorName: string;
  startTime: number;
  endTime: number;
  ended: boolean;
  personalInfo: string[];
  customerInfo: string[];
  visitorInfo: string[];
  surveyAnswers: string[];
  lines: string[];
}

const toMs = (t: Time) => (t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(t));

export function seedConversation(input: SeedConversationInput): SeededConversation {
  const startTime = toMs(input.startTime);
  const endTime =
    input.status === 'CLOSE'
      ? input.endTime !== undefined
        ? toMs(input.endTime)
        : startTime + 30 * 60_000
      : null;
  return {
    conversationId: input.conversationId ?? randomUUID(),
    status: input.status,
    startTime,
    endTime,
    consumer: input.consumer,
    personalInfo: input.personalInfo ?? [],
    customerInfo: input.customerInfo ?? [],
    userUpdate: input.userUpdate ?? [],
    messages: input.messages ?? [],
  };
}

export function seedChat(input: SeedChatInput, defaultEngagementId: string): SeededChat {
  const startTime = toMs(input.startTime);
  return {
    engagementId: input.engagementId ?? defaultEngagementId,
    visitorId: input.visitorId,
    visitorName: input.visitorName ?? 'Visitor',
    startTime,
    endTime: input.endTime !== undefined ? toMs(input.endTime) : startTime + 20 * 60_000,
    ended: input.ended ?? true,
    personalInfo: input.personalInfo ?? [],
    customerInfo: input.customerInfo ?? [],
    visitorInfo: input.visitorInfo ?? [],
    surveyAnswers: input.surveyAnswers ?? [],
    lines: input.lines ?? [],
  };
}

/** The same wall-clock moment `months` calendar months later (UTC), clamped to the month's last day. */
export function addUtcMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  target.setUTCHours(d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
  return target.getTime();
}

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * `start {from, to}`: epoch ms, required, `to` may be -1 (now); LivePerson rounds both out to 10 minutes
 * and refuses a span wider than `maxMonths` calendar months (checked after rounding, the stricter way).
 */
export function checkWindow(
  raw: unknown,
  maxMonths: number,
  now: number,
): Checked<{ from: number; to: number }> {
  if (typeof raw !== 'object' || raw === null) return { ok: false, message: 'start {from, to} is required' };
  const { from, to } = raw as Record<string, unknown>;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 0) {
    return { ok: false, message: 'start.from must be epoch milliseconds' };
  }
  if (typeof to !== 'number' || !Number.isInteger(to) || (to < 0 && to !== -1)) {
    return { ok: false, message: 'start.to must be epoch milliseconds or -1' };
  }
  const end = to === -1 ? now : to;
  if (end < from) return { ok: false, message: 'start.to must not be before start.from' };
  const roundedFrom = Math.floor(from / TEN_MINUTES_MS) * TEN_MINUTES_MS;
  const roundedTo = Math.ceil(end / TEN_MINUTES_MS) * TEN_MINUTES_MS;
  if (roundedTo > addUtcMonths(roundedFrom, maxMonths)) {
    return {
      ok: false,
      message: `start spans more than ${maxMonths} month${maxMonths === 1 ? '' : 's'}, which is not allowed`,
    };
  }
  return { ok: true, value: { from: roundedFrom, to: roundedTo } };
}

export interface Paging {
  offset: number;
  limit: number;
  descending: boolean;
}

const SORT_FIELDS = [
  'start',
  'end',
  'duration',
  'visitor',
  'engagementId',
  'interactive',
  'agentId',
  'skillId',
];

export function checkQuery(
  query: URLSearchParams,
  allowed: readonly string[],
  paged: boolean,
): Checked<Paging> {
  for (const key of new Set(query.keys())) {
    if (!allowed.includes(key)) return { ok: false, message: `Unsupported query parameter ${key}` };
    if (query.getAll(key).length > 1) return { ok: false, message: `Query parameter ${key} given twice` };
  }
  const source = query.get('source');
  if (source === null || source.trim() === '') return { ok: false, message: 'source is required' };
  if (source.length > MAX_SOURCE_LENGTH) {
    return { ok: false, message: `source must be at most ${MAX_SOURCE_LENGTH} characters` };
  }
  if (!paged) return { ok: true, value: { offset: 0, limit: Number.MAX_SAFE_INTEGER, descending: false } };
  const offsetText = query.get('offset') ?? '0';
  const limitText = query.get('limit') ?? String(DEFAULT_LIMIT);
  if (!/^\d+$/.test(offsetText)) return { ok: false, message: 'offset must be a non-negative integer' };
  if (!/^\d+$/.test(limitText)) return { ok: false, message: 'limit must be a positive integer' };
  const limit = Number(limitText);
  if (limit < 1 || limit > MAX_LIMIT)
    return { ok: false, message: `limit must be between 1 and ${MAX_LIMIT}` };
  let descending = false;
  const sort = query.get('sort');
  if (sort !== null) {
    for (const [index, part] of sort.split(',').entries()) {
      const match = /^([A-Za-z]+):(asc|desc)$/.exec(part);
      if (!match || !SORT_FIELDS.includes(match[1] ?? '')) return { ok: false, message: 'sort is malformed' };
      if (index === 0) descending = match[2] === 'desc';
    }
  }
  return { ok: true, value: { offset: Number(offsetText), limit, descending } };
}

/** Values holding a run of more than 3 digits cannot be found by `sdeSearch` (LivePerson's rule). */
const UNSEARCHABLE_SDE = /\d{4,}/;

function equalsIgnoreCase(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

export function sdeMatches(values: readonly string[], wanted: string): boolean {
  return values.some((v) => !UNSEARCHABLE_SDE.test(v) && equalsIgnoreCase(v, wanted));
}

/**
 * `keyword`: in double quotes an exact ordered phrase; otherwise every word somewhere (case-insensitive).
 * Matched within one text.
 */
export function keywordMatches(texts: readonly string[], keyword: string): boolean {
  const trimmed = keyword.trim();
  const quoted = /^"(.*)"$/s.exec(trimmed);
  const lower = texts.map((t) => t.toLowerCase());
  if (quoted) {
    const phrase = (quoted[1] ?? '').trim().toLowerCase();
    return phrase !== '' && lower.some((t) => t.includes(phrase));
  }
  const words = trimmed.toLowerCase().split(/\s+/).filter(Boolean);
  return words.length > 0 && lower.some((t) => words.every((w) => t.includes(w)));
}

export function withinRetention(startTime: number, now: number): boolean {
  return startTime >= addUtcMonths(now, -RETENTION_MONTHS) && startTime <= now;
}

export const MI_CONTENT = [
  'campaign',
  'messageRecords',
  'agentParticipants',
  'agentParticipantsLeave',
  'agentParticipantsActive',
  'consumerParticipants',
  'transfers',
  'interactions',
  'messageScores',
  'messageStatuses',
  'conversationSurveys',
  'coBrowseSessions',
  'summary',
  'sdes',
  'unAuthSdes',
  'monitoring',
  'dialogs',
  'responseTime',
  'skillChanges',
  'intents',
  'uniqueIntents',
  'latestAgentSurvey',
  'previouslySubmittedAgentSurveys',
];

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

/** One `conversationHistoryRecords[]` element, with only the parts `content` asks for (all when absent). */
export function conversationRecord(
  c: SeededConversation,
  accountId: string,
  content: readonly string[] | undefined,
) {
  const wants = (part: string) => content === undefined || content.includes(part);
  const consumer = c.consumer;
  const record: Record<string, unknown> = {
    info: {
      conversationId: c.conversationId,
      brandId: accountId,
      status: c.status,
      fullDialogStatus: c.status,
      startTime: iso(c.startTime),
      startTimeL: c.startTime,
      endTime: c.endTime === null ? 'undefined' : iso(c.endTime),
      endTimeL: c.endTime ?? -1,
      duration: c.endTime === null ? 0 : c.endTime - c.startTime,
      latestAgentFullName: 'Sandra Agent',
      latestAgentLoginName: 'sandra.agent@brand.example',
      isPartial: false,
      closeReason: c.status === 'CLOSE' ? 'CONSUMER' : undefined,
    },
  };
  if (wants('consumerParticipants')) {
    record.consumerParticipants = consumer
      ? [
          {
            participantId: consumer.participantId,
            firstName: consumer.firstName ?? '',
            lastName: consumer.lastName ?? '',
            consumerName: [consumer.firstName, consumer.lastName].filter(Boolean).join(' '),
            email: consumer.email ?? '',
            phone: consumer.phone ?? '',
            token: 'consumer-token-do-not-leak',
            avatarURL: '',
            time: iso(c.startTime),
            timeL: c.startTime,
            joinTime: iso(c.startTime),
            joinTimeL: c.startTime,
            dialogId: c.conversationId,
            consumerRole: 'CONSUMER',
          },
        ]
      : [];
  }
  if (wants('messageRecords')) {
    record.messageRecords = c.messages.map((text, seq) => ({
      type: 'TEXT_PLAIN',
      messageData: { msg: { text } },
      messageId: `ms::conv:${c.conversationId}::msg:${seq}`,
      seq,
      dialogId: c.conversationId,
      participantId: seq % 2 === 0 ? (consumer?.participantId ?? 'unknown') : 'agent-1',
      source: 'APP',
      time: iso(c.startTime + seq * 1000),
      timeL: c.startTime + seq * 1000,
      sentBy: seq % 2 === 0 ? 'Consumer' : 'Agent',
    }));
  }
  if (wants('sdes')) {
    record.sdes = {
      events: [
        ...c.personalInfo.map((value) => ({
          sdeType: 'PERSONAL_INFO',
          serverTimeStamp: String(c.startTime),
          personalInfo: {
            serverTimeStamp: String(c.startTime),
            personalInfo: {
              name: value,
              contacts: [{ personalContact: { email: value, phone: consumer?.phone ?? '' } }],
            },
          },
        })),
        ...c.customerInfo.map((value) => ({
          sdeType: 'CUSTOMER_INFO',
          serverTimeStamp: String(c.startTime),
          customerInfo: {
            serverTimeStamp: String(c.startTime),
            customerInfo: { customerId: value, customerStatus: 'gold' },
          },
        })),
        ...c.userUpdate.map((value) => ({
          sdeType: 'USER_UPDATE',
          serverTimeStamp: String(c.startTime),
          userUpdate: { serverTimeStamp: String(c.startTime), userUpdate: { userProfile: value } },
        })),
      ],
    };
  }
  return record;
}

/** One `interactionHistoryRecords[]` element, transcript and all, as Engagement History answers. */
export function chatRecord(c: SeededChat, accountId: string) {
  return {
    info: {
      engagementId: c.engagementId,
      visitorId: c.visitorId,
      visitorName: c.visitorName,
      accountId,
      startTime: iso(c.startTime),
      startTimeL: c.startTime,
      endTime: iso(c.endTime),
      endTimeL: c.endTime,
      duration: c.endTime - c.startTime,
      ended: c.ended,
      isPartial: false,
      interactive: true,
      agentName: 'Sandra Agent',
      chatStartUrl: 'https://brand.example/help',
    },
    transcript: {
      lines: c.lines.map((text, i) => ({
        time: iso(c.startTime + i * 1000),
        timeL: c.startTime + i * 1000,
        text,
        by: i % 2 === 0 ? c.visitorName : 'Sandra Agent',
        source: i % 2 === 0 ? 'visitor' : 'agent',
        subType: 'REGULAR',
      })),
    },
    surveys: { preChat: c.surveyAnswers.map((value, i) => ({ name: `Question ${i + 1}`, value })) },
    visitorInfo: { ipAddress: '203.0.113.9', browser: 'Firefox', country: 'Ireland', values: c.visitorInfo },
    sdes: {
      events: [
        ...c.personalInfo.map((value) => ({ personalInfo: { personalInfo: { name: value } } })),
        ...c.customerInfo.map((value) => ({ customerInfo: { customerInfo: { customerId: value } } })),
      ],
    },
  };
}
