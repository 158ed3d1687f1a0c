import { describe, expect, it } from 'vitest';
import { filedNotice, helpText, requesterOutcomeText } from '../../src/slack/blocks/direct-messages.js';
import { COMMAND } from '../../src/slack/ids.js';
import { checkBlockKit } from '../support/block-kit.js';
import { decided, deletionRequest, uuids } from './request-fixture.js';

describe('filedNotice', () => {
  it('says it was sent for approval and links the approval message', () => {
    const notice = filedNotice(
      deletionRequest({ ids: uuids(100) }),
      'https://ws.slack.com/archives/C0PRIVACY/p1700000000000100',
    );
    expect(checkBlockKit('message', notice)).toEqual([]);
    expect(notice.text).toContain('DR-7K3QX9');
    expect(notice.text).toContain('sent for approval');
    expect(notice.text).toContain(
      '<https://ws.slack.com/archives/C0PRIVACY/p1700000000000100|See the approval message>',
    );
  });

  it('leaves out a missing or suspicious link', () => {
    expect(filedNotice(deletionRequest()).text).not.toContain('<http');
    expect(filedNotice(deletionRequest(), 'https://x|<!channel>').text).not.toContain('<!channel>');
    expect(filedNotice(deletionRequest(), 'javascript:alert(1)').text).not.toContain('javascript');
  });
});

describe('requesterOutcomeText', () => {
  it('gives the LivePerson request id and the cancel-until date once submitted', () => {
    const text = requesterOutcomeText(decided('submitted'));
    expect(text).toContain('approved by <@U0APPROVER>');
    expect(text).toContain('as request *987654*');
    // 2024-03-01T10:00Z + 5 days.
    expect(text).toContain(`cancelled until <!date^${Date.parse('2024-03-06T10:00:00Z') / 1000}^`);
  });

  it('says who rejected it and why, escaped', () => {
    const text = requesterOutcomeText(
      decided('rejected', {
        decision: {
          outcome: 'rejected',
          by: 'U0APPROVER',
          at: '2024-03-01T09:45:00Z',
          reason: 'Wrong <!here>',
        },
      }),
    );
    expect(text).toContain('rejected by <@U0APPROVER>: Wrong &lt;!here&gt;');
    expect(text).toContain('Nothing was sent to LivePerson');
  });

  it('says what to do after a failure or an unknown outcome, worded from the failure’s facts', () => {
    const failure = { code: 'LP_FORBIDDEN', httpStatus: 403 };
    const failed = requesterOutcomeText(decided('failed', { failure }), {
      what: 'Not allowed <x>.',
      next: 'Ask.',
    });
    expect(failed).toContain('did not accept it (Not allowed &lt;x&gt;.)');
    expect(failed).toContain('Nothing was deleted');
    expect(requesterOutcomeText(decided('failed', { failure }))).toContain('did not accept it. Nothing');
    expect(requesterOutcomeText(decided('outcome_unknown'))).toContain('Do not file it again yet');
  });

  it('a request failed by an earlier version shows the words it stored', () => {
    const failed = requesterOutcomeText(
      decided('failed', { failure: { code: 'LP_403', message: 'Not allowed <x>' } }),
    );
    expect(failed).toContain('did not accept it (Not allowed &lt;x&gt;)');
  });

  it('has a sentence for every status', () => {
    for (const status of ['pending_approval', 'submitting', 'cancelled', 'expired'] as const) {
      const text = requesterOutcomeText(
        status === 'pending_approval' || status === 'expired' ? deletionRequest({ status }) : decided(status),
      );
      expect(text).toContain('DR-7K3QX9');
    }
  });
});

describe('requesterOutcomeText with words', () => {
  it('adds what happened and what to do, escaped, after the outcome', () => {
    const request = decided('failed', { failure: { code: 'LP_QUOTA_REACHED', httpStatus: 429 } });
    const text = requesterOutcomeText(request, { what: 'Full <now>.', next: 'Wait & see.' });
    expect(text).toBe(
      'Your deletion request *DR-7K3QX9* (Messaging conversation · 3 ids) was approved by <@U0APPROVER>, but ' +
        'LivePerson did not accept it (Full &lt;now&gt;.). Nothing was deleted.\n' +
        'See the thread under the approval message for what to do; once the cause is fixed, file it again.\n' +
        'Full &lt;now&gt;. Wait &amp; see.',
    );
  });

  it('is the outcome alone without words', () => {
    const request = decided('submitted');
    expect(requesterOutcomeText(request, { what: '', next: 'x' })).toBe(requesterOutcomeText(request));
  });
});

describe('helpText', () => {
  it('lists every form of the command and every type word', () => {
    const text = helpText();
    expect(text).toContain(`\`${COMMAND}\` opens the form`);
    expect(text).toContain(`\`${COMMAND} <type> <ids…>\``);
    expect(text).toContain(`\`${COMMAND} quota\``);
    expect(text).toContain(`\`${COMMAND} help\``);
    for (const word of ['conversation', 'engagement', 'consumer', 'ticket'])
      expect(text).toContain(`\`${word}\``);
  });
});
