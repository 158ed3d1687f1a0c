import { canTakePlan } from '../domain/quota.js';
import { canRequest } from '../domain/decide.js';
import { canFileContent } from '../domain/filing-rules.js';
import { todayIn } from '../domain/zoned-time.js';
import type { Outcome, Refusal } from '../domain/outcome.js';
import type { DeletionPlan, PlanSummary } from '../domain/plan.js';
import type { DeletionRequest, IntakeLink, WorkflowStep } from '../domain/request.js';
import type { TicketChanges } from '../domain/ids.js';
import type { RequestNotice } from '../domain/notices.js';
import type { DeletionType } from '../domain/types.js';
import type { Change } from '../store/port.js';
import type { Directory, UseCaseDeps } from './ports.js';
import { notSaved } from './refusals.js';
import { historyEntry } from '../domain/lifecycle.js';
import { checkForm, fieldOf, type FieldProblem, type FilingForm } from './filing-form.js';

export interface FileInput {
  userId: string;
  type: DeletionType;
  ids: string[];
  reason: string;
  duplicatesDropped: number;
  /** Ticket ids the form normalised, said back to the requester. */
  ticketChanges?: TicketChanges;
  /** When the data subject made the request (`yyyy-mm-dd`), for the GDPR deadline. */
  subjectRequestedOn?: string;
  /** What the officer searched for (erasing a person): kept like the reason, never logged. */
  subject?: string;
  /** Erasing a person: the kind of identifier searched (kept instead of the identifier). */
  subjectKind?: DeletionRequest['subjectKind'];
  /** Erasing a person: consumers that matched (namesakes) and how many were chosen. */
  namesakes?: DeletionRequest['namesakes'];
  /** File again: the earlier request whose unmasked remainder this one files. */
  refileOf?: string;
  /** Filed by the Workflow Builder step: kept on the lead in the write that creates it. */
  workflowStep?: WorkflowStep;
  /** Filed for an erasure of the intake API: its caller's token is its permission to file. */
  intake?: IntakeLink;
}

/** Several requests (one type each, at most 100 ids) under one approval. */
export interface FilePlanInput extends Omit<FileInput, 'type' | 'ids'> {
  requests: readonly { type: DeletionType; ids: string[] }[];
  summary: PlanSummary;
  /** Open conversations left out: checked again by the sweep. */
  heldBack?: string[];
  /** Filed for conversations held back from this group (its lead's id). */
  heldBackFrom?: string;
}

/** A searched plan's part of the input (the search has already dropped duplicate ids). */
export const planInput = (plan: DeletionPlan) => ({
  duplicatesDropped: 0,
  requests: plan.requests.map((r) => ({ type: r.type, ids: r.ids })),
  summary: plan.summary,
  heldBack: plan.heldBack,
});

/** The form refused: every problem with its field (the words are src/slack/blocks' job). */
export interface FormRefusal {
  ok: false;
  problems: FieldProblem[];
}

export interface FilingDeps extends Pick<UseCaseDeps, 'store' | 'quota' | 'now' | 'log'> {
  /** Who may file (REQUESTER_*): enforced here, so every entry point gets the rule. */
  directory: Pick<Directory, 'requesters'>;
  accountId: string;
  legacyTicketing: boolean;
  timeZone: string;
}

/** Filing: a request, or a plan of several under one approval, stored pending with its notices. */
export class Filing {
  constructor(private readonly deps: FilingDeps) {}

  /**
   * The rules every filing meets, whichever entry point files it: the requester allow-list, a reason, a
   * real data-subject date not after today, ids each type accepts, and a month with quota left.
   */
  private async refusal(input: FileInput | FilePlanInput): Promise<Refusal | null> {
    const allowed = input.intake
      ? { ok: true as const }
      : canRequest({ userId: input.userId, requesters: await this.deps.directory.requesters() });
    if (!allowed.ok) return allowed;
    const content = canFileContent(
      {
        reason: input.reason,
        ...(input.subjectRequestedOn !== undefined ? { subjectRequestedOn: input.subjectRequestedOn } : {}),
        requests: 'requests' in input ? input.requests : [{ type: input.type, ids: input.ids }],
      },
      {
        today: todayIn(this.deps.now(), this.deps.timeZone),
        accountId: this.deps.accountId,
        legacyTicketing: this.deps.legacyTicketing,
      },
    );
    if (!content.ok) return content;
    return this.deps.quota.refusalToFile();
  }

  /**
   * Stores a new request (pending approval) with its two notices: the approval message, then the
   * requester's DM (delivered after it, so it can link to it and never says "sent" before it exists).
   */
  async file(input: FileInput): Promise<Outcome<{ request: DeletionRequest }>> {
    return (await this.refused(input)) ?? this.storeOne(input);
  }

  /**
   * The filing form: every problem under its field at once (filing-form.ts), or the plan filed. A refusal
   * of the filing itself (the store, the month) comes under the field it belongs to.
   */
  async fileForm(form: FilingForm): Promise<{ ok: true; request: DeletionRequest } | FormRefusal> {
    const checked = await checkForm(form, {
      requesters: await this.deps.directory.requesters(),
      today: todayIn(this.deps.now(), this.deps.timeZone),
      accountId: this.deps.accountId,
      legacyTicketing: this.deps.legacyTicketing,
      quota: () => this.deps.quota.refusalToFile(),
    });
    if (!checked.ok) return { ok: false, problems: checked.problems };
    const filed = await this.storePlan(checked.input);
    return filed.ok ? filed : { ok: false, problems: [{ field: fieldOf(filed), refusal: filed }] };
  }

