import { describe, expect, it } from 'vitest';
import {
  requestNoticeSchema,
  submissionFailureSchema,
  type RequestNotice,
} from '../../src/domain/notices.js';
import { describeForPeople, failureFacts } from '../../src/liveperson/describe-for-people.js';
import { httpError, outcomeUnknown } from '../../src/liveperson/liveperson-error.js';
import {
  explainFailure,
  failurePostWords,
  requesterOutcomeWords,
} from '../../src/slack/blocks/failure-words.js';

/** Facts as a notice stores them, read back through the schema as a store does. */
const stored = (facts: unknown) => submissionFailureSchema.parse(JSON.parse(JSON.stringify(facts)));

/** A notice read back through the schema as a store does (JSON in, the same kind out). */
function readBack<K extends RequestNotice['kind']>(
  notice: { kind: K } & Record<string, unknown>,
): Extract<RequestNotice, { kind: K }> {
  const parsed = requestNoticeSchema.parse(JSON.parse(JSON.stringify(notice)));
  expect(parsed.kind).toBe(notice.kind);
  return parsed as Extract<RequestNotice, { kind: K }>;
}

describe('explainFailure: the words for a submission failure, from its facts', () => {
  it('UNEXPECTED: it may exist at LivePerson; check the list before filing again', () => {
    expect(explainFailure(stored({ code: 'UNEXPECTED' }))).toEqual({
      what: 'lp-delete hit an unexpected error while sending the request; it may or may not exist at LivePerson.',
      next: 'Check LivePerson’s list of deletion requests (`npm run lp -- list`) before filing it again, and tell the lp-delete maintainers.',
    });
  });

  it('INTERRUPTED: never advises filing again before a person has compared LivePerson’s list (issue 25)', () => {
    const what =
      'lp-delete stopped while this request was being sent to LivePerson, so it may or may not exist there.';
    const dont = 'Do not file it again until someone has done that: filing it twice files a second deletion.';
    const check = {
      from: '2026-12-06T10:14:58.000Z',
      to: '2026-12-06T10:16:02.000Z',
      requestedBy: 'lp-delete-key',
      unexplained: 0,
    };
    expect(explainFailure(stored({ code: 'INTERRUPTED', candidates: [], check }))).toEqual({
      what,
      next:
        'lp-delete found no request in LivePerson’s list it can prove is this one; LivePerson may still hold it. ' +
        'In `npm run lp -- list --from 2026-12-06 --to 2026-12-06`, compare the requests with request_time between ' +
        '2026-12-06 10:14:58 and 2026-12-06 10:16:02 UTC (LivePerson’s own clock) and requested_by lp-delete-key: ' +
        `0 such requests are held by no lp-delete request. ${dont}`,
    });
    const two = explainFailure(
      stored({
        code: 'INTERRUPTED',
        candidates: ['lp-a', 'lp-b'],
        check: { ...check, requestedBy: null, unexplained: 2 },
      }),
    );
    expect(two.next).toContain(
      'LivePerson has 2 requests from around that time that no lp-delete request holds (lp-a, lp-b)',
    );
    expect(two.next).toContain('(any requested_by: lp-delete has not yet seen its own): 2 such requests are');
    expect(two.next).toContain(dont);
    const unreachable = explainFailure(stored({ code: 'INTERRUPTED', candidates: null }));
    expect(unreachable.next).toContain('could not reach LivePerson to check');
    expect(unreachable.next).toContain(dont);
    // Notices saved before checks existed are worded too, never with "file it again" first.
    for (const candidates of [[], ['lp-a']]) {
      const old = explainFailure(stored({ code: 'INTERRUPTED', candidates }));
      expect(old.next).toContain(dont);
      expect(old.next).not.toMatch(/shows no request from that time/);
    }
  });

  it('a LivePerson failure: the words describeForPeople gives the error, detail included', () => {
    for (const err of [
      httpError('create', 400, 'bad id'),
      httpError('create', 429),
      outcomeUnknown('create', 502, 'answered 502'),
    ]) {
      expect(explainFailure(stored(failureFacts(err)))).toEqual(describeForPeople(err));
    }
    expect(explainFailure(stored(failureFacts(httpError('create', 400, 'bad id')))).what).toBe(
      'LivePerson refused the request as invalid (“bad id”).',
    );
  });

  it('stores no words: a failure fact that carries a sentence is not one', () => {
    expect(submissionFailureSchema.safeParse({ code: 'Something broke' }).success).toBe(false);
    expect(submissionFailureSchema.safeParse({ code: 'INTERRUPTED' }).success).toBe(false);
  });
});

describe('notices: the words from facts, or as an earlier version stored them', () => {
  const words = { what: 'LivePerson said no <b>.', next: 'Try again `later`.' };

  it('a failure post saved with its words (before facts) is rendered as stored', () => {
    const old = readBack({ kind: 'failure_post', ...words });
    expect(old).toEqual({ kind: 'failure_post', ...words });
    expect(failurePostWords(old)).toEqual(words);
  });

  it('a requester DM saved with its words keeps them; one without words adds none', () => {
    const old = readBack({ kind: 'requester_outcome', ...words });
    expect(requesterOutcomeWords(old)).toEqual(words);
    const noNext = readBack({ kind: 'requester_outcome', what: 'Only what.' });
    expect(requesterOutcomeWords(noNext)).toEqual({ what: 'Only what.', next: '' });
    expect(requesterOutcomeWords(readBack({ kind: 'requester_outcome' }))).toBeUndefined();
  });

  it('a notice with facts is worded now', () => {
    const facts = { code: 'INTERRUPTED', candidates: null };
    const post = readBack({ kind: 'failure_post', failure: facts });
    const dm = readBack({ kind: 'requester_outcome', failure: facts });
    expect(failurePostWords(post)).toEqual(explainFailure(stored(facts)));
    expect(requesterOutcomeWords(dm)).toEqual(explainFailure(stored(facts)));
  });
});
