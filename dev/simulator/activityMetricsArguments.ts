/**
 * The arguments of `repositoryactivity/metrics`, checked as Azure DevOps checks them. Source: the
 * argument checks of RepositoryActivityMetricsProvider and ActivityMetricsProviderHelper,
 * decompiled from Azure DevOps Server 2022 (github.com/mjwrona/decompiled,
 * source/Microsoft.TeamFoundation.ProjectAnalysis.Server/). In the order the server runs them:
 *
 * - `$skip` ≥ 0 (`ArgumentUtility.CheckForNonnegativeInt(skip, "skip")`), list form only;
 * - `$top` 1 to 100 (`ArgumentUtility.CheckBoundsInclusive(take, 1, 100, "take")`), list form only;
 * - the UTC day of `fromDate` (its midnight) not before now minus 31 days: in effect at most 30
 *   UTC days before today, so 30 days back always passes, and up to a day more depending on the
 *   time of day: "from time can be only within last 30 days";
 * - the UTC day of `fromDate` not after now, so a `fromDate` later today passes (clock skew) and
 *   one on a later UTC day does not: "from time cannot be in future";
 * - `aggregationType` hourly (0) or daily (1): "Unsupported Aggregation Type".
 *
 * Each failure is an `ArgumentOutOfRangeException`, answered 400. The date and aggregation checks
 * pass their text as the exception's parameter name (the one-argument constructor), so it follows
 * "Parameter name:" in the message. A missing or unparsable value fails model binding before any
 * of these checks; that answer is unverified, and the simulator answers 400
 * `InvalidArgumentValueException`.
 */
import { argumentOutOfRange, badRequest } from './azureDevOpsErrors';
import type { Outcome } from './routeContext';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MAX_TOP = 100;
/** The server compares the day of `fromDate` with now minus 31 days. */
const OLDEST_DAY_OFFSET_MS = 31 * DAY_MS;

/** `aggregationType` binds from the enum's name (any case) or its number: `0` hourly, `1` daily. */
const BUCKET_MS: Record<string, number> = { '0': HOUR_MS, hourly: HOUR_MS, '1': DAY_MS, daily: DAY_MS };

export interface ActivityWindow {
  /** `fromDate` floored to its bucket (the hour, or the UTC day): where the trend starts. */
  from: number;
  bucketMs: number;
}

export interface ActivityPage {
  skip: number;
  top: number;
}

/** The window of both forms (one repository, or a page of a project's repositories). */
export function activityWindow(query: URLSearchParams, now: number): Outcome<ActivityWindow> {
  const fromDate = Date.parse(query.get('fromDate') ?? '');
  if (Number.isNaN(fromDate)) return { ok: false, reply: badRequest('fromDate must be a date.') };
  const fromDay = floorTo(fromDate, DAY_MS);
  if (fromDay < now - OLDEST_DAY_OFFSET_MS) {
    return { ok: false, reply: argumentOutOfRange('from time can be only within last 30 days') };
  }
  if (fromDay > now) return { ok: false, reply: argumentOutOfRange('from time cannot be in future') };
  const bucketMs = BUCKET_MS[(query.get('aggregationType') ?? '').toLowerCase()];
  if (!bucketMs) return { ok: false, reply: argumentOutOfRange('Unsupported Aggregation Type') };
  return { ok: true, value: { from: floorTo(fromDate, bucketMs), bucketMs } };
}

/** The page of the list form; the server checks it before the window. */
export function activityPage(query: URLSearchParams): Outcome<ActivityPage> {
  const skip = integerParam(query, '$skip');
  if (!skip.ok) return skip;
  if (skip.value < 0) return { ok: false, reply: argumentOutOfRange('skip') };
  const top = integerParam(query, '$top');
  if (!top.ok) return top;
  if (top.value < 1 || top.value > MAX_TOP) {
    return {
      ok: false,
      reply: argumentOutOfRange(
        'take',
        `The value ${top.value} is out of range of valid values for parameter take. Valid values must be between 1 and ${MAX_TOP}.`,
      ),
    };
  }
  return { ok: true, value: { skip: skip.value, top: top.value } };
}

/** The start of every bucket from `window.from` up to and including the one holding `now`. */
export function bucketStarts(window: ActivityWindow, now: number): number[] {
  const starts: number[] = [];
  for (let start = window.from; start <= now; start += window.bucketMs) starts.push(start);
  return starts;
}

export function floorTo(time: number, bucketMs: number): number {
  return Math.floor(time / bucketMs) * bucketMs;
}

function integerParam(query: URLSearchParams, name: string): Outcome<number> {
  const raw = query.get(name);
  if (raw === null || !/^[+-]?\d+$/.test(raw.trim())) {
    return { ok: false, reply: badRequest(`The value '${raw ?? ''}' of parameter ${name} is not an integer.`) };
  }
  return { ok: true, value: Number(raw) };
}
