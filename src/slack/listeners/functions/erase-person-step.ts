import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { errorCode } from '../../../domain/error-code.js';
import type { Logger } from '../../../log.js';
import type { WorkflowSteps } from '../../../service/workflow-steps.js';

/** The `function_executed` fields the step relies on (inputs as the manifests declare them). */
const functionExecutedSchema = z.object({
  function_execution_id: z.string().min(1),
  inputs: z
    .object({
      identifier: z.string().optional(),
      case_ref: z.string().optional(),
      received_on: z.string().optional(),
      requester: z.string().optional(),
    })
    .optional(),
});

/**
 * `lp_erase_person` from Workflow Builder: acknowledged at once (Bolt's autoAcknowledge), then the service
 * searches, files the plan for approval, or completes the step at once (nothing found, a refusal).
 */
export function erasePersonStep(workflow: WorkflowSteps, log: Logger) {
  return async ({ event }: SlackEventMiddlewareArgs<'function_executed'> & AllMiddlewareArgs) => {
    const parsed = functionExecutedSchema.safeParse(event);
    if (!parsed.success) {
      log.warn('malformed_function_executed', {});
      return;
    }
    const inputs = parsed.data.inputs ?? {};
    try {
      await workflow.start({
        executionId: parsed.data.function_execution_id,
        identifier: inputs.identifier ?? '',
        caseRef: inputs.case_ref ?? '',
        requester: inputs.requester ?? '',
        ...(inputs.received_on ? { receivedOn: inputs.received_on } : {}),
      });
    } catch (error) {
      log.error('workflow_step_failed', { code: errorCode(error) });
    }
  };
}