  /** A rule refused: logged (the code only) and returned; null when every rule holds. */
  private async refused(input: FileInput | FilePlanInput): Promise<Refusal | null> {
    const refusal = await this.refusal(input);
    if (refusal) this.deps.log.info('filing_refused', { code: refusal.code });
    return refusal;
  }

  private async storeOne(input: FileInput): Promise<Outcome<{ request: DeletionRequest }>> {
    const now = this.deps.now();
    let request: DeletionRequest;
    try {
      request = await this.deps.store.create(
        this.deps.quota.key(now).month,
        (id) => this.pending(id, input, input, now),
        [{ kind: 'approval_post' }, requesterFiled(input)],
      );
    } catch (error) {
      return notSaved(error, 'file');
    }
    this.deps.log.info('request_filed', {
      request: request.id,
      type: request.type,
      count: request.ids.length,
    });
    return { ok: true, request };
  }

  /**
   * Files a plan: one request when it is one request with nothing held back (exactly as `file`), otherwise
   * a group. The parts are stored first (pending, nothing posted), then the lead learns every part's id
   * in the change that queues the one approval message, so the message never shows a partial group.
   * Refused up front when the month has fewer requests left than the plan needs.
   */
  async filePlan(input: FilePlanInput): Promise<Outcome<{ request: DeletionRequest }>> {
    return (await this.refused(input)) ?? this.storePlan(input);
  }

  private async storePlan(input: FilePlanInput): Promise<Outcome<{ request: DeletionRequest }>> {
    const [first, ...rest] = input.requests;
    if (!first) throw new RangeError('a plan has at least one request');
    const grouped = rest.length > 0 || (input.heldBack?.length ?? 0) > 0 || input.heldBackFrom !== undefined;
    if (!grouped) return this.storeOne({ ...input, type: first.type, ids: first.ids });
    const short = canTakePlan(await this.deps.quota.report(), input.requests.length);
    if (!short.ok) return short;
    const now = this.deps.now();
    const month = this.deps.quota.key(now).month;
    const size = input.requests.length;
    let lead: DeletionRequest;
    try {
      lead = await this.deps.store.create(month, (id) =>
        this.pending(id, input, first, now, { id, index: 0, size }),
      );
      const members = [lead.id];
      for (const [i, request] of rest.entries()) {
        const group = { id: lead.id, index: i + 1, size };
        const created = await this.deps.store.create(month, (id) =>
          this.pending(id, input, request, now, group),
        );
        members.push(created.id);
      }
      lead = await this.deps.store.update(lead.id, (r): Change<DeletionRequest> => {
        if (!r?.group) throw new Error(`request ${lead.id} vanished from the store`);
        const next: DeletionRequest = {
          ...r,
          group: {
            ...r.group,
            members,
            summary: input.summary,
            ...(input.heldBack?.length ? { heldBack: input.heldBack } : {}),
            ...(input.heldBackFrom ? { heldBackFrom: input.heldBackFrom } : {}),
          },
        };
        return {
          value: next,
          request: next,
          notices: [{ kind: 'approval_post' }, requesterFiled(input)],
        };
      });
    } catch (error) {
      return notSaved(error, 'file');
    }
    this.deps.log.info('request_filed', {
      request: lead.id,
      group: size,
      heldBack: input.heldBack?.length ?? 0,
    });
    return { ok: true, request: lead };
  }

  /** A new pending request: on its own, or a part of a group (only the lead keeps the step or erasure). */
  private pending(
    id: string,
    input: FileInput | FilePlanInput,
    request: { type: DeletionType; ids: string[] },
    now: Date,
    group?: { id: string; index: number; size: number },
  ): DeletionRequest {
    const lead = !group || group.index === 0;
    return {
      id,
      accountId: this.deps.accountId,
      type: request.type,
      ids: request.ids,
      reason: input.reason,
      requestedBy: input.userId,
      createdAt: now.toISOString(),
      status: 'pending_approval',
      ...(group ? { group } : {}),
      ...(input.subjectRequestedOn ? { subjectRequestedOn: input.subjectRequestedOn } : {}),
      ...(input.subject ? { subject: input.subject } : {}),
      ...(input.subjectKind ? { subjectKind: input.subjectKind } : {}),
      ...(input.namesakes ? { namesakes: input.namesakes } : {}),
      ...(input.refileOf ? { refileOf: input.refileOf } : {}),
      ...(lead && input.workflowStep ? { workflowStep: input.workflowStep } : {}),
      ...(lead && input.intake ? { intake: input.intake } : {}),
      history: [
        {
          ...historyEntry(now, 'filed', input.userId),
          facts: {
            kind: 'ids',
            ids: request.ids.length,
            type: request.type,
            ...(group
              ? { part: { number: group.index + 1, of: group.size } }
              : input.duplicatesDropped
                ? { duplicatesDropped: input.duplicatesDropped }
                : {}),
          },
        },
      ],
    };
  }
}

/** The requester's DM on filing: with what the form changed, when it changed anything. */
function requesterFiled(input: FileInput | FilePlanInput): RequestNotice {
  const changed = input.ticketChanges;
  return {
    kind: 'requester_filed',
    duplicatesDropped: input.duplicatesDropped,
    ...(changed && (changed.prefixesRemoved > 0 || changed.suffixesRemoved > 0)
      ? { ticketChanges: changed }
      : {}),
  };
}
