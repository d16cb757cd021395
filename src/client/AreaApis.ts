/**
 * The library's API clients, one per area (core, git, project analysis), each created once per
 * client so the OPTIONS discovery of its locations runs once. On Azure DevOps Services
 * `ResourceAreas` names the base URL each area lives on, so it is looked up first; Azure DevOps
 * Server answers no areas, and every area stays on the configured URL.
 *
 * An area is only ever moved to another path of the configured origin. A `locationUrl` on another
 * origin is ignored: the token is never sent to another host (`allowCrossOriginAuthentication` is
 * off), so following it would fail every request as if the token were rejected, while the areas
 * the module uses are served at the organization's own address on Services (recorded: core, git
 * and projectanalysis all name `https://dev.azure.com/{org}/`). Through a broker the lookup is
 * skipped altogether: it would name the real host and route requests around the broker.
 */
import type { ClientApiBase } from 'azure-devops-node-api/ClientApiBases';
import { CoreApi } from 'azure-devops-node-api/CoreApi';
import { GitApi } from 'azure-devops-node-api/GitApi';
import type { IRequestHandler, IRequestOptions } from 'azure-devops-node-api/interfaces/common/VsoBaseInterfaces';
import { ProjectAnalysisApi } from 'azure-devops-node-api/ProjectAnalysisApi';
import type { ClientErrors } from './ClientErrors';
import type { ProfileConnection } from './createWebApi';
import { dropByteOrderMarks, dropByteOrderMarksInResourceAreas } from './libraryByteOrderMarks';
import type { RequestGate } from './RequestGate';
import { RESOURCE_AREA_IDS } from './resources';
import { isLocationNotFound, probeWhyDiscoveryFailed, responseFromLibraryError } from './responseFromLibraryError';
import { isRetryableError } from './transportFault';

type ApiConstructor<T extends ClientApiBase> = new (
  baseUrl: string,
  handlers: IRequestHandler[],
  options?: IRequestOptions,
  userAgent?: string,
) => T;

/** Private members of `WebApi` used for the `ResourceAreas` lookup, named here so their use is visible. */
interface ResourceAreaLookup {
  _getResourceAreaUrl(serverUrl: string, resourceId: string): Promise<string>;
  _resourceAreas: unknown;
}

/** Options of {@link AreaApis}. */
export interface AreaApisOptions {
  connection: ProfileConnection;
  gate: RequestGate;
  errors: ClientErrors;
  requestTimeoutMs: number;
}

/** Hands out the area clients, discovering each on first use; a failed discovery is tried again next time. */
export class AreaApis {
  readonly #options: AreaApisOptions;
  #core?: Promise<CoreApi>;
  #git?: Promise<GitApi>;
  #projectAnalysis?: Promise<ProjectAnalysisApi>;

  constructor(options: AreaApisOptions) {
    this.#options = options;
    dropByteOrderMarksInResourceAreas(options.connection.webApi);
  }

  core(): Promise<CoreApi> {
    this.#core ??= this.#discover(CoreApi, RESOURCE_AREA_IDS.core).catch(error => {
      this.#core = undefined;
      throw error;
    });
    return this.#core;
  }

  git(): Promise<GitApi> {
    this.#git ??= this.#discover(GitApi, RESOURCE_AREA_IDS.git).catch(error => {
      this.#git = undefined;
      throw error;
    });
    return this.#git;
  }

  projectAnalysis(): Promise<ProjectAnalysisApi> {
    this.#projectAnalysis ??= this.#discover(ProjectAnalysisApi, RESOURCE_AREA_IDS.projectAnalysis).catch(error => {
      this.#projectAnalysis = undefined;
      throw error;
    });
    return this.#projectAnalysis;
  }

  async #discover<T extends ClientApiBase>(ApiClass: ApiConstructor<T>, resourceAreaId: string): Promise<T> {
    const { connection, gate, errors, requestTimeoutMs } = this.#options;
    const { webApi, viaBroker } = connection;
    const handlers = [webApi.authHandler];
    if (viaBroker) return dropByteOrderMarks(new ApiClass(webApi.serverUrl, handlers, webApi.options, webApi.userAgent));
    const lookup = webApi as unknown as ResourceAreaLookup;
    const operation = 'discovering the API locations';
    const response = await gate
      .run(async () => {
        try {
          const url = await lookup._getResourceAreaUrl(webApi.serverUrl, resourceAreaId);
          return { statusCode: 200, headers: {}, body: '', url };
        } catch (error) {
          // A failed lookup is not cached by the library; forget it so that a retry asks again.
          lookup._resourceAreas = undefined;
          const failure =
            responseFromLibraryError(error) ??
            (isLocationNotFound(error)
              ? await probeWhyDiscoveryFailed(webApi.rest.client, webApi.serverUrl, requestTimeoutMs)
              : undefined);
          if (failure) return { ...failure, url: webApi.serverUrl };
          throw error;
        }
      }, isRetryableError)
      .catch(error => {
        throw errors.fromThrown(error, operation);
      });
    if (response.statusCode !== 200) throw errors.fromStatus(response, operation);
    const baseUrl = sameOrigin(response.url, webApi.serverUrl) ? response.url : webApi.serverUrl;
    return dropByteOrderMarks(new ApiClass(baseUrl, handlers, webApi.options, webApi.userAgent));
  }
}

function sameOrigin(url: string, reference: string): boolean {
  try {
    return new URL(url).origin === new URL(reference).origin;
  } catch {
    return false;
  }
}
