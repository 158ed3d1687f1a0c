/** The thread reply when a submission failed or its outcome is unknown. Pure. */
import type { DeletionRequest } from '../../domain/request.js';
import { escapeMrkdwn, slackDate, truncate } from '../format.js';
import type { FailureExplanation } from './failure-words.js';
import { context, section, typeAndCount, type KnownBlock, type SlackMessage } from './parts.js';

/** Room for both paragraphs in one 3,000-character section even after escaping. */
const PARAGRAPH_MAX = 1200;

function paragraph(text: string): string {
  return escapeMrkdwn(truncate(text.trim(), PARAGRAPH_MAX));
}

export function buildFailureMessage(request: DeletionRequest, explanation: FailureExplanation): SlackMessage {
  const unknown = request.status === 'outcome_unknown';
  const headline = unknown
    ? `:warning: *We do not know whether LivePerson received deletion request ${request.id}.*`
    : `:x: *LivePerson did not accept deletion request ${request.id}.* Nothing was deleted.`;

  const details = [`${typeAndCount(request)}, filed ${slackDate(request.createdAt)}`];
  const failure = request.failure;
  if (failure) {
    const status = failure.httpStatus !== undefined ? `, HTTP ${failure.httpStatus}` : '';
    details.push(`Error code \`${escapeMrkdwn(truncate(failure.code, 100))}\`${status}`);
  }

  const blocks: KnownBlock[] = [
    section(headline),
    section(
      `*What happened*\n${paragraph(explanation.what)}\n\n*What to do next*\n${paragraph(explanation.next)}`,
    ),
    context(...details),
  ];
  const text = unknown
    ? `Deletion request ${request.id}: outcome unknown`
    : `Deletion request ${request.id}: submission failed`;
  return { text, blocks };
}
