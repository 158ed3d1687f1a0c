import type { HistoryFacts } from '../domain/history-facts.js';
import type { HistoryEntry } from '../domain/request.js';
import { SECOND_CHECK_AFTER_DAYS } from '../domain/verification.js';

/*
 * An audit-trail entry's facts in words, where the history is shown (the audit export). Entries written
 * before the facts existed hold their words in `detail`, shown as they are, like a code.
 */

const TRIGGER_WORDS: Record<Extract<HistoryFacts, { kind: 'verification' }>['trigger'], string> = {
  first: 'first check after LivePerson reported done',
  second: `second check, ${SECOND_CHECK_AFTER_DAYS} days later`,
  retry: 'check repeated after a failed read',
  on_demand: 'checked on request',
};

/** The entry's detail as a person reads it: its facts worded, or the code or old words it holds. */
export function historyDetail(entry: HistoryEntry): string | undefined {
  const facts = entry.facts;
  if (!facts) return entry.detail;
  switch (facts.kind) {
    case 'ids': {
      const what = `${facts.ids} ${facts.type} id(s)`;
      if (facts.part) return `${what}, part ${facts.part.number} of ${facts.part.of}`;
      return facts.duplicatesDropped ? `${what}, ${facts.duplicatesDropped} duplicate(s) dropped` : what;
    }
    case 'verification': {
      const counts =
        facts.outcome === 'not_verified'
          ? `not yet verified (read failed${facts.code ? `: ${facts.code}` : ''})`
          : `${facts.erased} of ${facts.total} erased, ${facts.residual} still readable, ${facts.notCheckable} not checkable`;
      return `${TRIGGER_WORDS[facts.trigger]}: ${counts}`;
    }
    case 'lp_request':
      return `LivePerson request ${facts.requestId}${facts.afterInterruption ? ', found after an interruption' : ''}`;
    case 'lp_reported':
      return entry.event === 'completed'
        ? 'LivePerson reported the deletion done'
        : 'reported cancelled by LivePerson';
    case 'with_lead':
      return `with ${facts.requestId}`;
    case 'filed_again_as':
      return `filed again as ${facts.requestId}`;
  }
}
