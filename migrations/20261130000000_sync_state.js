/**
 * The sync state of the azure-devops-repositories catalog module: what a sync needs of the last one,
 * kept in the catalog plugin's database so that restarts are warm and replicas share it.
 * Forward-only: a later change adds a migration; none is ever rolled back.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('azure_devops_repositories_profiles', table => {
    table.comment('One row per configured profile: the last sync and what the next one starts from');
    table.string('profile_id', 255).primary().notNullable();
    table.bigInteger('last_sync_started_at').nullable();
    table.bigInteger('last_sync_ended_at').nullable();
    table.string('last_sync_outcome', 32).nullable().comment('succeeded or failed');
    table.text('last_sync_counts').nullable().comment('JSON: seen, emitted, skipped, failed, withContext, unchanged');
    table.text('last_error').nullable().comment('Redacted: no token ever reaches it');
    table.bigInteger('activity_cursor').nullable().comment('Start of the last clean sync: the next activity window opens there');
    table.bigInteger('last_full_read_at').nullable();
    table.bigInteger('activity_unavailable_until').nullable();
    table.boolean('removals_awaiting_confirmation').notNullable().defaultTo(false);
  });
  await knex.schema.createTable('azure_devops_repositories_repositories', table => {
    table.comment('One row per repository of a profile: its last catalog file outcome and emitted refs');
    table.string('profile_id', 255).notNullable();
    table.string('repository_id', 64).notNullable();
    table.string('branch', 1024).nullable();
    table.string('file_id', 64).nullable().comment('Git blob id (sha1) of the catalog file last read');
    table.text('outcome').nullable().comment('JSON of the last usable outcome; null while nothing is known');
    table.boolean('stale').notNullable().defaultTo(false);
    table.boolean('failed_unknown').notNullable().defaultTo(false);
    table.text('entity_refs').notNullable().comment('JSON array of the refs emitted for it');
    table.primary(['profile_id', 'repository_id']);
  });
};

/**
 * knex requires a `down`; the module never calls it (migrations are forward-only). Dropping the
 * tables by hand is safe: the next sync of each profile is then a cold one.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTableIfExists('azure_devops_repositories_repositories');
  await knex.schema.dropTableIfExists('azure_devops_repositories_profiles');
};
