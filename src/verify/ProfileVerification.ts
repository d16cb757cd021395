/**
 * What a token check found out about one profile: the shapes {@link verifyProfile} returns, the
 * module stores at start-up and the command prints.
 */

/** The checks, in the order they run: each needs what the ones before it found. */
export type VerificationCheckName = 'connection' | 'projects' | 'repositories' | 'file' | 'projectAnalysis' | 'languages';

/** Every check name, in order. */
export const VERIFICATION_CHECK_NAMES: readonly VerificationCheckName[] = [
  'connection',
  'projects',
  'repositories',
  'file',
  'projectAnalysis',
  'languages',
];

/** How a check's name reads in output. */
export const CHECK_LABELS: Readonly<Record<VerificationCheckName, string>> = {
  connection: 'connection',
  projects: 'projects',
  repositories: 'repositories',
  file: 'file',
  projectAnalysis: 'project analysis',
  languages: 'languages',
};

/** The PAT scopes the checks need, as Azure DevOps' "Create a token" page names them. */
export const SCOPES = {
  code: 'Code (read)',
  project: 'Project and Team (read)',
  analytics: 'Analytics (read)',
} as const;

/** One thing the module needs, and whether the credentials give it. */
export interface VerificationCheck {
  name: VerificationCheckName;
  /**
   * `ok`: it works. `missing`: access denied (401, 403, or a 404 that stands for no permission):
   * the scope is missing. `failed`: any other error (unreachable host, a broker's block, a
   * server without the resource). `skipped`: not tried, `detail` says why.
   */
  status: 'ok' | 'missing' | 'failed' | 'skipped';
  /** Whether the module cannot work without it; a profile is ok when every required check is. */
  required: boolean;
  /** The PAT scope that grants it; absent for the connection, which any valid token passes. */
  scope?: string;
  /** In words, never with a secret: what was asked and what the answer was. */
  detail: string;
}

/** The token check of one profile. */
export interface ProfileVerification {
  /** The key under `catalog.providers.azureDevOpsRepositories`. */
  profileId: string;
  /** When the check started, ISO 8601. */
  checkedAt: string;
  /** True when every required check is ok. */
  ok: boolean;
  /** One per {@link VerificationCheckName}, in that order. */
  checks: VerificationCheck[];
  /**
   * What is known of the token's expiry: `expired` true when Azure DevOps said so, false when the
   * token was just accepted, absent when it cannot be told. `expiresAt` only when Azure DevOps
   * names the date, which no call a PAT can make does.
   */
  token: { expired?: boolean; expiresAt?: string; detail: string };
  /** Only for a profile with a broker: whether the broker server answered at all. */
  broker?: { reachable: boolean; detail: string };
}
