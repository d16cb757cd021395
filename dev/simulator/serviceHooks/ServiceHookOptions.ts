import type { ResourceDetails } from './ServiceHookPayload';

/**
 * One web hook subscription to every Git event the simulator sends, in every project of every
 * organization (on the service, subscriptions to git.repo.* events are made per project).
 */
export interface ServiceHookOptions {
  /** Where payloads are POSTed, e.g. `http://localhost:7007/api/events/http/azureDevOps`. */
  url: string;
  /** Sent as the custom header `x-ado-webhook-secret` when set; Azure DevOps itself signs nothing. */
  secret?: string;
  /** "Resource details to send". Defaults to `'all'`, the service's default. */
  resourceDetails?: ResourceDetails;
  /** Retries of a 408, 502, 503 or 504 answer. Defaults to 8, as on Services. */
  maxRetries?: number;
  /** The first pause before a retry, doubled for each further one up to 60 s. Defaults to 1000. */
  firstRetryDelayMs?: number;
}
