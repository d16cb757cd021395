/** @public `<project>/<repository>`: read by the community Azure DevOps frontend cards. */
export const PROJECT_REPO_ANNOTATION = 'dev.azure.com/project-repo';

/** @public `<host>/<organization>`: multi-organization and on-premises routing of those cards. */
export const HOST_ORG_ANNOTATION = 'dev.azure.com/host-org';

/** @public The profile id that emitted the entity. */
export const PROFILE_ANNOTATION = 'azure-devops-repositories.dev/profile';
