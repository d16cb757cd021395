import { jsonReply, type Reply } from './reply';

/**
 * Envelopes of plain .NET exceptions, which name the framework assembly in `typeName` and carry
 * `eventId` 0, as in a recorded Services answer: `"typeKey": "ArgumentOutOfRangeException",
 * "typeName": "System.ArgumentOutOfRangeException, mscorlib"`, `"eventId": 0`
 * (github.com/krateoplatformops-blueprints/azuredevops-provider-kog,
 * azuredevops-provider-kog-blueprint/docs/troubleshooting_guide.md).
 */
const SYSTEM_TYPE_NAMES: Record<string, string> = {
  ArgumentException: 'System.ArgumentException, mscorlib',
  ArgumentOutOfRangeException: 'System.ArgumentOutOfRangeException, mscorlib',
};

/** The assembly that real error envelopes name in `typeName`, per `typeKey`. */
const TYPE_NAME_NAMESPACES: Record<string, string> = {
  GitItemNotFoundException: 'Microsoft.TeamFoundation.Git.Server',
  GitUnresolvableToCommitException: 'Microsoft.TeamFoundation.Git.Server',
  GitRepositoryNotFoundException: 'Microsoft.TeamFoundation.Git.Server',
  ProjectDoesNotExistWithNameException: 'Microsoft.TeamFoundation.Core.WebApi',
};

/**
 * The Azure DevOps error body: clients branch on `typeKey`, then on the code that opens
 * `message` (`TF401174: …`).
 */
export interface ErrorEnvelope {
  $id: '1';
  innerException: null;
  message: string;
  typeName: string;
  typeKey: string;
  errorCode: 0;
  /** 3000 for Azure DevOps' own exceptions, 0 for plain .NET ones. */
  eventId: number;
}

export function errorEnvelope(typeKey: string, message: string): ErrorEnvelope {
  const systemTypeName = SYSTEM_TYPE_NAMES[typeKey];
  const namespace = TYPE_NAME_NAMESPACES[typeKey] ?? 'Microsoft.TeamFoundation.Framework.Server';
  return {
    $id: '1',
    innerException: null,
    message,
    typeName: systemTypeName ?? `${namespace}.${typeKey}, ${namespace}`,
    typeKey,
    errorCode: 0,
    eventId: systemTypeName ? 0 : 3000,
  };
}

export function errorReply(
  status: number,
  typeKey: string,
  message: string,
  headers: Record<string, string> = {},
): Reply {
  return jsonReply(errorEnvelope(typeKey, message), status, headers);
}

export function repositoryNotFound(nameOrId: string): Reply {
  return errorReply(
    404,
    'GitRepositoryNotFoundException',
    `TF401019: The Git repository with name or identifier ${nameOrId} does not exist or you do not have permissions for the operation you are attempting.`,
  );
}

export function projectNotFound(name: string): Reply {
  return errorReply(
    404,
    'ProjectDoesNotExistWithNameException',
    `TF200016: The following project does not exist: ${name}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`,
  );
}

export function itemNotFound(path: string, repository: string, version: string): Reply {
  return errorReply(
    404,
    'GitItemNotFoundException',
    `TF401174: The item '${path}' could not be found in the repository '${repository}' at the version specified by '${version}' (resolved to commit ''). It may have been deleted or renamed.`,
  );
}

/** Empty repositories have no branch, so any versioned read fails with this rather than TF401174. */
export function noBranches(repository: string): Reply {
  return errorReply(404, 'GitItemNotFoundException', `VS403403: Cannot find any branches for the ${repository} repository.`);
}

/**
 * What a Git route answers when it must pick the default branch of a repository that has none:
 * 400 with a plain `ArgumentException` (GitVersionParser.GetCommitFromVersion throws it for a branch
 * descriptor without a version, decompiled Azure DevOps Server 2022 in mjwrona/decompiled; the
 * envelope as recorded for stats/branches in Azure/azure-rest-api-specs#29648).
 */
export function noBranchToChoose(repository: string): Reply {
  return errorReply(400, 'ArgumentException', `VS403403: Cannot find any branches for the ${repository} repository.`);
}

export function unresolvableVersion(version: string, repository: string): Reply {
  return errorReply(
    404,
    'GitUnresolvableToCommitException',
    `TF401175: The version descriptor ${version} could not be resolved to a version in the repository ${repository}`,
  );
}

export function badRequest(message: string): Reply {
  return errorReply(400, 'InvalidArgumentValueException', message);
}

/**
 * 400 for an argument the server's own checks refuse, as project analysis maps
 * `ArgumentOutOfRangeException` (RepositoryActivityMetricsController.InitializeExceptionMap,
 * decompiled Azure DevOps Server 2022: github.com/mjwrona/decompiled,
 * source/Microsoft.TeamFoundation.ProjectAnalysis.Server/Controllers/RepositoryActivityMetricsController.cs).
 * The message is .NET Framework's: the given text, or the default one when the exception was built
 * from a parameter name alone, then `Parameter name: …` on a line of its own.
 */
export function argumentOutOfRange(parameterName: string, message = 'Specified argument was out of the range of valid values.'): Reply {
  return errorReply(400, 'ArgumentOutOfRangeException', `${message}\r\nParameter name: ${parameterName}`);
}

export function requestBlocked(resource: string, headers: Record<string, string>): Reply {
  return errorReply(
    429,
    'RequestBlockedException',
    `TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource '${resource}' in namespace 'User'.`,
    headers,
  );
}

export function organizationNotFound(name: string): Reply {
  return errorReply(404, 'OrganizationNotFoundException', `The organization '${name}' does not exist in this simulator.`);
}

export function routeNotFound(method: string, path: string): Reply {
  return errorReply(404, 'RouteNotFoundException', `The simulator has no route for ${method} ${path}.`);
}
