/**
 * The LivePerson sandbox (Domain API, Sentinel, Personal Data Deletion API) lives in `sandbox/`, one
 * file per API; this module keeps the import path every test, script and the CLI already use.
 */
export { startSandbox } from './sandbox/start-sandbox.js';
export { SANDBOX_DEFAULT_CREDENTIALS } from './sandbox/types.js';
export type {
  ExternalRequestInput,
  Sandbox,
  SandboxCall,
  SandboxCallKind,
  SandboxCredentials,
  SandboxExtension,
  SandboxExtensionAnswer,
  SandboxExtensionCall,
  SandboxInjection,
  SandboxOptions,
} from './sandbox/types.js';
export type { SandboxRequest, SandboxStatus } from './sandbox/rules.js';
