import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFile } from 'node:fs/promises';
import { stepFacts, type StepFacts } from '../../src/domain/workflow-step.js';
import { receiptText, stepErrorText, stepOutputs } from '../../src/slack/blocks/workflow-step-words.js';
import { FUNCTION } from '../../src/slack/ids.js';
import { checkParameters, manifestFunctions } from '../support/fake-slack-functions.js';
import { deletionRequest, lpRecord, uuids } from './request-fixture.js';

const MANIFESTS = {
  http: new URL('../../manifest.yml', import.meta.url),
  socket: new URL('../../manifest.socket-mode.yml', import.meta.url),
};

/** The step's parameters exactly as issue 22 lists them. */
const INPUTS = {
  identifier: { type: 'string', is_required: true },
  case_ref: { type: 'string', is_required: true },
  received_on: { type: 'slack#/types/date', is_required: false },
  requester: { type: 'slack#/types/user_id', is_required: true },
};
const OUTPUT_TYPES = {
  outcome: 'string',
  request_ids: 'string',
  lp_request_ids: 'string',
  conversations: 'integer',
  held_back: 'integer',
  approver: 'slack#/types/user_id',
  receipt_text: 'string',
};

describe.each(['http', 'socket'] as const)('the %s manifest declares the Workflow Builder step', (which) => {
  it('lp_erase_person with its inputs and outputs, run by the app (function_runtime remote)', async () => {
    const manifest = parse(await readFile(MANIFESTS[which], 'utf8')) as {
      settings: { function_runtime?: string; event_subscriptions: { bot_events: string[] } };
    };
    expect(manifest.settings.function_runtime).toBe('remote');
    expect(manifest.settings.event_subscriptions.bot_events).toContain('function_executed');
    const step = (await manifestFunctions(MANIFESTS[which]))[FUNCTION.erasePerson];
    expect(step?.title).toBe('Erase a person in LivePerson');
    expect(step?.input_parameters).toMatchObject(INPUTS);
    expect(Object.keys(step?.input_parameters ?? {}).sort()).toEqual(Object.keys(INPUTS).sort());
    const outputs = Object.fromEntries(
      Object.entries(step?.output_parameters ?? {}).map(([name, p]) => [name, p.type]),
    );
    expect(outputs).toEqual(OUTPUT_TYPES);
  });
});

const filed: StepFacts = {
  outcome: 'filed',
  requestIds: ['DR-2026-11-0001', 'DR-2026-11-0002'],
  lpRequestIds: ['111', '112'],
  conversations: 4,
  heldBack: 1,
  approver: 'UAPPROVER1',
  caseRef: 'DSR-7',
  subjectRequestedOn: '2026-11-18',
  decidedOn: '2026-11-20',
};

describe('the step’s outputs and words', () => {
  it('every outcome’s outputs are what the manifest declares (names, types, required ones)', async () => {
    const step = (await manifestFunctions(MANIFESTS.http))[FUNCTION.erasePerson];
    const parameters = step?.output_parameters ?? {};
    const cases: StepFacts[] = [
      filed,
      { ...filed, outcome: 'rejected', lpRequestIds: [], conversations: 0, heldBack: 0 },
      { ...filed, outcome: 'failed', lpRequestIds: ['111'], expired: false },
      { outcome: 'nothing_found', requestIds: [], lpRequestIds: [], conversations: 0, heldBack: 0 },
    ];
    for (const facts of cases) expect(checkParameters(parameters, { ...stepOutputs(facts) })).toEqual([]);
    expect(stepOutputs(filed)).toMatchObject({ request_ids: 'DR-2026-11-0001,DR-2026-11-0002' });
  });

  it('the receipt is plain text for the data subject: no Slack markup, no LivePerson ids', () => {
    const text = receiptText(filed) ?? '';
    expect(text).toContain('of 18 November 2026');
    expect(text).toContain('within 25 days');
    expect(text).toContain('Our reference: DSR-7.');
    expect(text).not.toMatch(/[<>*`]|111|DR-/);
    expect(receiptText({ ...filed, outcome: 'rejected' })).toBeUndefined();
  });

  it('a refusal says what happened and what to do next', () => {
    expect(stepErrorText({ code: 'NAMESAKES', consumers: 2 })).toMatch(
      /2 different consumers.*nothing was filed.*\/lp-delete person/,
    );
    expect(stepErrorText({ code: 'ONLY_OPEN', open: 1 })).toMatch(
      /1 open conversation.*Run the workflow again/,
    );
  });
});

describe('stepFacts: the step completes once the decision has played out on every part', () => {
  const lead = deletionRequest({
    id: 'DR-1',
    type: 'consumer',
    ids: uuids(1),
    status: 'submitted',
    lpRecord: lpRecord({ requestId: '501' }),
    decision: { outcome: 'approved', by: 'UAPPROVER1', at: '2026-11-20T12:00:00.000Z' },
    group: { id: 'DR-1', index: 0, size: 2, members: ['DR-1', 'DR-2'], heldBack: uuids(1) },
  });
  const part = deletionRequest({
    id: 'DR-2',
    ids: uuids(3),
    status: 'submitted',
    lpRecord: lpRecord({ requestId: '502' }),
    group: { id: 'DR-1', index: 1, size: 2 },
  });

  it('all filed → filed, with both LivePerson ids and the conversations', () => {
    expect(stepFacts(lead, [part])).toMatchObject({
      outcome: 'filed',
      requestIds: ['DR-1', 'DR-2'],
      lpRequestIds: ['501', '502'],
      conversations: 3,
      heldBack: 1,
    });
  });

  it('a part still sending or of unknown outcome → not yet; a part LivePerson refused → failed', () => {
    expect(stepFacts(lead, [{ ...part, status: 'submitting' }])).toBeUndefined();
    expect(stepFacts(lead, [{ ...part, status: 'outcome_unknown' }])).toBeUndefined();
    expect(stepFacts(lead, [])).toBeUndefined();
    expect(stepFacts(lead, [{ ...part, status: 'failed', lpRecord: undefined }])).toMatchObject({
      outcome: 'failed',
      lpRequestIds: ['501'],
      conversations: 0,
    });
  });

  it('expired undecided → failed, no approver', () => {
    const expired = stepFacts({ ...lead, status: 'expired', decision: undefined }, [
      { ...part, status: 'expired' },
    ]);
    expect(expired).toMatchObject({ outcome: 'failed', expired: true });
    expect(expired?.approver).toBeUndefined();
  });
});
