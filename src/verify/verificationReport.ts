import type { ProfileConfig } from '../config/types';
import { CHECK_LABELS, type ProfileVerification } from './ProfileVerification';

const STATUS_WIDTH = 'skipped'.length + 2;
/** The longest label, its optional marker and two spaces. */
const LABEL_WIDTH = Math.max(...Object.values(CHECK_LABELS).map(label => label.length)) + 3;

/**
 * The command's human output for one profile: a heading naming the profile and where it was
 * asked (the organization's URL, or the broker's host: never its path, which holds the broker
 * token), one line per check with its status, then the token and the broker.
 */
export function verificationReport(verification: ProfileVerification, profile: ProfileConfig): string {
  const where = profile.broker
    ? `organization ${profile.organization} through the broker at ${new URL(profile.broker.url).host}`
    : profile.organizationUrl;
  const lines = [`Profile ${profile.id} (${profile.profileName}): ${where}`];
  for (const check of verification.checks) {
    const label = check.required ? CHECK_LABELS[check.name] : `${CHECK_LABELS[check.name]}*`;
    lines.push(`  ${check.status.padEnd(STATUS_WIDTH)}${label.padEnd(LABEL_WIDTH)}${check.detail}`);
  }
  lines.push(`  ${'token'.padEnd(STATUS_WIDTH + LABEL_WIDTH)}${verification.token.detail}`);
  if (verification.broker) {
    const reachable = verification.broker.reachable ? 'reachable' : 'unreachable';
    lines.push(`  ${'broker'.padEnd(STATUS_WIDTH)}${reachable.padEnd(LABEL_WIDTH)}${verification.broker.detail}`);
  }
  const optional = verification.checks.some(check => !check.required) ? ' (* optional)' : '';
  lines.push(`  ${'result'.padEnd(STATUS_WIDTH + LABEL_WIDTH)}${verification.ok ? 'ok: every required check passed' : 'FAILED: a required check did not pass'}${optional}`);
  return `${lines.join('\n')}\n`;
}
