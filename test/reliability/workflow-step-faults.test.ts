/**
 * The Workflow Builder step under faults, with the app as a real process (killed and started again):
 * the step is completed exactly once, and the erasure filed once, whatever happens between the approval
 * and the completion. Each case records a row of docs/reliability.md.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION, FUNCTION } from '../../src/slack/ids.js';
import { openFileStore } from '../../src/store/lowdb/file-store.js';
import { PERSON, seedPerson } from '../liveperson/history/fixtures.js';
import { ChildApp } from '../support/child-app.js';
import { manifestFunctions } from '../support/fake-slack-functions.js';
import { APPROVER, Harness, REQUESTER, approveButtonValue } from '../support/harness.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.js';
import { record, writeRowsOnExit } from './rows.js';

writeRowsOnExit(afterAll, 'The Workflow Builder step under faults');

describe('the Workflow Builder step, app killed between the approval and the completion', () => {
  let h: Harness;
  const children: ChildApp[] = [];
  beforeEach(async () => {
    h = await Harness.start({ history: {} });
    seedPerson(h.history!, 2);
    h.slack.functions.define(await manifestFunctions(new URL('../../manifest.yml', import.meta.url)));
    await h.stopApp();
    h.external = true;
  });
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await h.close();
  });

  async function startChild(extra: Record<string, string> = {}): Promise<ChildApp> {
    const child = await ChildApp.start({ ...h.appEnv(), ...extra });
    children.push(child);
    h.appUrl = child.url;
    return child;
  }

  /** The step run, its plan posted for approval and the requester told (so the message is stored). */
  async function runStepToApproval() {
    const { event, executionId } = h.slack.functions.execute(FUNCTION.erasePerson, {
      identifier: PERSON.email,
      case_ref: 'DSR-KILL',
      requester: REQUESTER,
    });
    expect(await h.event(event)).toBe(200);
    const message = await h.slack.waitFor(() => h.approvalMessages()[0], 20_000);
    await h.slack.waitFor(() => h.dmsTo(REQUESTER).length > 0, 10_000);
    return { executionId, requestId: approveButtonValue(message.blocks), ts: message.ts };
  }

  async function stored(requestId: string) {
    const reader = await openFileStore(h.appEnv().DATA_DIR ?? '', { readOnly: true });
    try {
      return await reader.get(requestId);
    } finally {
      await reader.close();
    }
  }

  it('SIGKILL while Slack’s answer to the completion is on its way: the restart completes nothing twice', async () => {
    const first = await startChild();
    const { executionId, requestId, ts } = await runStepToApproval();
    // Slack takes the completion, but its answer never reaches the app, which is killed meanwhile.
    h.slack.loseNextAnswer('functions.completeSuccess');
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => h.slack.functions.completionsOf(executionId).length === 1, 20_000);
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = await startChild();
    // Its start-up sweep calls again; Slack answers execution_not_in_running_state: done.
    await h.slack.waitFor(() => h.slack.callsTo('functions.completeSuccess').length === 2, 20_000);
    await h.slack.waitFor(
      () => second.lines.some((l) => l.includes('"event":"workflow_step_completed"')),
      10_000,
    );
    second.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    const lead = await stored(requestId);
    const completions = h.slack.functions.completionsOf(executionId);
    expect(lead?.workflowStep?.completedAt).toBeDefined();
    expect(completions).toHaveLength(1);
    expect(completions[0]?.outputs).toMatchObject({ outcome: 'filed', approver: APPROVER });
    record({
      fault: 'SIGKILL while Slack’s answer to functions.completeSuccess is lost on its way back',
      expected: 'restart calls again; execution_not_in_running_state counts as done; one completion',
      observed: `completions taken by Slack: ${completions.length}; calls: ${h.slack.callsTo('functions.completeSuccess').length}; step stored completed: ${lead?.workflowStep?.completedAt ? 'yes' : 'no'}; LivePerson creates: ${h.lp.requests.length}`,
      lost: lead?.workflowStep?.completedAt ? 0 : 1,
      duplicates: completions.length - 1 + Math.max(0, h.lp.requests.length - 2),
    });
  }, 90_000);

  it('Slack down at the completion, then the app restarted: the new process completes the step once', async () => {
    const first = await startChild();
    const { executionId, requestId, ts } = await runStepToApproval();
    // The app's client tries 3 times (2 retries): Slack is down for all of them.
    for (let i = 0; i < 3; i++) h.slack.failNext('functions.completeSuccess', { httpStatus: 503 });
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(
      () => first.lines.some((l) => l.includes('"event":"workflow_step_not_completed"')),
      20_000,
    );
    first.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    expect(h.slack.functions.completionsOf(executionId)).toHaveLength(0);

    const second = await startChild();
    await h.slack.waitFor(() => h.slack.functions.completionsOf(executionId).length === 1, 20_000);
    await h.slack.waitFor(
      () => second.lines.some((l) => l.includes('"event":"workflow_step_completed"')),
      10_000,
    );
    second.kill('SIGTERM');
    await second.exited;
    const lead = await stored(requestId);
    const completions = h.slack.functions.completionsOf(executionId);
    expect(completions).toHaveLength(1);
    record({
      fault: 'Slack answers 503 to functions.completeSuccess, then the app is restarted',
      expected: 'the filing stands; the new process completes the step at start-up, once',
      observed: `completions: ${completions.length}; outcome ${String(completions[0]?.outputs?.outcome)}; LivePerson creates: ${h.lp.requests.length}`,
      lost: lead?.workflowStep?.completedAt ? 0 : 1,
      duplicates: completions.length - 1 + Math.max(0, h.lp.requests.length - 2),
    });
  }, 90_000);

  describe.skipIf(!postgresAvailable)('two replicas on one PostgreSQL database', () => {
    let db: TestDatabase;
    beforeEach(async () => {
      db = await createTestDatabase();
    });
    afterEach(async () => {
      await db.drop();
    });

    it('the step run on one replica, approved on the other: one filing, one completion, whichever replica completes it', async () => {
      // Both sweep every 300 ms, so the other replica looks for steps to complete all the time too.
      const env = { DATABASE_URL: db.url, REPLICA_LEASE_SECONDS: '2', LP_DELETE_TEST_SWEEP_MS: '300' };
      const a = await startChild(env);
      const b = await startChild(env);
      h.appUrl = a.url;
      const { executionId, requestId, ts } = await runStepToApproval();
      h.appUrl = b.url;
      await h.click(APPROVER, ACTION.approve, requestId, ts);
      const done = await h.slack.waitFor(() => h.slack.functions.completionsOf(executionId)[0], 20_000);
      // Several sweeps of each replica later, still one completion.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (const child of [a, b]) child.kill('SIGTERM');
      await Promise.all([a.exited, b.exited]);
      const completions = h.slack.functions.completionsOf(executionId);
      const calls = h.slack.callsTo('functions.completeSuccess').length;
      expect(done.outputs).toMatchObject({ outcome: 'filed', approver: APPROVER });
      expect(completions).toHaveLength(1);
      expect(h.lp.requests).toHaveLength(2);
      record({
        fault:
          'two replicas on PostgreSQL: the step runs on one, the approval lands on the other, both sweep',
        expected:
          'one filing, one completion (a racing second call is answered execution_not_in_running_state)',
        observed: `completions: ${completions.length}; completeSuccess calls: ${calls}; LivePerson creates: ${h.lp.requests.length}`,
        lost: 0,
        duplicates: completions.length - 1 + Math.max(0, h.lp.requests.length - 2),
      });
    }, 90_000);
  });
});
