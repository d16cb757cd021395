import type { CheckQuestion } from './checkFromFailure';
import { SCOPES, type VerificationCheck, type VerificationCheckName } from './ProfileVerification';

/** What a check asks: its name, whether the module needs it, the scope that grants it, and the request in words. */
export function question(name: VerificationCheckName, asking: string, without?: string): CheckQuestion {
  return { name, required: REQUIRED.has(name), ...(SCOPE_OF[name] ? { scope: SCOPE_OF[name] } : {}), asking, ...(without ? { without } : {}) };
}

const REQUIRED = new Set<VerificationCheckName>(['connection', 'projects', 'repositories', 'file']);

const SCOPE_OF: Record<VerificationCheckName, string | undefined> = {
  connection: undefined,
  projects: SCOPES.project,
  repositories: SCOPES.code,
  file: SCOPES.code,
  projectAnalysis: SCOPES.analytics,
  languages: SCOPES.analytics,
};

/** A check that passed. */
export function ok(asked: CheckQuestion, detail: string): VerificationCheck {
  const { name, required, scope } = asked;
  return { name, status: 'ok', required, ...(scope !== undefined ? { scope } : {}), detail };
}

/** A check not tried, with why in `detail`. */
export function skipped(name: VerificationCheckName, detail: string): VerificationCheck {
  const { required, scope } = question(name, '');
  return { name, status: 'skipped', required, ...(scope !== undefined ? { scope } : {}), detail };
}
