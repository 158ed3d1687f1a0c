import { settledWithin } from './periodic.js';
import { cleanIdentifier } from '../domain/identifier.js';
import { errorCode } from '../domain/error-code.js';
import { refuse, type Refusal } from '../domain/outcome.js';
import type { DeletionRequest } from '../domain/request.js';
import { stepFacts, type StepFacts } from '../domain/workflow-step.js';
import { todayIn } from '../domain/zoned-time.js';
import { planInput, type Filing } from './filing.js';
import { quotaShort } from './refusals.js';
import type { PersonErasure } from './person-erasure.js';
import { recentRequests } from './held-back.js';
import type { UseCaseDeps } from './ports.js';

/**
 * The Workflow Builder step "Erase a person in LivePerson" (`lp_erase_person`): a workflow hands lp-delete
 * an identifier, a case reference and a requester; lp-delete searches LivePerson, posts the plan for the
 * usual four-eyes approval with that requester as the requester, and completes the step once the
 * decision has played out (filed at LivePerson, or rejected) — not when LivePerson reports the deletion
 * DONE, which takes weeks (the thread keeps that follow-up).
 *
 * Choices where the issue is silent, for a privacy team:
 * - Only an email, a consumer id or a phone number: a name can match several people, and a workflow has
 *   nobody to choose among them. Refused with a sentence, like a bad identifier.
 * - Namesakes (the identifier's own fields lead to more than one consumer): nothing is filed; the step
 *   fails with a sentence saying to erase the person with `/lp-delete person`, where an officer ticks
 *   the right consumers. Filing every consumer would erase someone else's data.
 * - Only open conversations found: nothing can be filed now (LivePerson deletes closed ones only); the
 *   step fails saying so, rather than claiming `nothing_found`.
 * - An approval that expires undecided completes with `failed`.
 * - A part whose submission outcome is unknown keeps the step running until the sweep has reconciled
 *   it with LivePerson's list: the outputs never claim a filing that may not exist, or miss one.
 *
 * Durable and once: the execution id is saved on the lead request in the write that files it. A
 * completion Slack did not take is tried again by the sweep (at start-up and every sweep), on any replica;
 * Slack answers a second completion with `execution_not_in_running_state`, which counts as done.
 * Completions use the bot token (the completer is built on the app's own client): the workflow token in
 * the event expires 15 minutes after the step starts, and an approval may take days.
 */

export interface StepInputs {
  executionId: string;
  identifier: string;
  caseRef: string;
  /** `yyyy-mm-dd`: when the data subject asked; today when absent. */
  receivedOn?: string;
  /** The Slack user the workflow names as requester: files the request; cannot approve it. */
  requester: string;
}

/** Why the step ends unsuccessfully before anything was filed: codes and facts, worded in slack/blocks. */
export type StepRefusal =
  | { code: 'BAD_IDENTIFIER'; problem: 'empty' | 'too_long' }
  | { code: 'NAME_NOT_ACCEPTED' }
  /** The workflow gave no Slack user as requester. */
  | { code: 'BAD_REQUESTER' }
  | { code: 'NAMESAKES'; consumers: number }
  | { code: 'ONLY_OPEN'; open: number }
  | { code: 'SEARCH_FAILED'; historyCode?: string }
  /** A filing rule said no (the month's quota, the requester allow-list, the date, the case reference). */
  | { code: 'FILING_REFUSED'; refusal: Refusal };

export type StepCompletion = { kind: 'success'; facts: StepFacts } | { kind: 'error'; refusal: StepRefusal };

/** Slack took the completion, or had already completed the execution (an earlier call of ours did). */
export type CompletionAnswer = 'completed' | 'already_completed';

/** Completes an execution at Slack (slack/step-completer.ts); throws when it should be tried again. */
export interface StepCompleter {
  complete(executionId: string, completion: StepCompletion): Promise<CompletionAnswer>;
}

