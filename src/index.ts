/**
 * A Backstage catalog module that emits a `Repository` entity for every Git repository of an
 * Azure DevOps organization, enriched with the application context of its catalog file.
 *
 * @packageDocumentation
 */
import { catalogModuleAzureDevOpsRepositories } from './module';

export { catalogModuleAzureDevOpsRepositories };
export default catalogModuleAzureDevOpsRepositories;

export {
  REPOSITORY_API_VERSION,
  REPOSITORY_KIND,
  RELATION_DECLARES,
  RELATION_DECLARED_IN,
} from './mapping/RepositoryEntity';
export type {
  ApplicationContext,
  RepositoryEntity,
  RepositoryEntitySpec,
} from './mapping/RepositoryEntity';
export {
  HOST_ORG_ANNOTATION,
  PROFILE_ANNOTATION,
  PROJECT_REPO_ANNOTATION,
} from './mapping/annotations';
export type { ApplicationContextAttributeId } from './config/types';
