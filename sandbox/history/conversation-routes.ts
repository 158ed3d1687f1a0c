import type { SandboxExtensionAnswer } from '../rtbf/types.js';
import { error, ordered, page, type Body, type HistoryData, type Parsed } from './history-answers.js';
import { conversationRecord, MI_CONTENT } from './history-records.js';
import {
  checkWindow,
  keywordMatches,
  MI_MAX_WINDOW_MONTHS,
  sdeMatches,
  withinRetention,
  type Paging,
} from './history-rules.js';

/** Messaging Interactions (`msgHist`): search conversations, by consumer, and by id. */

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
const STATUSES: readonly string[] = ['OPEN', 'CLOSE'];

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

export function miSearch(data: HistoryData, body: Body, paging: Paging, url: URL): SandboxExtensionAnswer {
  const unknown = Object.keys(body).find((k) => !MI_SEARCH_FIELDS.includes(k));
  if (unknown) return error(400, `Unknown field ${unknown}`);
  const window = checkWindow(body.start, MI_MAX_WINDOW_MONTHS, data.now());
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
  const keyword = body.keyword;
  const matches = data.conversations.filter((c) => {
    if (!withinRetention(c.startTime, data.now())) return false;
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
    (c) => conversationRecord(c, data, content.value),
  );
}

export function miByConsumer(
  data: HistoryData,
  body: Body,
  paging: Paging,
  url: URL,
): SandboxExtensionAnswer {
  const unknown = Object.keys(body).find((k) => !['consumer', 'status', 'contentToRetrieve'].includes(k));
  if (unknown) return error(400, `Unknown field ${unknown}`);
  if (typeof body.consumer !== 'string' || body.consumer.trim() === '')
    return error(400, 'consumer is required');
  const status = statusesOf(body.status, true);
  if (!status.ok) return status.answer;
  const content = contentOf(body);
  if (!content.ok) return content.answer;
  const consumer = body.consumer;
  const matches = data.conversations.filter(
    (c) =>
      withinRetention(c.startTime, data.now()) &&
      c.consumer?.participantId === consumer &&
      (status.value ?? []).includes(c.status),
  );
  // No sort is documented for 1c: oldest first, the same order on every page.
  return page(
    ordered(matches, false, (c) => c.conversationId),
    paging,
    url,
    'conversationHistoryRecords',
    (c) => conversationRecord(c, data, content.value),
  );
}

export function miById(data: HistoryData, body: Body): SandboxExtensionAnswer {
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
  const matches = data.conversations.filter(
    (c) => withinRetention(c.startTime, data.now()) && ids.includes(c.conversationId),
  );
  return {
    status: 200,
    json: {
      _metadata: { count: matches.length },
      conversationHistoryRecords: matches.map((c) => conversationRecord(c, data, content.value)),
    },
  };
}
