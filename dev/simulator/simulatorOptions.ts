import type { AuthFailureMode } from './authentication';
import type { BrokerAcceptRule } from './brokerAcceptRules';
import type { Deployment } from './deployment';
import type { SimulatedOrganization } from './organization';
import type { ServiceHookOptions } from './serviceHooks/ServiceHookOptions';
import type { ThrottleOptions } from './ThrottleBudget';

export interface AzureDevOpsSimulatorOptions {
  /** Copied at start; read and change the live state with `AzureDevOpsSimulator.organization()`. */
  organizations: SimulatedOrganization[];
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Accepted PATs. Defaults to `['sim-token']`. */
  tokens?: string[];
  /**
   * PATs past their expiry date, answered with 401 `AccessCheckException` whatever `authFailure`
   * says; a broker token here stands for the PAT the broker adds having expired.
   */
  expiredTokens?: string[];
  /**
   * The scopes of some PATs (`vso.code`, `vso.project`, `vso.analytics`; see `./tokenScopes`): a
   * request to a route outside them is answered 401 with an empty body. A token not listed has
   * every scope; a broker token here stands for the PAT the broker adds.
   */
  tokenScopes?: Record<string, string[]>;
  /** Accepted tokens of `/broker/{brokerToken}/{organization}/…` URLs. */
  brokerTokens?: string[];
  /**
   * The broker client's accept rules: a broker request no rule allows is answered by the broker
   * itself with 401 "blocked" and never reaches Azure DevOps. Absent, every request passes.
   */
  brokerAcceptRules?: BrokerAcceptRule[];
  /** Added to every answer. */
  latencyMs?: number;
  /** How an unknown or missing PAT is answered. Defaults to `'203'`. */
  authFailure?: AuthFailureMode;
  throttle?: ThrottleOptions;
  /**
   * Announce further project pages in `x-ms-continuationtoken`. Some Azure DevOps Server versions
   * never send it, so clients must page on with `$skip`. Defaults to true.
   */
  continuationTokens?: boolean;
  /** Keep `AzureDevOpsSimulator.requests`; turn off for long benchmarks. Defaults to true. */
  recordRequests?: boolean;
  /** Time source for throttling and pushes, so tests can move time without sleeping. Defaults to `Date.now`. */
  clock?: () => number;
  /** Which Azure DevOps to answer as (see {@link Deployment}). Defaults to `'services'`, what most users run. */
  deployment?: Deployment;
  /** See `DeploymentSettings.resourceAreaHost` in `./deployment`. */
  resourceAreaHost?: string;
  /**
   * A web hook subscription to the Git events: the changes made through the simulator's methods
   * (and its `/_simulator` control routes) are then POSTed as service hook payloads, without
   * waiting for the answer. Absent, nothing is sent. Changeable with `setServiceHooks`.
   */
  serviceHooks?: ServiceHookOptions;
}
