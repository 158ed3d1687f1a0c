import { describe, expect, it } from 'vitest';
import {
  completedMessage,
  completedRequesterMessage,
  dataSubjectConfirmation,
  overdueMessage,
} from '../../src/slack/blocks/follow-up-messages.js';
import { buildRecordMessage } from '../../src/slack/blocks/record-message.js';
import { requestLine } from '../../src/slack/blocks/home-view.js';
import { checkBlockKit } from '../support/block-kit.js';
import { decided, lpRecord, uuids } from './request-fixture.js';

const done = decided('submitted', {
  ids: uuids(100),
  reason: 'DSR-SECRET-REASON <!channel>',
  subjectRequestedOn: '2024-02-20',
  completedAt: '2024-03-20T08:00:00.000Z',
  lpRecord: lpRecord({ status: 'DONE' }),
});

describe('follow-up messages', () => {
  it('the thread reply: LivePerson finished, with the date, within Slack’s limits for 100 ids', () => {
    const message = completedMessage(done, { completedOn: '2024-03-20', beforeDeadline: true });
    expect(checkBlockKit('message', message)).toEqual([]);
    const json = JSON.stringify(message);
    expect(json).toContain('LivePerson finished deleting *DR-7K3QX9* (LivePerson request 987654)');
    expect(json).toContain('<!date^1710921600^');
    expect(json).toContain('within the GDPR deadline');
    expect(message.text).toBe('LivePerson finished deleting DR-7K3QX9 (20 March 2024)');
    const late = JSON.stringify(completedMessage(done, { completedOn: '2024-03-21', beforeDeadline: false }));
    expect(late).toContain('*after* the GDPR deadline');
  });

  it('the requester’s DM carries a plain confirmation for the data subject: no ids, reason, names or markup', () => {
    const completion = { completedOn: '2024-03-20', beforeDeadline: true };
    const message = completedRequesterMessage(done, completion);
    expect(checkBlockKit('message', message)).toEqual([]);
    const confirmation = dataSubjectConfirmation(done, completion);
    expect(confirmation).toContain('completed on 20 March 2024');
    expect(confirmation).toContain('your request of 20 February 2024');
    expect(confirmation).toContain('Our reference: DR-7K3QX9.');
    for (const secret of [uuids(1)[0]!, 'DSR-SECRET', '987654', 'U0REQUEST', '<', '*', '<!date']) {
      expect(confirmation).not.toContain(secret);
    }
    expect(JSON.stringify(message.blocks)).toContain(confirmation);
  });

  it('the 30-day flag in the thread and on the Home tab', () => {
    const late = decided('submitted', {
      overdueFlaggedAt: '2024-04-01T00:00:00.000Z',
      lpRecord: lpRecord({ status: 'IN_PROGRESS' }),
    });
    const message = overdueMessage(late);
    expect(checkBlockKit('message', message)).toEqual([]);
    expect(JSON.stringify(message)).toContain('still not done at LivePerson 30 days after submission');
    expect(requestLine(late, '2024-04-01')).toContain('not done at LivePerson 30 days after submission');
    // Once LivePerson is done the flag goes from the Home tab.
    expect(requestLine({ ...late, lpRecord: lpRecord({ status: 'DONE' }) }, '2024-04-01')).not.toContain(
      '30 days',
    );
  });

  it('the record re-rendered once done says so', () => {
    const record = buildRecordMessage(done, { now: new Date('2024-03-20T09:00:00Z') });
    expect(checkBlockKit('message', record)).toEqual([]);
    expect(JSON.stringify(record.blocks)).toContain('LivePerson finished deleting DR-7K3QX9');
  });
});
