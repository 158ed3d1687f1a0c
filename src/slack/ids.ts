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
} as const;
