/**
 * Azure DevOps answers errors with a JSON envelope, `{ "$id", "innerException", "message",
 * "typeName", "typeKey", "errorCode", "eventId" }`. Its `typeKey` is the only thing that tells
 * one 404 from another: the library's typed methods resolve `null` for all of them alike.
 */
import { isRecord } from '../common/isRecord';
import type { FileReadResult } from './AzureDevOpsApi';
import { parseJsonBody } from './parseJsonBody';

/** The parts of the error envelope the client reads. */
export interface ErrorEnvelope {
  typeKey?: string;
  message?: string;
}

/**
 * The envelope of an error body, a leading byte order mark allowed; undefined when the body is not
 * one (HTML, empty, not JSON).
 */
export function parseErrorEnvelope(body: string): ErrorEnvelope | undefined {
  let parsed: unknown;
  try {
    parsed = parseJsonBody(body);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  return {
    typeKey: typeof parsed.typeKey === 'string' ? parsed.typeKey : undefined,
    message: typeof parsed.message === 'string' ? parsed.message : undefined,
  };
}

/**
 * What a 404 on an item read means, by its `typeKey`; undefined when the 404 is not one of these
 * (a route the server does not know, a proxy's HTML page): that says nothing about the file, so
 * it must be treated as an error, never as a missing file.
 */
export function fileReadResultFromNotFound(envelope: ErrorEnvelope | undefined): FileReadResult | undefined {
  switch (envelope?.typeKey) {
    case 'GitItemNotFoundException':
      // VS403403 "Cannot find any branches": the repository has no commits at all.
      return envelope.message?.startsWith('VS403403') ? { kind: 'emptyRepository' } : { kind: 'missing' };
    case 'GitUnresolvableToCommitException':
      return { kind: 'branchMissing' };
    case 'GitRepositoryNotFoundException':
    case 'ProjectDoesNotExistWithNameException':
      return { kind: 'repositoryMissing' };
    default:
      return undefined;
  }
}

/**
 * Whether an error envelope says the project does not exist (TF200016), as Azure DevOps answers a
 * project-scoped route for a project deleted since it was listed.
 */
export function isProjectMissing(envelope: ErrorEnvelope | undefined): boolean {
  return (
    envelope?.typeKey === 'ProjectDoesNotExistWithNameException' ||
    envelope?.typeKey === 'ProjectDoesNotExistException' ||
    envelope?.message?.startsWith('TF200016') === true
  );
}

/**
 * Whether an error envelope says the repository of a repository-scoped route is not there: no such
 * repository, one the token may not read, or a disabled one (TF401019), or no such project
 * (TF200016). A 404 without such an envelope (a proxy's page, an unknown route) says nothing
 * about the repository.
 */
export function isRepositoryMissing(envelope: ErrorEnvelope | undefined): boolean {
  return envelope?.typeKey === 'GitRepositoryNotFoundException' || isProjectMissing(envelope);
}

/**
 * Whether a 404 on a branch's commit listing means there is no history to list: the branch does
 * not resolve (TF401175, which is also what an empty repository answers for a named branch:
 * GitVersionParser.GetCommitFromVersion, decompiled Azure DevOps Server 2022 in
 * mjwrona/decompiled), the repository has no branches at all (VS403403), or the repository or
 * its project is not there (TF401019, TF200016).
 */
export function isCommitHistoryMissing(envelope: ErrorEnvelope | undefined): boolean {
  return (
    envelope?.typeKey === 'GitUnresolvableToCommitException' ||
    envelope?.message?.startsWith('VS403403') === true ||
    isRepositoryMissing(envelope)
  );
}
