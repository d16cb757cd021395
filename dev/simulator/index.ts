export {
  AzureDevOpsSimulator,
  type AzureDevOpsSimulatorOptions,
  type RecordedRequest,
} from './AzureDevOpsSimulator';
export type { AuthFailureMode } from './authentication';
export { errorEnvelope, type ErrorEnvelope } from './azureDevOpsErrors';
export type { BrokerAcceptRule } from './brokerAcceptRules';
export type { Deployment } from './deployment';
export type { Fault, FaultResponse, ErrorFaultResponse, RawFaultResponse } from './faults';
export {
  CATALOG_FILE_PATH,
  GENERATED_SHARES,
  generateOrganization,
  summarizeOrganization,
  type GenerateOrganizationOptions,
} from './generateOrganization';
export { DEMO_ORGANIZATION_FIXTURE, loadOrganization, organizationFromYaml, type LoadOrganizationOptions } from './loadOrganization';
export { GENERATED_BOTS, GENERATED_FRESHNESS, GENERATED_PEOPLE } from './generatedHistory';
export {
  commitHistory,
  deterministicGuid,
  gitBlobSha1,
  countRepositories,
  type CommitInit,
  type ProjectInit,
  type RepositoryInit,
  type SimulatedCommit,
  type SimulatedOrganization,
  type SimulatedPerson,
  type SimulatedProject,
  type SimulatedRepository,
} from './organization';
export type { PayloadDetails } from './OrganizationChanges';
export type { RecordedPush } from './PushLedger';
export type { RouteName } from './requestTarget';
export { gitPushPayload, type GitPush } from './serviceHooks/gitPushPayload';
export { hookOrigin, type HookActor, type HookOrigin } from './serviceHooks/HookOrigin';
export { HookReceiver, type ReceivedHook } from './serviceHooks/HookReceiver';
export { repositoryCreatedPayload, type RepositoryChange } from './serviceHooks/repositoryCreatedPayload';
export { repositoryDeletedPayload } from './serviceHooks/repositoryDeletedPayload';
export { repositoryRenamedPayload } from './serviceHooks/repositoryRenamedPayload';
export { repositoryStatusChangedPayload } from './serviceHooks/repositoryStatusChangedPayload';
export type { ServiceHookOptions } from './serviceHooks/ServiceHookOptions';
export type {
  ResourceDetails,
  ServiceHookEventType,
  ServiceHookMessage,
  ServiceHookNotification,
  ServiceHookPayload,
} from './serviceHooks/ServiceHookPayload';
export type { ServiceHookDelivery } from './serviceHooks/ServiceHookSender';
export { SimulatorStateError } from './SimulatorStateError';
export type { ThrottleOptions, ThrottleStats } from './ThrottleBudget';
export { scopeOfRoute, type TokenScope } from './tokenScopes';
