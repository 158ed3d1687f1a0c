import type { SandboxExtensionAnswer } from '../rtbf/types.js';
import { error, ordered, page, type Body, type HistoryData } from './history-answers.js';
import { chatRecord } from './history-records.js';
import {
  checkWindow,
  EH_MAX_WINDOW_MONTHS,
  keywordMatches,
  withinRetention,
  type Paging,
} from './history-rules.js';

/** Engagement History (`engHistDomain`): search ended chats. */

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
export function ehSearch(data: HistoryData, body: Body, paging: Paging, url: URL): SandboxExtensionAnswer {
  const unknown = Object.keys(body).find((k) => !EH_FIELDS.includes(k));
  if (unknown) return error(400, `Unknown field ${unknown}`);
  // The `start` row: required, at most a month, and "the limitation applies when searching by specific
  // visitor ID, engagement ID"; the `visitor` row says time limits are ignored. Hardest reading: the
  // window is required, checked and applied to every search, so a visitor's chats outside it are not
  // returned.
  const window = checkWindow(body.start, EH_MAX_WINDOW_MONTHS, data.now());
  if (!window.ok) return error(400, window.message);
  const { keyword, visitor, engagementId } = body;
  if (keyword !== undefined && (typeof keyword !== 'string' || keyword.trim() === '')) {
    return error(400, 'keyword must be a non-empty string');
  }
  // "Required" in the table, though two of the page's examples leave it out: required here.
  const area: unknown = body.keyword_search_area;
  if (area === undefined) return error(400, 'keyword_search_area is required');
  const types = typeof area === 'object' && area !== null ? (area as { types?: unknown }).types : undefined;
  if (
    !Array.isArray(types) ||
    types.length === 0 ||
    !types.every((t): t is string => typeof t === 'string' && EH_AREAS.includes(t))
  ) {
    return error(400, 'keyword_search_area.types holds an unknown value');
  }
  const areas: readonly string[] = types;
  if (visitor !== undefined && typeof visitor !== 'string') return error(400, 'visitor must be a string');
  if (engagementId !== undefined && typeof engagementId !== 'string')
    return error(400, 'engagementId must be a string');
  const matches = data.chats.filter((c) => {
    if (!c.ended || !withinRetention(c.startTime, data.now())) return false;
    if (c.startTime < window.value.from || c.startTime > window.value.to) return false;
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
    (c) => chatRecord(c, data.accountId, data.options),
  );
}
