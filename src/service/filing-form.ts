import { canRequest } from '../domain/decide.js';
import { canFileContent } from '../domain/filing-rules.js';
import { subjectDateProblem } from '../domain/gdpr.js';
import { validateIdsText } from '../domain/ids.js';
import { refuse, type Refusal } from '../domain/outcome.js';
import { planRequests } from '../domain/plan.js';
import type { DeletionType } from '../domain/types.js';

/** What a person typed into the filing form, as Slack sent it. */
export interface FilingForm {
  userId: string;
  /** The chosen type; undefined when none was chosen (nothing is filed then). */
  type: DeletionType | undefined;
  /** The ids boxes, as typed. */
  idTexts: readonly (string | null | undefined)[];
  reason: string;
  /** `yyyy-mm-dd`; a form from before the field existed counts from today. */
  subjectRequestedOn: string | undefined;
}

/** The form's fields a problem can belong to. */
export type FormField = 'type' | 'ids' | 'reason' | 'subjectRequestedOn';

/** One problem, with the field it is shown under. */
export interface FieldProblem {
  field: FormField;
  refusal: Refusal;
}

export interface FormContext {
  /** Who may file (REQUESTER_*), resolved now. */
  requesters: ReadonlySet<string> | null;
  today: string;
  accountId: string;
  legacyTicketing: boolean;
  /** Why the month takes no filing, or null. */
  quota: () => Promise<Refusal | null>;
}

/**
 * Every problem of the form at once, each under its field, so nothing typed is lost; or the plan to file.
 * Someone not on the requester list hears only that. More than 100 ids of one type become several
 * requests under one approval.
 */
export async function checkForm(form: FilingForm, ctx: FormContext) {
  const allowed = canRequest({ userId: form.userId, requesters: ctx.requesters });
  if (!allowed.ok) {
    const refused: FieldProblem[] = [{ field: 'type', refusal: allowed }];
    return { ok: false as const, problems: refused };
  }
  const problems: FieldProblem[] = [];
  const reason = form.reason.trim();
  // The reason rule is the domain's (filing-rules.ts); the ids and the date are checked below, each under its field.
  const reasonOk = canFileContent({ reason, requests: [] }, ctx);
  if (!reasonOk.ok) problems.push({ field: 'reason', refusal: reasonOk });
  const ids = form.type ? validateIdsText(form.type, form.idTexts, ctx) : undefined;
  for (const error of ids && !ids.ok ? ids.errors : []) {
    const field = error.field === 'type' ? 'type' : 'ids';
    problems.push({ field, refusal: refuse({ code: 'INVALID_IDS', errors: [error] }) });
  }
  const subjectRequestedOn = form.subjectRequestedOn ?? ctx.today;
  const dateProblem = subjectDateProblem(subjectRequestedOn, ctx.today);
  if (dateProblem) {
    problems.push({
      field: 'subjectRequestedOn',
      refusal: refuse({ code: 'SUBJECT_DATE', problem: dateProblem }),
    });
  }
  const spent = await ctx.quota();
  if (spent) problems.push({ field: 'type', refusal: spent });
  if (problems.length > 0 || !form.type || !ids?.ok) return { ok: false as const, problems };
  const plan = planRequests({ ids: { [form.type]: ids.ids } });
  return {
    ok: true as const,
    input: {
      userId: form.userId,
      reason,
      subjectRequestedOn,
      duplicatesDropped: ids.duplicatesDropped,
      ticketChanges: ids.changes,
      requests: plan.requests,
      summary: plan.summary,
    },
  };
}

/** The form field a refusal of the filing itself belongs under. */
export function fieldOf(refusal: Refusal): FormField {
  switch (refusal.code) {
    case 'NO_REASON':
      return 'reason';
    case 'SUBJECT_DATE':
      return 'subjectRequestedOn';
    case 'INVALID_IDS':
      return 'ids';
    default:
      return 'type';
  }
}
