import { CHECK_LABELS, type ProfileVerification, type VerificationCheck } from './ProfileVerification';

/**
 * One log line for a profile's token check: `ok` and the checks that passed, then what did not,
 * each in its own words (a missing check's detail names its scope first), e.g.
 * `Token check of profile demo: Code (read) missing: listing the repositories of project Platform
 * answered 401; not tried: file`.
 */
export function verificationSummaryLine(verification: ProfileVerification): string {
  const { checks } = verification;
  const passed = checks.filter(check => check.status === 'ok').map(check => CHECK_LABELS[check.name]);
  const problems = checks.filter(check => check.status === 'missing' || check.status === 'failed').map(problemWords);
  const notTried = checks.filter(check => check.status === 'skipped' && check.required);
  const parts: string[] = [];
  if (verification.ok) parts.push(`ok (${passed.join(', ')})`);
  parts.push(...problems);
  // After a problem, the checks it kept from running are only named; alone, each says why.
  if (problems.length > 0 && notTried.length > 0) parts.push(`not tried: ${notTried.map(check => CHECK_LABELS[check.name]).join(', ')}`);
  if (problems.length === 0) parts.push(...notTried.map(check => `${CHECK_LABELS[check.name]} ${check.detail}`));
  if (verification.token.expired) parts.push(`token: ${verification.token.detail}`);
  if (verification.broker && !verification.broker.reachable) parts.push(`broker: ${verification.broker.detail}`);
  return `Token check of profile ${verification.profileId}: ${parts.join('; ')}`;
}

/** A missing check's detail starts with its scope; a failed one's is the error, so the check is named first. */
function problemWords(check: VerificationCheck): string {
  const optional = check.required ? '' : ' (optional)';
  return check.status === 'missing' ? `${check.detail}${optional}` : `${CHECK_LABELS[check.name]} failed${optional}: ${check.detail}`;
}
