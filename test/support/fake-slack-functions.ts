/**
 * Custom steps (functions) in the fake Slack, as Slack documents them: a workflow runs a step, Slack
 * sends the app a `function_executed` event, and the app ends the execution with functions.completeSuccess
 * or functions.completeError. Strict where Slack is:
 * - outputs are checked against the manifest's output parameters: an unknown name, a wrong type or a
 *   missing required output is refused with `parameter_validation_failed` (the method's documented error);
 * - an execution completes once: later calls answer `execution_not_in_running_state`; an id Slack never
 *   issued answers `function_execution_not_found`;
 * - the event's `bot_access_token` (the workflow token) is accepted for these two methods for 15 minutes
 *   after the event, then refused with `token_expired`; the bot token always works.
 * Readings where the docs are silent (the hardest chosen): `string` outputs must be strings (a number is
 * refused), `integer` whole numbers, `slack#/types/user_id` a user id (`U…`/`W…`), `slack#/types/date`
 * `yyyy-mm-dd`.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

export interface FunctionParameter {
  type: string;
  is_required?: boolean;
  title?: string;
  description?: string;
}

export interface FunctionDefinition {
  title: string;
  description: string;
  input_parameters: Record<string, FunctionParameter>;
  output_parameters: Record<string, FunctionParameter>;
}

export interface FakeCompletion {
  executionId: string;
  method: 'functions.completeSuccess' | 'functions.completeError';
  outputs?: Record<string, unknown>;
  error?: string;
  /** Which token completed it: the bot token or the workflow token of the event. */
  token: 'bot' | 'workflow';
  at: number;
}

export interface FakeExecution {
  executionId: string;
  callbackId: string;
  workflowToken: string;
  startedAt: number;
  state: 'running' | 'completed' | 'failed';
}

export class FunctionError extends Error {
  constructor(
    readonly code: string,
    readonly details: string[] = [],
  ) {
    super(code);
  }
}

/** How long Slack honours the workflow token of a function_executed event. */
export const WORKFLOW_TOKEN_TTL_MS = 15 * 60_000;

const CHECKS: Record<string, (value: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  'slack#/types/user_id': (v) => typeof v === 'string' && /^[UW][A-Z0-9]+$/.test(v),
  'slack#/types/channel_id': (v) => typeof v === 'string' && /^[CGD][A-Z0-9]+$/.test(v),
  'slack#/types/date': (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v),
};

/** Problems of `values` against `parameters` (empty when Slack would take them). */
export function checkParameters(
  parameters: Record<string, FunctionParameter>,
  values: Record<string, unknown>,
): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    const parameter = parameters[name];
    if (!parameter) problems.push(`${name}: not a parameter of this function`);
    else if (!(CHECKS[parameter.type] ?? (() => true))(value))
      problems.push(`${name}: must be of type ${parameter.type}`);
  }
  for (const [name, parameter] of Object.entries(parameters)) {
    if (parameter.is_required && values[name] === undefined) problems.push(`${name}: is required`);
  }
  return problems;
}

/** The `functions` of an app manifest (YAML), keyed by callback id. */
export async function manifestFunctions(path: URL | string): Promise<Record<string, FunctionDefinition>> {
  const manifest = parse(await readFile(path, 'utf8')) as { functions?: Record<string, FunctionDefinition> };
  return manifest.functions ?? {};
}

export class FakeFunctions {
  readonly executions: FakeExecution[] = [];
  readonly completions: FakeCompletion[] = [];
  private definitions: Record<string, FunctionDefinition> = {};

  constructor(
    private readonly botToken: string,
    private readonly now: () => number,
  ) {}

  /** The app's functions, as its manifest declares them. */
  define(definitions: Record<string, FunctionDefinition>): void {
    this.definitions = { ...this.definitions, ...definitions };
  }

