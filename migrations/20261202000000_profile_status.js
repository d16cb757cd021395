/**
 * What the status route answers from, so that every replica answers the same: the sync in
 * progress, the mutation and the run of failures of the last sync, when service hook events were
 * last applied, and the start-up token check. Nullable (or defaulted): rows written before stay valid.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('azure_devops_repositories_profiles', table => {
    table.bigInteger('sync_started_at').nullable().comment('Start of the sync in progress; null when none runs');
    table.bigInteger('sync_expires_at').nullable().comment('When the sync in progress times out: past it, the sync is taken as dead');
    table.string('last_mutation').nullable().comment('full or delta: how the last applied sync reached the catalog');
    table.integer('consecutive_failures').notNullable().defaultTo(0).comment('Failed syncs since the last one that succeeded');
    table.bigInteger('last_success_at').nullable().comment('End of the last sync that succeeded');
    table.bigInteger('last_event_at').nullable().comment('When a batch of service hook events was last applied');
    table.text('token_check').nullable().comment('JSON: the last token check (redacted)');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('azure_devops_repositories_profiles', table => {
    for (const column of ['sync_started_at', 'sync_expires_at', 'last_mutation', 'consecutive_failures', 'last_success_at', 'last_event_at', 'token_check']) {
      table.dropColumn(column);
    }
  });
};
