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
export { DEMO_ORGANIZATION_FIXTURE, loadOrganization, organizationFromYaml } from './loadOrganization';
export {
  deterministicGuid,
  gitBlobSha1,
  countRepositories,
  type ProjectInit,
  type RepositoryInit,
  type SimulatedOrganization,
  type SimulatedProject,
  type SimulatedRepository,
} from './organization';
export type { RouteName } from './requestTarget';
export type { ThrottleOptions, ThrottleStats } from './ThrottleBudget';
