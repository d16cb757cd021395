import type { AzureDevOpsErrorKind } from './AzureDevOpsApi';

/**
 * A failed call to Azure DevOps. The message names the organization, the operation and the
 * status, and never a secret: callers may log it as it is.
 */
export class AzureDevOpsError extends Error {
  readonly name = 'AzureDevOpsError';
  readonly kind: AzureDevOpsErrorKind;
  readonly statusCode?: number;
  /** The `typeKey` of Azure DevOps' error envelope, when there was one. */
  readonly typeKey?: string;
  /**
   * True when Azure DevOps said the token has expired (a 401 whose `X-TFS-ServiceError` or message
   * says so); false when it did not say, which includes an expired token refused without a reason.
   */
  readonly tokenExpired: boolean;

  constructor(options: {
    kind: AzureDevOpsErrorKind;
    message: string;
    statusCode?: number;
    typeKey?: string;
    tokenExpired?: boolean;
  }) {
    super(options.message);
    this.kind = options.kind;
    this.statusCode = options.statusCode;
    this.typeKey = options.typeKey;
    this.tokenExpired = options.tokenExpired ?? false;
  }
}
