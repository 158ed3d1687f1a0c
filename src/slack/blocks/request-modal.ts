/** The form `/lp-delete` opens: type, ids, reason. Pure. */
import type { types } from '@slack/bolt';
import {
  CANCEL_WINDOW_DAYS,
  DELETION_TYPE_LABELS,
  DELETION_TYPES,
  MAX_IDS_PER_APPROVAL,
  MAX_IDS_PER_REQUEST,
  type DeletionType,
} from '../../domain/types.js';
import { ACTION, BLOCK, CALLBACK, PERSON_TYPE_VALUE } from '../ids.js';
import { REASON_MAX, plainText, section, textInput, type KnownBlock, type ModalView } from './parts.js';

/** Slack's ceiling for one plain_text_input: 100 UUIDs one per line (3,700 characters) need two inputs. */
const IDS_INPUT_MAX = 3000;

interface RequestModalPrefill {
  type?: DeletionType;
  idsText?: string;
  moreIdsText?: string;
  reason?: string;
}

export interface RequestModalOptions {
  /** Only accounts with LivePerson's legacy ticketing system may file `ticketing` deletions. */
  legacyTicketing: boolean;
  prefill?: RequestModalPrefill;
  /** Passed back on submission (e.g. the channel the command came from). Slack allows 3,000 characters. */
  privateMetadata?: string;
  /** Today (`yyyy-mm-dd`): adds "when did the data subject ask?", starting on today. */
  today?: string;
}

function typeOption(type: DeletionType): types.PlainTextOption {
  return { text: plainText(DELETION_TYPE_LABELS[type]), value: type };
}

/** GDPR Art. 12(3): the answer is due one month after the data subject's request arrived. */
function subjectRequestedOnInput(today: string): types.InputBlock {
  return {
    type: 'input',
    block_id: BLOCK.subjectRequestedOn,
    label: plainText('When did the data subject ask?'),
    hint: plainText(
      'GDPR gives one month from this day to act; lp-delete shows the deadline and warns when it is near.',
    ),
    element: { type: 'datepicker', action_id: ACTION.subjectRequestedOn, initial_date: today },
  };
}

export function buildRequestModal(opts: RequestModalOptions): ModalView {
  const allowedTypes = DELETION_TYPES.filter((type) => type !== 'ticketing' || opts.legacyTicketing);
  const prefill = opts.prefill ?? {};
  const initialType = prefill.type && allowedTypes.includes(prefill.type) ? prefill.type : undefined;

  const typeSelect: types.StaticSelect = {
    type: 'static_select',
    action_id: ACTION.type,
    placeholder: plainText('Choose what to delete'),
    // "A person": the ids box takes an email address, consumer id or name, and LivePerson is searched.
    options: [
      ...allowedTypes.map(typeOption),
      { text: plainText('A person (search LivePerson)'), value: PERSON_TYPE_VALUE },
    ],
  };
  // An initial_option that is not among the options makes Slack refuse the whole view.
  if (initialType) typeSelect.initial_option = typeOption(initialType);

  const blocks: KnownBlock[] = [
    section(
      [
        'Files a personal data deletion request with LivePerson.',
        '• Only *closed* conversations can be deleted.',
        '• To erase everything of one person, choose *A person* and put their email address, consumer id or name under Ids.',
        '• A second person must approve it before anything is sent.',
        `• Once sent, it can be cancelled for ${CANCEL_WINDOW_DAYS} days; after that the deletion is final.`,
      ].join('\n'),
    ),
    {
      type: 'input',
      block_id: BLOCK.type,
      label: plainText('What to delete'),
      element: typeSelect,
    },
    textInput({
      blockId: BLOCK.ids,
      actionId: ACTION.ids,
      label: 'Ids',
      hint: `One per line, or separated by commas or spaces, or a JSON array. Up to ${MAX_IDS_PER_APPROVAL}; more than ${MAX_IDS_PER_REQUEST} become several LivePerson requests under one approval.`,
      placeholder: 'One id per line',
      maxLength: IDS_INPUT_MAX,
      multiline: true,
      optional: false,
      initialValue: prefill.idsText,
    }),
    textInput({
      blockId: BLOCK.moreIds,
      actionId: ACTION.moreIds,
      label: 'More ids (optional)',
      hint: `One box holds ${IDS_INPUT_MAX.toLocaleString('en-US')} characters, about 80 conversation ids. Put the rest here.`,
      placeholder: 'Ids that did not fit above',
      maxLength: IDS_INPUT_MAX,
      multiline: true,
      optional: true,
      initialValue: prefill.moreIdsText,
    }),
    textInput({
      blockId: BLOCK.reason,
      actionId: ACTION.reason,
      label: 'Reason (DSR reference)',
      hint: 'The data subject request this fulfils, e.g. its ticket number. The approver sees it.',
      placeholder: 'e.g. DSR-2024-0173',
      maxLength: REASON_MAX,
      multiline: false,
      optional: false,
      initialValue: prefill.reason,
    }),
  ];
  if (opts.today) blocks.push(subjectRequestedOnInput(opts.today));

  const view: ModalView = {
    type: 'modal',
    callback_id: CALLBACK.requestModal,
    title: plainText('LivePerson deletion'),
    submit: plainText('Send for approval'),
    close: plainText('Cancel'),
    blocks,
  };
  if (opts.privateMetadata !== undefined) view.private_metadata = opts.privateMetadata;
  return view;
}
