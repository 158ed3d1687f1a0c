import type { WebClient } from '@slack/web-api';
import type { CompletionAnswer, StepCompleter, StepCompletion } from '../service/workflow-steps.js';
import { outputsRefusedText, stepErrorText, stepOutputs } from './blocks/workflow-step-words.js';
import { slackPlatformError } from './slack-errors.js';

/**
 * Slack's answers to a completion of an execution that is no longer running: an earlier call of ours
 * completed it (its answer was lost), so this one counts as done. Slack's method pages list both:
 * `execution_not_in_running_state` and `function_execution_not_found` ("the function has been completed
 * and cannot be found").
 */
const ALREADY_DONE = new Set(['execution_not_in_running_state', 'function_execution_not_found']);

/**
 * Completes Workflow Builder steps with functions.completeSuccess / completeError, through the app's own
 * client: the BOT token. (Bolt's `complete()` and `fail()` use the workflow token of the event, which
 * expires 15 minutes after the step started; an approval can take days.)
 */
export class SlackStepCompleter implements StepCompleter {
  constructor(private readonly client: WebClient) {}

  async complete(executionId: string, completion: StepCompletion): Promise<CompletionAnswer> {
    try {
      if (completion.kind === 'error') {
        await this.client.functions.completeError({
          function_execution_id: executionId,
          error: stepErrorText(completion.refusal),
        });
        return 'completed';
      }
      try {
        await this.client.functions.completeSuccess({
          function_execution_id: executionId,
          outputs: { ...stepOutputs(completion.facts) },
        });
      } catch (error) {
        // A bug of ours, not worth retrying: end the step anyway, saying where the result is.
        if (slackPlatformError(error) !== 'parameter_validation_failed') throw error;
        await this.client.functions.completeError({
          function_execution_id: executionId,
          error: outputsRefusedText(completion.facts),
        });
      }
      return 'completed';
    } catch (error) {
      if (ALREADY_DONE.has(slackPlatformError(error) ?? '')) return 'already_completed';
      throw error;
    }
  }
}
