import { describe, expect, it } from 'vitest';
import { canFileContent } from '../../src/domain/filing-rules.js';
import { subjectDateProblem } from '../../src/domain/gdpr.js';

const ctx = { today: '2026-12-01', accountId: '12345678', legacyTicketing: false };
const uuid = '3f2b9c1e-8a4d-4e6f-9b2a-1c3d5e7f9a0b';

describe('subjectDateProblem', () => {
  it('a real day up to today is fine; tomorrow, 30 February and free text are not', () => {
    expect(subjectDateProblem('2026-12-01', '2026-12-01')).toBeUndefined();
    expect(subjectDateProblem('2024-02-29', '2026-12-01')).toBeUndefined();
    expect(subjectDateProblem('2026-12-02', '2026-12-01')).toBe('in_the_future');
    expect(subjectDateProblem('2026-02-30', '2026-12-01')).toBe('not_a_date');
    expect(subjectDateProblem('yesterday', '2026-12-01')).toBe('not_a_date');
  });
});

describe('canFileContent', () => {
  const content = { reason: 'DSR-1', requests: [{ type: 'conversation' as const, ids: [uuid] }] };

  it('allows a reason, no date or a past one, and valid ids in every request', () => {
    expect(canFileContent(content, ctx)).toEqual({ ok: true });
    expect(canFileContent({ ...content, subjectRequestedOn: '2026-11-30' }, ctx)).toEqual({ ok: true });
  });

  it('refuses in the form’s order: reason, date, then the first request with bad ids', () => {
    expect(canFileContent({ ...content, reason: ' ', subjectRequestedOn: 'x' }, ctx)).toEqual({
      ok: false,
      code: 'NO_REASON',
    });
    expect(canFileContent({ ...content, subjectRequestedOn: '2027-01-01' }, ctx)).toEqual({
      ok: false,
      code: 'SUBJECT_DATE',
      problem: 'in_the_future',
    });
    const bad = canFileContent(
      { reason: 'DSR-1', requests: [...content.requests, { type: 'engagement', ids: ['99'] }] },
      ctx,
    );
    expect(bad).toMatchObject({
      ok: false,
      code: 'INVALID_IDS',
      errors: [{ field: 'ids', code: 'invalid_ids', type: 'engagement', invalid: ['99'] }],
    });
  });

  it('one LivePerson request takes at most 100 ids; ticket deletions need the legacy system', () => {
    const many = Array.from(
      { length: 101 },
      (_, i) => `3f2b9c1e-8a4d-4e6f-9b2a-${String(i).padStart(12, '0')}`,
    );
    expect(
      canFileContent({ reason: 'DSR-1', requests: [{ type: 'conversation', ids: many }] }, ctx),
    ).toMatchObject({
      code: 'INVALID_IDS',
      errors: [{ code: 'too_many_ids', count: 101, max: 100 }],
    });
    const ticket = { reason: 'DSR-1', requests: [{ type: 'ticketing' as const, ids: ['ABC123'] }] };
    expect(canFileContent(ticket, ctx)).toMatchObject({
      code: 'INVALID_IDS',
      errors: [{ code: 'ticketing_disabled' }],
    });
    expect(canFileContent(ticket, { ...ctx, legacyTicketing: true })).toEqual({ ok: true });
  });
});
