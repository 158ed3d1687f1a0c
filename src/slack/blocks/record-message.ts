/** The thread reply once LivePerson accepted a request: what it recorded, and the dates that matter. Pure. */
import { cancelWindowEnds, deletionGuaranteedBy } from '../../domain/dates.js';
import { submittedAt } from '../../domain/lifecycle.js';
import type { DeletionRequest } from '../../domain/request.js';
import { CANCEL_WINDOW_DAYS, DELETION_GUARANTEE_DAYS } from '../../domain/types.js';
import { escapeMrkdwn, slackDate } from '../format.js';
import { lpStatusInWords, recordActions } from './lifecycle-messages.js';
import {
  context,
  fieldsSection,
  section,
  typeAndCount,
  type KnownBlock,
  type SlackMessage,
} from './parts.js';

const NOT_GIVEN = '_not given by LivePerson_';

function cancelledLine(request: DeletionRequest): string {
  const record = request.lpRecord;
  if (!record?.isCanceled && request.status !== 'cancelled') return 'No';
  const by = record?.cancelledBy ? ` by ${escapeMrkdwn(record.cancelledBy)}` : '';
  const at = record?.cancelTimestamp ? ` on ${slackDate(record.cancelTimestamp)}` : '';
  return `Yes${by}${at}: nothing will be deleted`;
}

/** `now` adds the Refresh status and (inside the cancel window) Cancel deletion buttons. */
export function buildRecordMessage(request: DeletionRequest, opts: { now?: Date } = {}): SlackMessage {
  const record = request.lpRecord;
  // LivePerson's clock starts at its own request time, or (without one) when lp-delete submitted it.
  const started = submittedAt(request);
  const fromLivePerson = !Number.isNaN(Date.parse(record?.requestTime ?? ''));

  const fields = [
    `*LivePerson request*\n${record ? escapeMrkdwn(record.requestId) : '_none yet_'}`,
    `*Site*\n${escapeMrkdwn(record?.siteId ?? request.accountId)}`,
    `*Request time*\n${started ? slackDate(started) : NOT_GIVEN}`,
    `*Requested by (LivePerson)*\n${record?.requestedBy ? escapeMrkdwn(record.requestedBy) : NOT_GIVEN}`,
    `*What*\n${typeAndCount(request)}`,
    `*Cancelled*\n${cancelledLine(request)}`,
  ];
  if (record?.status) {
    const checked = request.lpStatusCheckedAt ? `, checked ${slackDate(request.lpStatusCheckedAt)}` : '';
    fields.push(`*LivePerson status*\n${lpStatusInWords(record.status)}${checked}`);
  }
  if (started) {
    fields.push(
      `*Cancellable until*\n${slackDate(cancelWindowEnds(started))}`,
      `*Deletion guaranteed by*\n${slackDate(deletionGuaranteedBy(started))}`,
    );
  }

  const notes = [
    `LivePerson accepts cancellation for ${CANCEL_WINDOW_DAYS} days after the request time; ` +
      `after that the deletion is final and happens within ${DELETION_GUARANTEE_DAYS} more days.`,
  ];
  if (started && !fromLivePerson) {
    notes.push('LivePerson sent no request time, so these dates count from when lp-delete submitted it.');
  }

  const blocks: KnownBlock[] = [
    section(
      request.status === 'cancelled'
        ? `*Deletion request ${request.id} was cancelled at LivePerson.* Nothing will be deleted.`
        : request.completedAt
          ? `*LivePerson finished deleting ${request.id}* (reported done ${slackDate(request.completedAt)}).`
          : `*LivePerson accepted deletion request ${request.id}.*`,
    ),
    fieldsSection(fields),
    context(...notes),
  ];
  const actions = opts.now ? recordActions(request, opts.now) : undefined;
  if (actions) blocks.push(actions);
  const text = record
    ? `${request.id} accepted by LivePerson as request ${record.requestId}`
    : `${request.id}: LivePerson record`;
  return { text, blocks };
}
