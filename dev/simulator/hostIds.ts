import { deterministicGuid } from './organization';

/**
 * The ids of the hosts behind an organization, derived from its name so they stay stable across
 * runs. On Services an organization is a collection host under an account host; connectionData
 * names the collection `instanceId`, and service hook payloads name both in `resourceContainers`
 * (that `instanceId` is the collection's id is an inference from their shapes, unverified).
 */
export function collectionIdOf(organization: string): string {
  return deterministicGuid('instance', organization);
}

export function accountIdOf(organization: string): string {
  return deterministicGuid('account', organization);
}

export function deploymentIdOf(organization: string): string {
  return deterministicGuid('deployment', organization);
}
