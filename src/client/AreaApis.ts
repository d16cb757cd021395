/**
 * The library's API clients, one per area (core, git, project analysis), each created once per
 * client so the OPTIONS discovery of its locations runs once. On Azure DevOps Services an area may
 * live on another host (`ResourceAreas`), so the base URL of each area is looked up first; through
 * a broker that lookup would answer the real host's URL and route requests around the broker, so
 * the broker URL is used as it is.
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
    return dropByteOrderMarks(new ApiClass(response.url, handlers, webApi.options, webApi.userAgent));
  }
}
