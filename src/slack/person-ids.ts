/**
 * Block Kit ids of the "erase a person" views. Kept apart from ids.ts only until the flow is wired in;
 * then they move there with the others.
 */

export const PERSON_COMMAND_WORD = 'person';

export const PERSON_CALLBACK = {
  searching: 'lp_delete_person_searching',
  result: 'lp_delete_person_result',
} as const;

export const PERSON_BLOCK = {
  summary: 'person_summary',
  plan: 'person_plan',
  /** One input block per group of up to 10 keyword-only hits: see keywordHitsBlockId. */
  keywordHits: 'person_keyword_hits',
  reason: 'person_reason_block',
} as const;

export const PERSON_ACTION = {
  keywordHits: 'person_keyword_hits_select',
  reason: 'person_reason_input',
} as const;

/** Slack takes at most 10 checkboxes per element; hits are shown in groups, at most this many. */
export const KEYWORD_HITS_PER_GROUP = 10;
export const KEYWORD_HITS_MAX_GROUPS = 5;

/** `person_keyword_hits_0`, `person_keyword_hits_1`, … */
export function keywordHitsBlockId(group: number): string {
  return `${PERSON_BLOCK.keywordHits}_${group}`;
}

export function isKeywordHitsBlockId(blockId: string): boolean {
  return new RegExp(`^${PERSON_BLOCK.keywordHits}_\\d+$`).test(blockId);
}
