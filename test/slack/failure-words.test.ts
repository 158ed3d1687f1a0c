import { describe, expect, it } from 'vitest';
import {
  requestNoticeSchema,
  submissionFailureSchema,
  type RequestNotice,
} from '../../src/domain/notices.js';
import { describeForPeople, failureFacts, httpError, outcomeUnknown } from '../../src/liveperson/errors.js';
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

  it('INTERRUPTED: what to check depends on what LivePerson’s list showed', () => {
    const what =
      'lp-delete stopped while this request was being sent to LivePerson, so it may or may not exist there.';
    expect(explainFailure(stored({ code: 'INTERRUPTED', candidates: [] }))).toEqual({
      what,
      next: 'LivePerson’s list shows no request from that time, but check it (`npm run lp -- list`) before filing it again; do not file it twice.',
    });
    expect(explainFailure(stored({ code: 'INTERRUPTED', candidates: ['lp-a', 'lp-b'] }))).toEqual({
      what,
      next: 'LivePerson has 2 requests from around that time (lp-a, lp-b); check which one is this before filing it again.',
    });
    expect(explainFailure(stored({ code: 'INTERRUPTED', candidates: null }))).toEqual({
      what,
      next: 'lp-delete could not reach LivePerson to check; it will look again later. Check LivePerson’s list of deletion requests (`npm run lp -- list`) before filing it again; do not file it twice.',
    });
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
