/** The module's own tables in the catalog plugin's database. */
export const PROFILES_TABLE = 'azure_devops_repositories_profiles';
export const REPOSITORIES_TABLE = 'azure_devops_repositories_repositories';
export const MIGRATIONS_TABLE = 'azure_devops_repositories_knex_migrations';
