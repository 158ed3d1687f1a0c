import type { Clock } from '../../domain/clock.js';
import { todayIn } from '../../domain/zoned-time.js';
import type { Logger } from '../../log.js';
import type { Services } from '../../wiring.js';

/**
 * The use cases the listeners call (as wiring.ts builds them), and a clock: listeners parse, call one,
 * and render its answer. Verification (`/lp-delete verify`, File again) and the Workflow Builder step are
 * absent in listener tests that do not use them.
 */
export type ListenerContext = Pick<
  Services,
  | 'filing'
  | 'decisions'
  | 'statusReads'
  | 'cancellation'
  | 'quota'
  | 'homeLists'
  | 'person'
  | 'heldBack'
  | 'quotaSync'
  | 'directory'
> &
  Partial<Pick<Services, 'verification' | 'workflow'>> & {
    legacyTicketing: boolean;
    /** The team's zone for calendar dates (QUOTA_TIMEZONE). */
    timeZone: string;
    now: Clock;
    log: Logger;
  };

/** Today's date in the team's zone (`yyyy-mm-dd`): the modal's default and the GDPR deadline's "today". */
export function today(ctx: Pick<ListenerContext, 'now' | 'timeZone'>): string {
  return todayIn(ctx.now(), ctx.timeZone);
}
