import { parseHttpUrl } from '../common/parseHttpUrl';
import type { ProfileConfig } from '../config/types';
import type { RepositoryEvent } from './repositoryEventFromServiceHook';

/**
 * Whether an event is of the profile's organization: one of the payload's URLs lies under the
 * profile's organization URL (scheme, host and port equal, path segments compared without case,
 * any `user@` ignored, as in `remoteUrl`). On Azure DevOps Services, `dev.azure.com/{org}` and the
 * legacy `{org}.visualstudio.com` name the same organization, and either may appear on each side.
 */
export function eventBelongsToProfile(
  event: Pick<RepositoryEvent, 'urls'>,
  profile: Pick<ProfileConfig, 'organizationUrl' | 'organization'>,
): boolean {
  const organizationUrl = parseHttpUrl(profile.organizationUrl);
  if (!organizationUrl) return false;
  const profileSegments = pathSegments(organizationUrl);
  const profileIsHosted = hostedOrganization(organizationUrl) !== undefined;
  return event.urls.some(value => {
    const url = parseHttpUrl(value);
    if (!url) return false;
    const hosted = hostedOrganization(url);
    if (hosted !== undefined && profileIsHosted) return hosted === profile.organization.toLowerCase();
    if (url.protocol !== organizationUrl.protocol || url.host.toLowerCase() !== organizationUrl.host.toLowerCase()) return false;
    const segments = pathSegments(url);
    return profileSegments.every((segment, index) => segments[index] === segment);
  });
}

/** Decoded, lower-cased path segments; an undecodable one stays as it is. */
function pathSegments(url: URL): string[] {
  return url.pathname
    .split('/')
    .filter(segment => segment !== '')
    .map(segment => {
      try {
        return decodeURIComponent(segment).toLowerCase();
      } catch {
        return segment.toLowerCase();
      }
    });
}

/** The organization an Azure DevOps Services URL names, lower case; undefined for any other host. */
function hostedOrganization(url: URL): string | undefined {
  const host = url.hostname.toLowerCase();
  if (host === 'dev.azure.com') return pathSegments(url)[0];
  if (host.endsWith('.visualstudio.com')) return host.slice(0, -'.visualstudio.com'.length);
  return undefined;
}
