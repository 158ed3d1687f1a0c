import { describe, expect, it } from 'vitest';
import { historyDetail } from '../../src/audit/history-words.js';
import { deletionRequestSchema, type HistoryEntry } from '../../src/domain/request.js';
import { deletionRequest } from '../slack/request-fixture.js';

const at = '2026-11-02T09:00:00.000Z';
const entry = (event: HistoryEntry['event'], facts: HistoryEntry['facts']): HistoryEntry => ({
  at,
  event,
  facts,
});
const counts = { total: 3, erased: 2, residual: 1, notCheckable: 0 };

describe('the audit trail: facts stored, worded when shown', () => {
  it.each<[HistoryEntry, string]>([
    [
      entry('filed', { kind: 'ids', ids: 3, type: 'conversation', duplicatesDropped: 1 }),
      '3 conversation id(s), 1 duplicate(s) dropped',
    ],
    [entry('filed', { kind: 'ids', ids: 1, type: 'consumer' }), '1 consumer id(s)'],
    [
      entry('filed', { kind: 'ids', ids: 100, type: 'engagement', part: { number: 2, of: 3 } }),
      '100 engagement id(s), part 2 of 3',
    ],
    [
      entry('verified', { kind: 'verification', trigger: 'first', outcome: 'residual', ...counts }),
      'first check after LivePerson reported done: 2 of 3 erased, 1 still readable, 0 not checkable',
    ],
    [
      entry('verified', { kind: 'verification', trigger: 'second', outcome: 'verified', ...counts }),
      'second check, 2 days later: 2 of 3 erased, 1 still readable, 0 not checkable',
    ],
    [
      entry('verified', {
        kind: 'verification',
        trigger: 'retry',
        outcome: 'not_verified',
        ...counts,
        code: 'HISTORY_UNAVAILABLE',
      }),
      'check repeated after a failed read: not yet verified (read failed: HISTORY_UNAVAILABLE)',
    ],
    [
      entry('verified', { kind: 'verification', trigger: 'on_demand', outcome: 'not_verified', ...counts }),
      'checked on request: not yet verified (read failed)',
    ],
    [entry('submitted', { kind: 'lp_request', requestId: '987654' }), 'LivePerson request 987654'],
    [
      entry('submitted', { kind: 'lp_request', requestId: '987654', afterInterruption: true }),
      'LivePerson request 987654, found after an interruption',
    ],
    [entry('cancelled', { kind: 'lp_reported' }), 'reported cancelled by LivePerson'],
    [entry('completed', { kind: 'lp_reported' }), 'LivePerson reported the deletion done'],
    [entry('approved', { kind: 'with_lead', requestId: 'DR-AAAAAA' }), 'with DR-AAAAAA'],
    [entry('note', { kind: 'filed_again_as', requestId: 'DR-BBBBBB' }), 'filed again as DR-BBBBBB'],
  ])('%j reads %j', (e, words) => {
    expect(historyDetail(e)).toBe(words);
  });

  it('an entry an earlier version wrote in words, or a code, is read and shown as it is', () => {
    const old = deletionRequest({
      history: [
        { at, event: 'filed', by: 'U0REQUEST', detail: '2 conversation id(s), 1 duplicate(s) dropped' },
        { at, event: 'approval_refused', by: 'U0REQUEST', detail: 'SELF_APPROVAL' },
        { at, event: 'approved', by: 'U0APPROVER' },
      ],
    });
    const read = deletionRequestSchema.parse(JSON.parse(JSON.stringify(old)));
    expect(read.history.map(historyDetail)).toEqual([
      '2 conversation id(s), 1 duplicate(s) dropped',
      'SELF_APPROVAL',
      undefined,
    ]);
  });
});
