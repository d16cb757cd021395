import { AzureDevOpsError } from '../client/AzureDevOpsError';
import { messageOf } from './messageOf';
import type { VerificationCheck, VerificationCheckName } from './ProfileVerification';

/** What one check asked, in the words its detail uses. */
export interface CheckQuestion {
  name: VerificationCheckName;
  required: boolean;
  scope?: string;
  /** What was asked, e.g. `listing the repositories of project Platform`. */
  asking: string;
  /** What the module loses without it, for an optional check, e.g. `without it repositories get no languages`. */
  without?: string;
}

/**
 * 404s that stand for "not for you" on something the token was just shown: a repository or project
 * the token may not read answers as if it did not exist (TF401019, TF200016), and so, says the
 * Azure DevOps API reference, may a token short of a scope.
 */
const NO_PERMISSION_TYPE_KEYS = new Set([
  'GitRepositoryNotFoundException',
  'ProjectDoesNotExistWithNameException',
  'ProjectDoesNotExistException',
]);

/**
 * The check a failed question makes: `missing` with the scope when access was denied (401, 403, a
 * sign-in page, or a 404 that stands for no permission), else `failed` with the error's message,
 * which names the organization, host and operation and never a secret. Never throws.
 */
export function checkFromFailure(question: CheckQuestion, error: unknown): VerificationCheck {
  const { name, required, scope } = question;
  const without = question.without ? `; ${question.without}` : '';
  if (scope !== undefined && isAccessDenied(error)) {
    return { name, status: 'missing', required, scope, detail: `${scope} missing: ${question.asking} ${answered(error)}${without}` };
  }
  const message = messageOf(error);
  return { name, status: 'failed', required, ...(scope !== undefined ? { scope } : {}), detail: `${message}${without}` };
}

/** Whether the answer denied access rather than failed. */
export function isAccessDenied(error: unknown): error is AzureDevOpsError {
  if (!(error instanceof AzureDevOpsError)) return false;
  return (
    error.kind === 'unauthorized' ||
    error.kind === 'forbidden' ||
    (error.kind === 'notFound' && NO_PERMISSION_TYPE_KEYS.has(error.typeKey ?? ''))
  );
}

function answered(error: AzureDevOpsError): string {
  if (error.statusCode === 203 || (error.statusCode !== undefined && error.statusCode >= 300 && error.statusCode < 400)) {
    return `answered ${error.statusCode} with the sign-in page`;
  }
  if (error.statusCode === undefined) return 'was refused';
  return `answered ${error.statusCode}${error.typeKey ? ` ${error.typeKey}` : ''}`;
}
