/**
 * What the Workflow Builder step hands back to Slack: its outputs (names and types as the manifests
 * declare them) and the sentence of a step that ends unsuccessfully, which Slack shows to the person who
 * ran the workflow. Pure.
 */
import { DELETION_GUARANTEE_DAYS, CANCEL_WINDOW_DAYS } from '../../domain/types.js';
import type { StepFacts } from '../../domain/workflow-step.js';
import type { StepRefusal } from '../../service/workflow-steps.js';
import { calendarDate, plural } from '../format.js';
import { COMMAND, PERSON_COMMAND_WORD } from '../ids.js';
import { refusalText } from './refusal-text.js';

/** The outputs of `lp_erase_person`; optional ones are left out when there is nothing to say. */
export function stepOutputs(facts: StepFacts) {
  const receipt = receiptText(facts);
  return {
    outcome: facts.outcome,
    conversations: facts.conversations,
    held_back: facts.heldBack,
    ...(facts.requestIds.length > 0 ? { request_ids: facts.requestIds.join(',') } : {}),
    ...(facts.lpRequestIds.length > 0 ? { lp_request_ids: facts.lpRequestIds.join(',') } : {}),
    ...(facts.approver ? { approver: facts.approver } : {}),
    ...(receipt ? { receipt_text: receipt } : {}),
  };
}

/**
 * The text the requester may pass on to the data subject: plain sentences, no Slack markup, no LivePerson
 * or conversation ids. Only for `filed` and `nothing_found`: a rejected or failed erasure is for the
 * privacy team to explain.
 */
export function receiptText(facts: StepFacts): string | undefined {
  const asked = facts.subjectRequestedOn ? ` of ${calendarDate(facts.subjectRequestedOn)}` : '';
  const reference = facts.caseRef ? ` Our reference: ${facts.caseRef}.` : '';
  const on = facts.decidedOn ? ` on ${calendarDate(facts.decidedOn)}` : '';
  if (facts.outcome === 'nothing_found') {
    return (
      `Following your request${asked} to erase your personal data, we searched our customer-conversation ` +
      `platform (LivePerson)${on} and found no conversations of yours to delete.${reference}`
    );
  }
  if (facts.outcome !== 'filed') return undefined;
  const open =
    facts.heldBack > 0
      ? ' Conversations that were still open are deleted in the same way once they have closed.'
      : '';
  return (
    `Following your request${asked} to erase your personal data, we asked our customer-conversation ` +
    `platform (LivePerson)${on} to delete your personal data. LivePerson completes such deletions within ` +
    `${CANCEL_WINDOW_DAYS + DELETION_GUARANTEE_DAYS} days.${open}${reference}`
  );
}

/** The sentence of a step that ends before anything was filed: what happened and what to do next. */
export function stepErrorText(refusal: StepRefusal): string {
  const person = `\`${COMMAND} ${PERSON_COMMAND_WORD}\``;
  switch (refusal.code) {
    case 'BAD_IDENTIFIER':
      return refusal.problem === 'empty'
        ? 'The identifier was empty, so nothing was searched or filed. Give the step an email address, a LivePerson consumer id or a phone number.'
        : 'The identifier is longer than 320 characters, so nothing was searched or filed. Give the step one email address, LivePerson consumer id or phone number.';
    case 'NAME_NOT_ACCEPTED':
      return (
        'The identifier is not an email address, a LivePerson consumer id or a phone number, so nothing was ' +
        `filed: a name can match several people. Give the step one of those, or ask the privacy team to erase the person with ${person}.`
      );
    case 'BAD_REQUESTER':
      return 'The step was given no requester, so nothing was searched or filed. Set its Requester to a person (for example, the person who submitted the form).';
    case 'NAMESAKES':
      return (
        `The identifier leads to ${refusal.consumers} different consumers in LivePerson, who may be different ` +
        `people, so nothing was filed. Ask the privacy team to erase the person with ${person}, where they choose which consumers to erase.`
      );
    case 'ONLY_OPEN':
      return (
        `The person has ${plural(refusal.open, 'open conversation')} in LivePerson and nothing closed; LivePerson ` +
        'deletes closed conversations only, so nothing was filed. Run the workflow again once the conversations have closed.'
      );
    case 'SEARCH_FAILED':
      return (
        "LivePerson's conversation history could not be searched" +
        `${refusal.historyCode ? ` (${refusal.historyCode})` : ''}, so nothing was filed. Run the workflow again later; ` +
        `if it keeps failing, ask an admin to run \`npm run doctor\`.`
      );
    case 'FILING_REFUSED':
      return refusalText(refusal.refusal);
  }
}

/**
 * Slack refused our outputs (a bug of ours): the step still ends, saying where the result is, so the
 * workflow does not wait for ever.
 */
export function outputsRefusedText(facts: StepFacts): string {
  const ids =
    facts.requestIds.length > 0 ? ` See ${facts.requestIds.join(', ')} in the privacy channel.` : '';
  return `lp-delete finished (${facts.outcome}) but Slack refused the step's outputs.${ids}`;
}