export interface WorkflowStepsDeps extends Pick<UseCaseDeps, 'quota' | 'store' | 'now' | 'log'> {
  filing: Filing;
  person: PersonErasure;
  completer: StepCompleter;
  timeZone: string;
  /** Waits before trying again a completion that has no request to keep it (default 0.5 s, 2 s). */
  retryDelaysMs?: readonly number[];
  /**
   * How long one completion call may take before it counts as lost (default 15 s): a call Slack never
   * answers must not hold the sweep. Giving up is safe: the next try finds the execution completed.
   */
  completionTimeoutMs?: number;
}

const SLACK_USER = /^[UW][A-Z0-9]+$/;

export type StepStart = { kind: 'filed'; requestId: string } | { kind: 'completed' | 'not_completed' };

export class WorkflowSteps {
  private readonly settling = new Map<string, Promise<void>>();

  constructor(private readonly deps: WorkflowStepsDeps) {}

  /** A `function_executed` for the step: search, then file for approval or complete at once. */
  async start(input: StepInputs): Promise<StepStart> {
    const begun = await this.begin(input);
    if ('requestId' in begun) {
      this.deps.log.info('workflow_step_filed', { request: begun.requestId, execution: input.executionId });
      return { kind: 'filed', requestId: begun.requestId };
    }
    // Nothing stored keeps this completion, so a lost call is tried again here, a few times.
    const delays = [0, ...(this.deps.retryDelaysMs ?? [500, 2000])];
    for (const [attempt, delay] of delays.entries()) {
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      try {
        const answer = await this.complete(input.executionId, begun);
        this.deps.log.info('workflow_step_completed', {
          execution: input.executionId,
          outcome: begun.kind === 'success' ? begun.facts.outcome : begun.refusal.code,
          already: answer === 'already_completed',
        });
        return { kind: 'completed' };
      } catch (error) {
        this.deps.log.warn('workflow_step_not_completed', {
          execution: input.executionId,
          attempt: attempt + 1,
          code: errorCode(error),
        });
      }
    }
    return { kind: 'not_completed' };
  }

  private async begin(input: StepInputs): Promise<StepCompletion | { requestId: string }> {
    const fail = (refusal: StepRefusal): StepCompletion => ({ kind: 'error', refusal });
    const clean = cleanIdentifier(input.identifier);
    if (!clean.ok) return fail({ code: 'BAD_IDENTIFIER', problem: clean.problem });
    if (clean.kind === 'name') return fail({ code: 'NAME_NOT_ACCEPTED' });
    if (!SLACK_USER.test(input.requester)) return fail({ code: 'BAD_REQUESTER' });
    // Checked before searching as well as at filing: a missing case reference should not cost a search.
    if (input.caseRef.trim() === '')
      return fail({ code: 'FILING_REFUSED', refusal: refuse({ code: 'NO_REASON' }) });
    // A month already spent is said before searching: the search would be for nothing.
    const spent = await this.deps.quota.refusalToFile();
    if (spent) return fail({ code: 'FILING_REFUSED', refusal: spent });
    // The workflow's requester searches as a person would: the same who-may-search rule and limits.
    const started = await this.deps.person.start(input.requester, clean.value);
    if (!started.ok) return fail({ code: 'FILING_REFUSED', refusal: started });
    const searched = await this.deps.person.search(started.search);
    if (!searched.ok) {
      return fail({ code: 'SEARCH_FAILED', ...(searched.code ? { historyCode: searched.code } : {}) });
    }
    if (searched.result.namesakes) {
      return fail({ code: 'NAMESAKES', consumers: searched.result.consumers.length });
    }
    const today = todayIn(this.deps.now(), this.deps.timeZone);
    const subjectRequestedOn = input.receivedOn ?? today;
    const outcome = searched.outcome;
    if (!outcome.ok && outcome.code === 'nothing_to_delete') {
      if (outcome.openHeldBack > 0) return fail({ code: 'ONLY_OPEN', open: outcome.openHeldBack });
      const facts: StepFacts = {
        outcome: 'nothing_found',
        requestIds: [],
        lpRequestIds: [],
        conversations: 0,
        heldBack: 0,
        caseRef: input.caseRef.trim(),
        subjectRequestedOn,
        decidedOn: today,
      };
      return { kind: 'success', facts };
    }
    if (!outcome.ok) {
      // Short of quota: worded as the month is now (spent, or a number left), as the modal's filing does.
      const refusal = quotaShort(await this.deps.quota.report(), outcome.needed);
      return fail({ code: 'FILING_REFUSED', refusal });
    }
    const filed = await this.deps.filing.filePlan({
      userId: input.requester,
      reason: input.caseRef.trim(),
      subject: clean.value,
      subjectRequestedOn,
      ...planInput(outcome.plan),
      workflowStep: { executionId: input.executionId },
    });
    if (!filed.ok) return fail({ code: 'FILING_REFUSED', refusal: filed });
    return { requestId: filed.request.id };
  }

