/** Every Slack action_id, callback_id and block_id the app uses: builders, listeners, manifest and tests import these. */
export const COMMAND = '/lp-delete';

export const CALLBACK = {
  requestModal: 'lp_delete_request',
  rejectModal: 'lp_delete_reject',
} as const;

export const BLOCK = {
  type: 'type_block',
  ids: 'ids_block',
  moreIds: 'more_ids_block',
  reason: 'reason_block',
  rejectReason: 'reject_reason_block',
  decision: 'decision_actions',
  subjectRequestedOn: 'subject_requested_on_block',
  recordActions: 'record_actions',
  heldBack: 'held_back_actions',
  fileAgain: 'file_again_actions',
} as const;

export const ACTION = {
  type: 'type_select',
  ids: 'ids_input',
  moreIds: 'more_ids_input',
  reason: 'reason_input',
  rejectReason: 'reject_reason_input',
  approve: 'approve_request',
  reject: 'reject_request',
  subjectRequestedOn: 'subject_requested_on_input',
  refreshStatus: 'refresh_status',
  cancelDeletion: 'cancel_deletion',
  /** In a lead's thread: file the held-back conversations that have closed since, for a new approval. */
  fileHeldBack: 'file_held_back',
  /** Under a verification that found something left: file exactly those ids again, for a new approval. */
  fileAgain: 'file_again',
} as const;

// The "erase a person" views (`/lp-delete person <identifier>`, or "A person" in the form).
export const PERSON_COMMAND_WORD = 'person';
/** The form's "what to delete" option that searches for a person instead of taking ids. */
export const PERSON_TYPE_VALUE = 'person';

export const PERSON_CALLBACK = {
  searching: 'lp_delete_person_searching',
  result: 'lp_delete_person_result',
} as const;

export const PERSON_BLOCK = {
  summary: 'person_summary',
  plan: 'person_plan',
  /** The searching view's "3 of 5 periods searched". */
  progress: 'person_progress',
  /** One input block per group of up to 10 keyword-only hits: see keywordHitsBlockId. */
  keywordHits: 'person_keyword_hits',
  /** Namesakes: one input block per group of up to 10 consumers, see consumersBlockId. */
  consumers: 'person_consumers',
  reason: 'person_reason_block',
} as const;

export const PERSON_ACTION = {
  keywordHits: 'person_keyword_hits_select',
  consumers: 'person_consumers_select',
  reason: 'person_reason_input',
} as const;

/** Slack takes at most 10 checkboxes per element; hits are shown in groups, at most this many. */
export const KEYWORD_HITS_PER_GROUP = 10;
export const KEYWORD_HITS_MAX_GROUPS = 5;

/**
 * `person_keyword_hits_0`, `person_consumers_1`, …: the block id of a group (of KEYWORD_HITS_PER_GROUP), and
 * whether a block id is one of those groups.
 */
const groupBlockId = (base: string) => (group: number) => `${base}_${group}`;
const isGroupBlockId = (base: string) => (blockId: string) => new RegExp(`^${base}_\\d+$`).test(blockId);
export const keywordHitsBlockId = groupBlockId(PERSON_BLOCK.keywordHits);
export const isKeywordHitsBlockId = isGroupBlockId(PERSON_BLOCK.keywordHits);
export const consumersBlockId = groupBlockId(PERSON_BLOCK.consumers);
export const isConsumersBlockId = isGroupBlockId(PERSON_BLOCK.consumers);

/** The Workflow Builder step (a custom function in both manifests): its callback id. */
export const FUNCTION = {
  erasePerson: 'lp_erase_person',
} as const;
