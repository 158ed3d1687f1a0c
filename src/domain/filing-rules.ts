import { subjectDateProblem } from './gdpr.js';
import { validateIds, type IdValidationContext } from './ids.js';
import { refuse, type Permission } from './outcome.js';
import { MAX_IDS_PER_REQUEST, type DeletionType } from './types.js';

/*
 * What a filing must hold before it is stored, whatever entry point files it (the form, a person's plan,
 * held-back conversations): a reason, a data-subject date that is a real day and not after today, and ids
 * each LivePerson request accepts as they are. The filing form's own check (service/filing-form.ts) lists
 * every problem under its field at once; Filing enforces these for every other entry point.
 */

export type FilingContentCode = 'NO_REASON' | 'SUBJECT_DATE' | 'INVALID_IDS';

export interface FilingContent {
  reason: string;
  /** `yyyy-mm-dd`; absent on entry points that have no such field (then today is used). */
  subjectRequestedOn?: string;
  requests: readonly { type: DeletionType; ids: readonly string[] }[];
}

/** The account's id rules, and today in the app's zone (`yyyy-mm-dd`). */
export type FilingContext = Omit<IdValidationContext, 'maxIds'> & { today: string };

/** May this content be filed? Checked in the order the form shows its fields. */
export function canFileContent(content: FilingContent, ctx: FilingContext): Permission<FilingContentCode> {
  if (content.reason.trim() === '') return refuse({ code: 'NO_REASON' });
  if (content.subjectRequestedOn !== undefined) {
    const problem = subjectDateProblem(content.subjectRequestedOn, ctx.today);
    if (problem) return refuse({ code: 'SUBJECT_DATE', problem });
  }
  for (const request of content.requests) {
    const checked = validateIds(request.type, request.ids, { ...ctx, maxIds: MAX_IDS_PER_REQUEST });
    if (!checked.ok) return refuse({ code: 'INVALID_IDS', errors: checked.errors });
  }
  return { ok: true };
}
