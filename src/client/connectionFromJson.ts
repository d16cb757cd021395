import { isRecord } from '../common/isRecord';
import type { AzureDevOpsConnection } from './AzureDevOpsApi';

/**
 * `connectionData` JSON to its DTO; a string saying why when the answer names no authenticated
 * identity. Azure DevOps answers an unauthenticated caller with an identity too, named `Anonymous`
 * (observed; see the Azure DevOps API reference, section 3): that is a refused token, not a user.
 */
export function connectionFromJson(json: unknown): AzureDevOpsConnection | string {
  const user = isRecord(json) ? json.authenticatedUser : undefined;
  if (!isRecord(user) || typeof user.id !== 'string' || user.id === '') {
    return 'the answer names no authenticated user';
  }
  const userName = typeof user.providerDisplayName === 'string' ? user.providerDisplayName : '';
  if (userName === 'Anonymous') return 'Azure DevOps answered as for an anonymous caller: the credentials were not taken';
  const deploymentType = isRecord(json) ? json.deploymentType : undefined;
  return {
    userId: user.id,
    userName,
    deployment: deploymentType === 'hosted' || deploymentType === 'onPremises' ? deploymentType : 'unknown',
  };
}