  /**
   * A workflow reaches the step: returns the Events API `event` Slack sends (the test posts it signed to
   * the app). Inputs are checked as Slack checks a workflow's step before running it.
   */
  execute(
    callbackId: string,
    inputs: Record<string, unknown>,
  ): { event: Record<string, unknown>; executionId: string } {
    const definition = this.definitions[callbackId];
    if (!definition) throw new Error(`the manifest has no function ${callbackId}`);
    const problems = checkParameters(definition.input_parameters, inputs);
    if (problems.length > 0) throw new Error(`Slack would not run this step: ${problems.join('; ')}`);
    const executionId = `Fx${randomBytes(5).toString('hex').toUpperCase()}`;
    const workflowToken = `xwfp-${randomBytes(12).toString('hex')}`;
    const at = this.now();
    this.executions.push({ executionId, callbackId, workflowToken, startedAt: at, state: 'running' });
    const parameters = (params: Record<string, FunctionParameter>) =>
      Object.entries(params).map(([name, p]) => ({ name, ...p }));
    return {
      executionId,
      event: {
        type: 'function_executed',
        function: {
          id: `Fn${randomBytes(5).toString('hex').toUpperCase()}`,
          callback_id: callbackId,
          title: definition.title,
          description: definition.description,
          type: 'app',
          input_parameters: parameters(definition.input_parameters),
          output_parameters: parameters(definition.output_parameters),
          app_id: 'A0TEST',
          date_created: Math.floor(at / 1000),
          date_updated: Math.floor(at / 1000),
          date_deleted: 0,
        },
        inputs,
        function_execution_id: executionId,
        workflow_execution_id: `Wx${randomBytes(5).toString('hex').toUpperCase()}`,
        event_ts: (at / 1000).toFixed(6),
        bot_access_token: workflowToken,
      },
    };
  }

  /** Whether `token` is a workflow token these methods take now. */
  acceptsToken(token: string): boolean {
    return this.executions.some((e) => e.workflowToken === token);
  }

  completionsOf(executionId: string): FakeCompletion[] {
    return this.completions.filter((c) => c.executionId === executionId);
  }

  /** functions.completeSuccess / functions.completeError. */
  complete(
    method: FakeCompletion['method'],
    body: Record<string, unknown>,
    token: string,
  ): Record<string, unknown> {
    const viaWorkflow = token !== this.botToken;
    const executionId = body.function_execution_id;
    if (typeof executionId !== 'string' || executionId === '') throw new FunctionError('invalid_arguments');
    const execution = this.executions.find((e) => e.executionId === executionId);
    if (viaWorkflow) {
      const own = this.executions.find((e) => e.workflowToken === token);
      if (!own || own !== execution) throw new FunctionError('access_denied');
      if (this.now() - own.startedAt > WORKFLOW_TOKEN_TTL_MS) throw new FunctionError('token_expired');
    }
    if (!execution) throw new FunctionError('function_execution_not_found');
    if (execution.state !== 'running') throw new FunctionError('execution_not_in_running_state');
    const definition = this.definitions[execution.callbackId];
    if (!definition) throw new FunctionError('function_execution_not_found');
    const record: FakeCompletion = {
      executionId,
      method,
      token: viaWorkflow ? 'workflow' : 'bot',
      at: this.now(),
    };
    if (method === 'functions.completeError') {
      const error = body.error;
      if (typeof error !== 'string' || error.trim() === '') throw new FunctionError('invalid_arguments');
      execution.state = 'failed';
      this.completions.push({ ...record, error });
      return { ok: true };
    }
    const outputs = body.outputs;
    if (typeof outputs !== 'object' || outputs === null || Array.isArray(outputs)) {
      throw new FunctionError('invalid_arguments', ['outputs must be an object']);
    }
    const problems = checkParameters(definition.output_parameters, outputs as Record<string, unknown>);
    if (problems.length > 0) throw new FunctionError('parameter_validation_failed', problems);
    execution.state = 'completed';
    this.completions.push({ ...record, outputs: outputs as Record<string, unknown> });
    return { ok: true };
  }
}