  /**
   * Completes the step of `leadId` if it has one, not yet completed, whose decision has played out on
   * every part. Safe to call at any time, any number of times, on any replica.
   */
  settle(leadId: string): Promise<void> {
    let running = this.settling.get(leadId);
    if (!running) {
      running = this.settleOnce(leadId).finally(() => this.settling.delete(leadId));
      this.settling.set(leadId, running);
    }
    return running;
  }

  /** For the sweep: every step still running whose request is decided (after a restart, a lost call). */
  async settleAll(): Promise<number> {
    const leads = new Set((await recentRequests(this.deps.store)).filter(waitingStep).map((r) => r.id));
    for (const id of leads) await this.settle(id);
    return leads.size;
  }

  /** Resolves when no completion is under way, or after `timeoutMs` (stop waits before the store closes). */
  async idle(timeoutMs: number): Promise<void> {
    await settledWithin([...this.settling.values()], timeoutMs);
  }

  private async complete(executionId: string, completion: StepCompletion): Promise<CompletionAnswer> {
    let timer: NodeJS.Timeout | undefined;
    const lost = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error('no answer from Slack'), { code: 'SLACK_NO_ANSWER' })),
        this.deps.completionTimeoutMs ?? 15_000,
      );
    });
    try {
      return await Promise.race([this.deps.completer.complete(executionId, completion), lost]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async settleOnce(leadId: string): Promise<void> {
    const lead = await this.deps.store.get(leadId);
    const step = lead?.workflowStep;
    if (!lead || !step || step.completedAt) return;
    const members = (lead.group?.members ?? [lead.id]).slice(1);
    const parts = (await Promise.all(members.map((id) => this.deps.store.get(id)))).filter(
      (r): r is DeletionRequest => r !== undefined,
    );
    const facts = stepFacts(lead, parts);
    if (!facts) return;
    let answer: CompletionAnswer;
    try {
      answer = await this.complete(step.executionId, { kind: 'success', facts });
    } catch (error) {
      // Left as it is: the next sweep tries again.
      this.deps.log.warn('workflow_step_not_completed', { request: leadId, code: errorCode(error) });
      return;
    }
    const at = this.deps.now().toISOString();
    await this.deps.store.update(leadId, (r) => {
      if (!r?.workflowStep || r.workflowStep.completedAt) return { value: undefined };
      const next: DeletionRequest = {
        ...r,
        workflowStep: { ...r.workflowStep, completedAt: at, outcome: facts.outcome },
      };
      return { value: undefined, request: next };
    });
    this.deps.log.info('workflow_step_completed', {
      request: leadId,
      outcome: facts.outcome,
      already: answer === 'already_completed',
    });
  }
}

function waitingStep(request: DeletionRequest): boolean {
  return request.workflowStep !== undefined && request.workflowStep.completedAt === undefined;
}
