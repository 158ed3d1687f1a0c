import { describe, expect, it } from 'vitest';
import { buildApprovalMessage } from '../../src/slack/blocks/approval-message.js';
import { buildHomeView, quotaBar } from '../../src/slack/blocks/home-view.js';
import {
  lpStatusInWords,
  quotaAlertMessage,
  quotaReportText,
  reminderMessage,
  statusText,
} from '../../src/slack/blocks/lifecycle-messages.js';
import { buildRecordMessage } from '../../src/slack/blocks/record-message.js';
import { buildRequestModal } from '../../src/slack/blocks/request-modal.js';
import { ACTION } from '../../src/slack/ids.js';
import { describeForPeople } from '../../src/liveperson/describe-for-people.js';
import { LivePersonError } from '../../src/liveperson/liveperson-error.js';
import type { QuotaReport } from '../../src/service/quota-service.js';
import { checkBlockKit } from '../support/block-kit.js';
import { decided, deletionRequest, uuids } from './request-fixture.js';

const quota: QuotaReport = {
  month: '2024-03',
  used: 85,
  limit: 100,
  remaining: 15,
  spent: false,
  pendingApprovals: 20,
  resetsAt: new Date('2024-04-01T00:00:00Z'),
  sources: { counted: 80, livePerson: { total: 83, external: 5, syncedAt: '2024-03-02T00:00:00Z' } },
};

describe('record message buttons', () => {
  const submitted = decided('submitted', { ids: uuids(100) });
  it('offers Cancel deletion with a confirm dialog only inside the window; Refresh always', () => {
    const inside = buildRecordMessage(submitted, { now: new Date('2024-03-02T00:00:00Z') });
    const text = JSON.stringify(inside.blocks);
    expect(text).toContain(ACTION.cancelDeletion);
    expect(text).toContain(ACTION.refreshStatus);
    expect(text).toContain('"confirm"');
    expect(checkBlockKit('message', inside)).toEqual([]);

    const after = buildRecordMessage(submitted, { now: new Date('2024-03-06T10:00:00Z') });
    expect(JSON.stringify(after.blocks)).not.toContain(ACTION.cancelDeletion);
    expect(JSON.stringify(after.blocks)).toContain(ACTION.refreshStatus);
    // Without a clock (old callers) there are no buttons at all.
    expect(JSON.stringify(buildRecordMessage(submitted).blocks)).not.toContain(ACTION.refreshStatus);
  });

  it('shows no Cancel once cancelled, and says so', () => {
    const cancelled = decided('cancelled', {
      cancellation: { by: 'U0REQUEST', at: '2024-03-01T11:00:00Z', state: 'done' },
    });
    const message = buildRecordMessage(cancelled, { now: new Date('2024-03-01T12:00:00Z') });
    expect(JSON.stringify(message.blocks)).not.toContain(ACTION.cancelDeletion);
    expect(JSON.stringify(message.blocks)).toContain('was cancelled at LivePerson');
  });
});

describe('status text', () => {
  it('puts LivePerson’s statuses in words and shows unknown ones as they came, inert', () => {
    expect(lpStatusInWords('NOT_STARTED')).toMatch(/not started/);
    expect(lpStatusInWords('DONE')).toMatch(/done/);
    expect(lpStatusInWords('APPROVED')).toContain('`APPROVED`');
    expect(lpStatusInWords('<!channel>')).not.toContain('<!channel>');
    expect(lpStatusInWords(null)).toMatch(/not reported/);
  });

  it('lists the timeline', () => {
    const request = decided('submitted', { subjectRequestedOn: '2024-02-20' });
    const text = statusText(
      { request, lp: request.lpRecord },
      new Date('2024-03-02T00:00:00Z'),
      '2024-03-02',
    );
    for (const step of [
      'Filed',
      'Approved',
      'Submitted to LivePerson',
      'Cancellable until',
      'Deletion guaranteed by',
    ])
      expect(text).toContain(step);
    expect(text).toContain('GDPR deadline 20 March 2024');
  });

  it('says why LivePerson could not be asked, from the error the service passes on', () => {
    const request = decided('submitted');
    const down = new LivePersonError('LP_SERVER_ERROR', 'HTTP 503', { retryable: true, httpStatus: 503 });
    const text = statusText(
      { request, lp: request.lpRecord, lpError: down },
      new Date('2024-03-02T00:00:00Z'),
      '2024-03-02',
    );
    expect(text).toContain(`LivePerson status: _unknown right now_ (${describeForPeople(down).what})`);
    // Anything else thrown is still described, never shown raw.
    const odd = statusText(
      { request, lpError: 'boom <!channel>' },
      new Date('2024-03-02T00:00:00Z'),
      '2024-03-02',
    );
    expect(odd).toContain(
      '_unknown right now_ (Something unexpected went wrong while talking to LivePerson.)',
    );
    expect(odd).not.toContain('<!channel>');
  });
});

