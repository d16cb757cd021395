import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

/**
 * A database per plugin, as a production backend has (the events backend migrates a database of
 * its own on PostgreSQL): a database service handing each plugin its knex. Share one map between
 * backends for replicas.
 */
export function databasePerPlugin(knexByPlugin: Record<string, Knex>) {
  return createServiceFactory({
    service: coreServices.database,
    deps: { pluginMetadata: coreServices.pluginMetadata },
    factory: ({ pluginMetadata }) => {
      const knex = knexByPlugin[pluginMetadata.getId()];
      if (!knex) throw new Error(`No database for plugin ${pluginMetadata.getId()}`);
      return { getClient: async () => knex };
    },
  });
}
