/**
 * The stepped sync cycle: a cycle works through the organization in steps, each applied to the
 * catalog and written here as it is made, so that a run cut short loses one step at most and the
 * next run, on any replica, resumes it. Additive only, like every migration of the module: an
 * older version of the module keeps working against these tables (it never reads the new columns).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('azure_devops_repositories_profiles', table => {
    table.text('cycle').nullable().comment('JSON: the cycle in progress (start, cursor, progress, counts); null between cycles');
    table.text('last_cycle').nullable().comment('JSON: the last complete cycle (start, end, repositories, runs, requests)');
    table.string('apply_lock_holder', 64).nullable().comment('Who applies a step or a batch of events now (any replica)');
    table.bigInteger('apply_lock_until').nullable().comment('When that lock lapses, should its holder have died');
  });
  await knex.schema.alterTable('azure_devops_repositories_repositories', table => {
    table.bigInteger('seen_in_cycle').nullable().comment('The cycle (its start) that last listed it, or an event of that cycle');
    table.bigInteger('file_read_at').nullable().comment('When its catalog file was last read: read again once a day, at a time of its own');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('azure_devops_repositories_profiles', table => {
    for (const column of ['cycle', 'last_cycle', 'apply_lock_holder', 'apply_lock_until']) table.dropColumn(column);
  });
  await knex.schema.alterTable('azure_devops_repositories_repositories', table => {
    for (const column of ['seen_in_cycle', 'file_read_at']) table.dropColumn(column);
  });
};
