import type { StoredProfile, StoredProfileStatus, StoredRepository } from './types';

/** A row as knex reads or writes it. */
export type Row = Record<string, unknown>;

/** PostgreSQL returns `bigint` as text. */
function toNumber(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}

function toText(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

export function profileFromRow(row: Row): StoredProfile {
  return {
    lastSyncStartedAt: toNumber(row.last_sync_started_at),
    lastSyncEndedAt: toNumber(row.last_sync_ended_at),
    lastSyncOutcome: toText(row.last_sync_outcome) as StoredProfile['lastSyncOutcome'],
    lastSyncCounts: row.last_sync_counts ? JSON.parse(String(row.last_sync_counts)) : undefined,
    lastError: toText(row.last_error),
    activityCursor: toNumber(row.activity_cursor),
    lastFullReadAt: toNumber(row.last_full_read_at),
    activityUnavailableUntil: toNumber(row.activity_unavailable_until),
    removalsAwaitingConfirmation: Boolean(row.removals_awaiting_confirmation),
    languagesReadAt: toNumber(row.languages_read_at),
    lastMutation: toText(row.last_mutation) as StoredProfile['lastMutation'],
  };
}

export function profileStatusFromRow(row: Row): StoredProfileStatus {
  return {
    ...profileFromRow(row),
    profileId: String(row.profile_id),
    syncStartedAt: toNumber(row.sync_started_at),
    syncExpiresAt: toNumber(row.sync_expires_at),
    consecutiveFailures: toNumber(row.consecutive_failures) ?? 0,
    lastSuccessAt: toNumber(row.last_success_at),
    lastEventAt: toNumber(row.last_event_at),
    tokenCheck: toText(row.token_check),
    cycle: toText(row.cycle),
    lastCycle: toText(row.last_cycle),
  };
}

export function profileToRow(profile: StoredProfile): Row {
  return {
    last_sync_started_at: profile.lastSyncStartedAt ?? null,
    last_sync_ended_at: profile.lastSyncEndedAt ?? null,
    last_sync_outcome: profile.lastSyncOutcome ?? null,
    last_sync_counts: profile.lastSyncCounts ? JSON.stringify(profile.lastSyncCounts) : null,
    last_error: profile.lastError ?? null,
    activity_cursor: profile.activityCursor ?? null,
    last_full_read_at: profile.lastFullReadAt ?? null,
    activity_unavailable_until: profile.activityUnavailableUntil ?? null,
    removals_awaiting_confirmation: profile.removalsAwaitingConfirmation,
    languages_read_at: profile.languagesReadAt ?? null,
    last_mutation: profile.lastMutation ?? null,
  };
}

export function repositoryFromRow(row: Row): StoredRepository {
  return {
    id: String(row.repository_id),
    branch: toText(row.branch),
    fileId: toText(row.file_id),
    outcome: toText(row.outcome),
    stale: Boolean(row.stale),
    failedUnknown: Boolean(row.failed_unknown),
    entityRefs: JSON.parse(String(row.entity_refs)),
    insights: toText(row.insights),
    seenInCycle: toNumber(row.seen_in_cycle),
    fileReadAt: toNumber(row.file_read_at),
  };
}

export function repositoryToRow(profileId: string, repository: StoredRepository): Row {
  return {
    profile_id: profileId,
    repository_id: repository.id,
    branch: repository.branch ?? null,
    file_id: repository.fileId ?? null,
    outcome: repository.outcome ?? null,
    stale: repository.stale,
    failed_unknown: repository.failedUnknown,
    entity_refs: JSON.stringify(repository.entityRefs),
    insights: repository.insights ?? null,
    seen_in_cycle: repository.seenInCycle ?? null,
    file_read_at: repository.fileReadAt ?? null,
  };
}
