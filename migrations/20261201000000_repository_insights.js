/**
 * Repository insights: what was read of each repository's commits and languages, and when the
 * profile last asked project analysis for languages, so that restarts and replicas stay warm.
 * Nullable: rows written before stay valid, and their insights are simply read again.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('azure_devops_repositories_repositories', table => {
    table.text('insights').nullable().comment('JSON: last commit date, contributor count and when read, languages');
  });
  await knex.schema.alterTable('azure_devops_repositories_profiles', table => {
    table.bigInteger('languages_read_at').nullable().comment('When project analysis was last asked for languages');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('azure_devops_repositories_repositories', table => table.dropColumn('insights'));
  await knex.schema.alterTable('azure_devops_repositories_profiles', table => table.dropColumn('languages_read_at'));
};
