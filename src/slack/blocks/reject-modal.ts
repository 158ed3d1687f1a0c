/** The modal an approver fills in to say why a request is rejected. Pure. */
import type { DeletionRequest } from '../../domain/request.js';
import { ACTION, BLOCK, CALLBACK } from '../ids.js';
import { mention, slackDate } from '../format.js';
import { REASON_MAX, plainText, quoteNote, section, typeAndCount, type ModalView } from './parts.js';

export interface RejectModalOptions {
  request: DeletionRequest;
  /** Carries the request id (and whatever else the listener needs) back to the submission handler. */
  privateMetadata: string;
}

export function buildRejectModal(opts: RejectModalOptions): ModalView {
  const { request } = opts;
  return {
    type: 'modal',
    callback_id: CALLBACK.rejectModal,
    private_metadata: opts.privateMetadata,
    title: plainText('Reject request'),
    submit: plainText('Reject'),
    close: plainText('Back'),
    blocks: [
      section(
        [
          `Reject *${request.id}* from ${mention(request.requestedBy)}, filed ${slackDate(request.createdAt)}?`,
          typeAndCount(request),
          `Reason given: ${quoteNote(request.reason)}`,
          'Nothing is sent to LivePerson. The requester gets your note.',
        ].join('\n'),
      ),
      {
        type: 'input',
        block_id: BLOCK.rejectReason,
        label: plainText('Why are you rejecting it?'),
        hint: plainText('The requester sees this, so say what to fix if they should file again.'),
        element: {
          type: 'plain_text_input',
          action_id: ACTION.rejectReason,
          multiline: true,
          max_length: REASON_MAX,
          placeholder: plainText('e.g. The DSR reference does not match these ids'),
        },
      },
    ],
  };
}
