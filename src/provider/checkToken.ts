import type { LoggerService } from '@backstage/backend-plugin-api';
import type { AzureDevOpsApiFactory } from '../client/createAzureDevOpsApiFactory';
import type { ProfileConfig } from '../config/types';
import type { ProfileVerification } from '../verify/ProfileVerification';
import { verificationSummaryLine } from '../verify/verificationSummaryLine';
import { verifyProfile } from '../verify/verifyProfile';
import type { ProfileSyncState } from './ProfileSyncState';

/**
 * The start-up token check of one profile: probes what the module needs, logs one line (`info`
 * when every required check passed, else `warn`), and keeps the result for the status route.
 * Never throws: a check that cannot run or be kept logs one warning and leaves the syncs alone.
 */
export async function checkToken(options: {
  profile: ProfileConfig;
  createApi: AzureDevOpsApiFactory;
  state: ProfileSyncState;
  logger: LoggerService;
  redacted: (error: unknown) => string;
  now: () => number;
}): Promise<ProfileVerification | undefined> {
  const { profile, logger } = options;
  let verification: ProfileVerification;
  try {
    verification = await verifyProfile(profile, { createApi: options.createApi, now: options.now });
  } catch (error) {
    logger.warn(`Token check of profile ${profile.id} could not run: ${options.redacted(error)}`);
    return undefined;
  }
  const line = verificationSummaryLine(verification);
  if (verification.ok) logger.info(line);
  else logger.warn(line);
  try {
    await options.state.saveTokenCheck(verification);
  } catch (error) {
    logger.warn(`Profile ${profile.id}: the token check could not be kept in the state store: ${options.redacted(error)}`);
  }
  return verification;
}