describe('reminder, alerts, quota report', () => {
  it('the reminder warns about a passed GDPR deadline and fits Slack', () => {
    const request = deletionRequest({ subjectRequestedOn: '2024-01-31' });
    const message = reminderMessage(request, new Date('2024-03-08T09:30:00Z'), '2024-03-01');
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('GDPR deadline 29 February 2024');
    expect(text).toMatch(/passed 1 day ago/);
    expect(checkBlockKit('message', message)).toEqual([]);
  });

  it('the quota report says where each number comes from and weighs pending approvals against what is left', () => {
    const text = quotaReportText(quota);
    expect(text).toContain('85 of 100 used, 15 left');
    expect(text).toContain('lp-delete counted 80 requests');
    expect(text).toContain('LivePerson listed 83 requests for the month (5 made outside lp-delete)');
    expect(text).toMatch(/20 requests wait for approval: \*more than the 15 left\*/);
    expect(checkBlockKit('message', quotaAlertMessage(80, quota))).toEqual([]);
    expect(quotaAlertMessage(100, { ...quota, used: 100, remaining: 0, spent: true }).text).toMatch(
      /used up/,
    );
  });
});

describe('request modal and approval message (GDPR date)', () => {
  it('the modal has a datepicker starting on today and stays valid', () => {
    const view = buildRequestModal({ legacyTicketing: false, today: '2024-03-01' });
    expect(JSON.stringify(view)).toContain('"initial_date":"2024-03-01"');
    expect(checkBlockKit('modal', view)).toEqual([]);
  });

  it('the approval message of a 100-id request shows the deadline and still fits', () => {
    const request = deletionRequest({ ids: uuids(100), subjectRequestedOn: '2024-01-31' });
    const message = buildApprovalMessage(request, { quotaLeftAfter: 3, limit: 100, today: '2024-02-26' });
    expect(JSON.stringify(message.blocks)).toContain(':warning: GDPR deadline 29 February 2024');
    expect(checkBlockKit('message', message)).toEqual([]);
  });
});

describe('App Home', () => {
  it('a quota bar fills in proportion and never looks empty once used', () => {
    expect(quotaBar(0, 100)).toContain('░'.repeat(20));
    expect(quotaBar(1, 100)).toContain('▓');
    expect(quotaBar(50, 100)).toContain('▓'.repeat(10) + '░'.repeat(10));
    expect(quotaBar(150, 100)).toContain('100%');
  });

  it('stays within Slack’s 100-block limit with hundreds of requests, and says how many are not shown', () => {
    const many = Array.from({ length: 300 }, (_, i) =>
      deletionRequest({
        id: `DR-${String(i).padStart(6, '0')}`,
        ids: uuids(100),
        reason: 'x'.repeat(500),
        subjectRequestedOn: '2024-02-01',
      }),
    );
    const view = buildHomeView({
      quota,
      pending: many.map((request) => ({ request, link: 'https://example.slack.com/archives/C1/p1' })),
      mine: many,
      everyone: many,
      today: '2024-03-01',
    });
    expect(checkBlockKit('home', view)).toEqual([]);
    const text = JSON.stringify(view);
    expect(text).toContain('Waiting for approval (300)');
    expect(text).toMatch(/and 285 more/);
    // The reason and the deletion ids never appear on the Home tab.
    expect(text).not.toContain('x'.repeat(50));
    expect(text).not.toContain(uuids(1)[0]);
  });
});
