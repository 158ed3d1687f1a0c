import { describe, expect, it } from 'vitest';
import { buildFailureMessage, explainFailure } from '../../src/slack/blocks/failure-words.js';
import { checkBlockKit } from '../support/block-kit.js';
import { decided } from './request-fixture.js';

const explanation = {
  what: 'LivePerson refused the request as malformed (HTTP 400). One of the ids is probably not a conversation id.',
  next: 'Check the ids, then file the request again with /lp-delete.',
};

describe('buildFailureMessage', () => {
  it('says a failed submission deleted nothing, what happened and what to do', () => {
    const request = decided('failed', {
      failure: { code: 'LP_BAD_REQUEST', message: 'Bad request', httpStatus: 400 },
    });
    const message = buildFailureMessage(request, explanation);
    expect(checkBlockKit('message', message)).toEqual([]);
    const json = JSON.stringify(message.blocks);
    expect(json).toContain('did not accept deletion request DR-7K3QX9');
    expect(json).toContain('Nothing was deleted');
    expect(json).toContain('*What happened*');
    expect(json).toContain('*What to do next*');
    expect(json).toContain('`LP_BAD_REQUEST`, HTTP 400');
    expect(message.text).toBe('Deletion request DR-7K3QX9: submission failed');
  });

  it('says an unknown outcome is unknown', () => {
    const message = buildFailureMessage(decided('outcome_unknown'), explanation);
    expect(JSON.stringify(message.blocks)).toContain('We do not know whether LivePerson received');
    expect(message.text).toBe('Deletion request DR-7K3QX9: outcome unknown');
  });

  it('escapes the explanation and keeps it within a section even when huge', () => {
    const message = buildFailureMessage(decided('failed'), {
      what: '<!channel> '.repeat(1000),
      next: '&'.repeat(5000),
    });
    expect(checkBlockKit('message', message)).toEqual([]);
    expect(JSON.stringify(message.blocks)).not.toContain('<!channel>');
  });

  it('words the stored facts: an interruption with several candidates names them', () => {
    const request = decided('outcome_unknown', { failure: { code: 'INTERRUPTED' } });
    const message = buildFailureMessage(
      request,
      explainFailure({ code: 'INTERRUPTED', candidates: ['lp-a', 'lp-b'] }),
    );
    expect(checkBlockKit('message', message)).toEqual([]);
    const json = JSON.stringify(message.blocks);
    expect(json).toContain('lp-delete stopped while this request was being sent to LivePerson');
    expect(json).toContain(
      'LivePerson has 2 requests from around that time that no lp-delete request holds (lp-a, lp-b)',
    );
    expect(json).toContain('`INTERRUPTED`');
  });

  it('words a LivePerson failure from its facts, LivePerson’s detail escaped', () => {
    const request = decided('failed', { failure: { code: 'LP_BAD_REQUEST', httpStatus: 400 } });
    const message = buildFailureMessage(
      request,
      explainFailure({ code: 'LP_BAD_REQUEST', httpStatus: 400, operation: 'create', detail: 'id <x>' }),
    );
    const json = JSON.stringify(message.blocks);
    expect(json).toContain('LivePerson refused the request as invalid (“id &lt;x&gt;”).');
    expect(json).toContain('Check the ids and the deletion type');
  });
});
