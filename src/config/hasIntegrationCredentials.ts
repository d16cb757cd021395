import type { ScmIntegrations } from '@backstage/integration';

/**
 * Whether `integrations.azure` holds a credential for this host and organization. A credential
 * without organizations serves all of them. An integration without credentials does not count,
 * even though `ScmIntegrations` always adds one for dev.azure.com: it could only fall back to
 * ambient Azure credentials, which is too surprising to rely on silently.
 */
export function hasIntegrationCredentials(
  integrations: ScmIntegrations,
  host: string,
  organization: string,
): boolean {
  const wanted = organization.toLowerCase();
  return (integrations.azure.byHost(host)?.config.credentials ?? []).some(
    credential =>
      !credential.organizations?.length ||
      credential.organizations.some(name => name.toLowerCase() === wanted),
  );
}
