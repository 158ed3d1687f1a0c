import type { Clock } from '../../domain/clock.js';
import { todayIn } from '../../domain/zoned-time.js';
import type { Logger } from '../../log.js';
import type { Cancellation } from '../../service/cancellation.js';
import type { Decisions } from '../../service/decisions.js';
import type { Filing } from '../../service/filing.js';
import type { HeldBack } from '../../service/held-back.js';
import type { HomeLists } from '../../service/home-lists.js';
import type { PersonErasure } from '../../service/person-erasure.js';
import type { QuotaService } from '../../service/quota-service.js';
import type { QuotaSync } from '../../service/quota-sync.js';
import type { StatusReads } from '../../service/status-reads.js';
import type { Verification } from '../../service/verification.js';
import type { WorkflowSteps } from '../../service/workflow-steps.js';
import type { SlackDirectory } from '../directory.js';

/** The use cases the listeners call, and a clock: listeners parse, call one, and render its answer. */
export interface ListenerContext {
  filing: Filing;
  decisions: Decisions;
  statusReads: StatusReads;
  cancellation: Cancellation;
  quota: QuotaService;
  /** The Home tab's lists for one person (see home-lists.ts). */
  homeLists: (userId: string) => Promise<HomeLists>;
  person: PersonErasure;
  /** Held-back conversations of a person's plan, filed once closed. */
  heldBack: HeldBack;
  quotaSync: QuotaSync;
  directory: SlackDirectory;
  /** Proof of erasure: `/lp-delete verify` and File again (absent in listener tests that do not use it). */
  verification?: Verification;
  /** The Workflow Builder step (`lp_erase_person`); absent in listener unit tests. */
  workflow?: WorkflowSteps;
  legacyTicketing: boolean;
  /** The team's zone for calendar dates (QUOTA_TIMEZONE). */
  timeZone: string;
  now: Clock;
  log: Logger;
}

/** Today's date in the team's zone (`yyyy-mm-dd`): the modal's default and the GDPR deadline's "today". */
export function today(ctx: Pick<ListenerContext, 'now' | 'timeZone'>): string {
  return todayIn(ctx.now(), ctx.timeZone);
}
