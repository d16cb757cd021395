import { AzureDevOpsError } from '../client/AzureDevOpsError';

/** An error in words for a log line: the client's errors already name the call and hold no secret. */
export function errorMessage(error: unknown): string {
  return error instanceof AzureDevOpsError ? error.message : String(error);
}
