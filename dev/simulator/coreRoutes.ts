import { badRequest, projectNotFound } from './azureDevOpsErrors';
import type { SimulatedIdentity } from './authentication';
import { resourceAreasJson } from './deployment';
import { collectionIdOf, deploymentIdOf } from './hostIds';
import { jsonReply, listReply } from './reply';
import { resourceLocations } from './resourceLocations';
import {
  isTrue,
  projectReferenceJson,
  wholeNumberParam,
  type RouteContext,
  type RouteHandler,
} from './routeContext';

/** Without `$top` the service returns at most 100 projects. */
const DEFAULT_PROJECT_PAGE = 100;
/** `stateFilter` values that include well-formed projects; every simulated project is well formed. */
const STATES_INCLUDING_WELL_FORMED = new Set(['wellformed', 'all', 'unchanged']);

export const areaOptions: RouteHandler = context => listReply(resourceLocations(context.target.area ?? ''));

/**
 * Through a broker too, the areas name the organization's own address, as the real service would
 * name dev.azure.com: an address the broker's client cannot use without credentials.
 */
export const resourceAreas: RouteHandler = context =>
  jsonReply(resourceAreasJson(context.deployment, context.urls.organization()));

export const connectionData: RouteHandler = context => {
  const organizationName = context.organization.name;
  return jsonReply({
    authenticatedUser: identityJson(context.identity),
    authorizedUser: identityJson(context.identity),
    instanceId: collectionIdOf(organizationName),
    deploymentId: deploymentIdOf(organizationName),
    deploymentType: context.deployment.deployment === 'services' ? 'hosted' : 'onPremises',
    locationServiceData: {
      serviceOwner: '00025394-6065-48ca-87d9-7f5672854ef7',
      defaultAccessMappingMoniker: 'PublicAccessMapping',
      lastChangeId: 1,
      lastChangeId64: 1,
    },
  });
};

/**
 * Paged with `$top`/`$skip`, or with the opaque `continuationToken` announced in the
 * `x-ms-continuationtoken` response header while more projects remain (the header is not in the
 * REST spec, and azure-devops-node-api drops it: see the reference).
 */
export const projects: RouteHandler = context => {
  const { query } = context;
  const top = wholeNumberParam(query, '$top', DEFAULT_PROJECT_PAGE);
  if (!top.ok) return top.reply;
  const skip = wholeNumberParam(query, '$skip', 0);
  if (!skip.ok) return skip.reply;
  const continuation = query.get('continuationToken');
  const continueAt = continuation ? Number(continuation) : 0;
  if (!Number.isInteger(continueAt) || continueAt < 0) {
    return badRequest(`The continuation token '${continuation}' is not valid.`);
  }

  const stateFilter = (query.get('stateFilter') ?? 'wellFormed').toLowerCase();
  const matching = STATES_INCLUDING_WELL_FORMED.has(stateFilter) ? context.organization.projects : [];
  const start = continueAt + skip.value;
  const page = matching.slice(start, start + top.value);
  const next = start + page.length;
  const headers: Record<string, string> =
    next < matching.length && page.length > 0 ? { 'x-ms-continuationtoken': String(next) } : {};
  return listReply(
    page.map(project => projectReferenceJson(project, context.urls)),
    headers,
  );
};

export const project: RouteHandler = context => {
  const reference = context.target.projectId ?? '';
  const found = context.store.findProject(context.organization.name, reference);
  if (!found) return projectNotFound(reference);
  return jsonReply({
    ...projectReferenceJson(found, context.urls),
    ...(isTrue(context.query.get('includeCapabilities'))
      ? { capabilities: { versioncontrol: { sourceControlType: 'Git', gitEnabled: 'true', tfvcEnabled: 'false' } } }
      : {}),
    _links: projectLinks(context, found.id),
  });
};

function projectLinks(context: RouteContext, projectId: string): Record<string, { href: string }> {
  const self = `${context.urls.organization()}/_apis/projects/${projectId}`;
  return { self: { href: self }, collection: { href: `${context.urls.organization()}/_apis/projectCollections` } };
}

function identityJson(identity: SimulatedIdentity): Record<string, unknown> {
  return {
    id: identity.id,
    descriptor: `Microsoft.IdentityModel.Claims.ClaimsIdentity;simulator\\${identity.id}`,
    providerDisplayName: identity.displayName,
    isActive: true,
    properties: { Account: { $type: 'System.String', $value: `${identity.id}@simulator.invalid` } },
    resourceVersion: 2,
    metaTypeId: 0,
  };
}
