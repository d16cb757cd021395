import type { ProfileConfig } from '../config/types';
import type { StoredProfileStatus } from '../state/types';
import { completedCycleOf, cycleProgressOf, type CompletedCycleSummary, type CycleProgress } from './cycleProgress';

/**
 * `failing`: the last sync failed (the catalog kept its entities). `syncing`: a sync runs now, and
 * the last one, if any, succeeded. `never-synced`: no sync ended yet. `ok`: the last sync succeeded.
 */
export type ProfileHealth = 'ok' | 'failing' | 'never-synced' | 'syncing';

/** What the scheduler says of the profile's sync task, when it could be asked. */
export interface ScheduledTaskState {
  nextRunAt?: string;
}

/** One profile's answer of the status route: no token, no broker token, errors redacted. */
export interface ProfileStatus {
  id: string;
  profileName: string;
  organization: string;
  host: string;
  broker: boolean;
  status: ProfileHealth;
  lastSync: {
    startedAt: string;
    endedAt?: string;
    durationMs?: number;
    outcome?: 'succeeded' | 'failed';
    counts?: { seen: number; emitted: number; skipped: number; failed: number; withContext: number; unchanged: number };
    requests?: number;
    retries?: number;
    throttledMs?: number;
  } | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  /** The run of the sync going on now, on any replica. */
  syncing: { startedAt: string; timesOutAt?: string } | null;
  /** The cycle in progress (a pass over the organization, over as many runs as it takes); null between cycles. */
  cycle: CycleProgress | null;
  /** The last complete cycle. */
  lastCycle: CompletedCycleSummary | null;
  /** From the scheduler; null when it could not be asked (the answer says so in `schedulerError`). */
  nextRunAt: string | null;
  schedulerError?: string;
  incrementalSync: { active: boolean; fullReadsUntil: string | null };
  events: { subscribed: boolean; lastAppliedAt: string | null };
  /** The last token check (start-up probe), as it ran. */
  tokenCheck: unknown;
}

/** Where the stored row and the scheduler meet the clock. */
export interface ProfileStatusContext {
  now: number;
  /** Whether the provider subscribed to service hook events (the events service was there). */
  eventsSubscribed: boolean;
  task?: ScheduledTaskState;
  schedulerError?: string;
}

/** The status route's answer for one profile, from its configuration and its stored row (if any). */
export function profileStatusOf(
  profile: ProfileConfig,
  stored: StoredProfileStatus | undefined,
  context: ProfileStatusContext,
): ProfileStatus {
  const syncing = runningSync(stored, context);
  const unavailableUntil = stored?.activityUnavailableUntil;
  const fullReads = unavailableUntil !== undefined && unavailableUntil > context.now;
  return {
    id: profile.id,
    profileName: profile.profileName,
    organization: profile.organization,
    host: profile.host,
    broker: profile.broker !== undefined,
    status: healthOf(stored, syncing !== null),
    lastSync: lastSyncOf(stored),
    lastSuccessAt: iso(stored?.lastSuccessAt),
    lastError: failing(stored) ? (stored?.lastError ?? null) : null,
    consecutiveFailures: stored?.consecutiveFailures ?? 0,
    syncing,
    cycle: cycleProgressOf(stored?.cycle),
    lastCycle: completedCycleOf(stored?.lastCycle),
    nextRunAt: context.task?.nextRunAt ?? null,
    ...(context.schedulerError !== undefined && { schedulerError: context.schedulerError }),
    incrementalSync: {
      // Incremental once a clean sync set the cursor, unless project analysis was unavailable lately.
      active: stored?.activityCursor !== undefined && !fullReads,
      fullReadsUntil: fullReads ? iso(unavailableUntil) : null,
    },
    events: { subscribed: context.eventsSubscribed, lastAppliedAt: iso(stored?.lastEventAt) },
    tokenCheck: parsed(stored?.tokenCheck),
  };
}

/** The last run failed: a run that went on with its cycle since clears it, though the cycle is not over. */
function failing(stored: StoredProfileStatus | undefined): boolean {
  return stored?.lastSyncOutcome === 'failed' && stored.consecutiveFailures > 0;
}

function healthOf(stored: StoredProfileStatus | undefined, syncing: boolean): ProfileHealth {
  if (failing(stored)) return 'failing';
  if (syncing) return 'syncing';
  if (stored?.lastSyncEndedAt === undefined && !stored?.cycle) return 'never-synced';
  return 'ok';
}

/** A sync marked as started (by any replica) whose timeout has not passed. */
function runningSync(stored: StoredProfileStatus | undefined, context: ProfileStatusContext): ProfileStatus['syncing'] {
  const { syncStartedAt, syncExpiresAt } = stored ?? {};
  if (syncStartedAt !== undefined && (syncExpiresAt === undefined || syncExpiresAt > context.now)) {
    return { startedAt: iso(syncStartedAt)!, ...(syncExpiresAt !== undefined && { timesOutAt: iso(syncExpiresAt)! }) };
  }
  return null;
}

function lastSyncOf(stored: StoredProfileStatus | undefined): ProfileStatus['lastSync'] {
  if (stored?.lastSyncStartedAt === undefined) return null;
  const { lastSyncStartedAt: startedAt, lastSyncEndedAt: endedAt, lastSyncCounts: counts = {} } = stored;
  const { requests, retries, throttledMs, ...rest } = counts;
  const succeeded = stored.lastSyncOutcome === 'succeeded';
  return {
    startedAt: iso(startedAt)!,
    ...(endedAt !== undefined && { endedAt: iso(endedAt)!, durationMs: endedAt - startedAt }),
    ...(stored.lastSyncOutcome !== undefined && { outcome: stored.lastSyncOutcome }),
    // The counts are those of the last sync that succeeded.
    ...(succeeded && {
      counts: {
        seen: rest.seen ?? 0,
        emitted: rest.emitted ?? 0,
        skipped: rest.skipped ?? 0,
        failed: rest.failed ?? 0,
        withContext: rest.withContext ?? 0,
        unchanged: rest.unchanged ?? 0,
      },
      ...(requests !== undefined && { requests }),
      ...(retries !== undefined && { retries }),
      ...(throttledMs !== undefined && { throttledMs }),
    }),
  };
}

function iso(epochMs: number | undefined): string | null {
  return epochMs === undefined ? null : new Date(epochMs).toISOString();
}

function parsed(json: string | undefined): unknown {
  if (json === undefined) return null;
  try {
    return JSON.parse(json);
  } catch {
    return null;
  }
}
