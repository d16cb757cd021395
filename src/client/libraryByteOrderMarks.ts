/**
 * azure-devops-node-api hands every body it reads to `JSON.parse`, which refuses the UTF-8 byte
 * order mark some Azure DevOps answers start with. The module reads its data answers itself
 * (`readResponse`), but location discovery runs inside the library: an OPTIONS answer behind a
 * mark would look like "no locations" ("Failed to find api location"), and an error answer behind
 * one loses its envelope and its headers (`X-TFS-ServiceError`). These wrappers drop the mark from
 * what the library reads, per client instance, never touching the library's prototypes.
 */
import type { WebApi } from 'azure-devops-node-api';
import type { ClientApiBase } from 'azure-devops-node-api/ClientApiBases';
import { withoutByteOrderMark } from './parseJsonBody';

/** The client, whose JSON methods (and location discovery) now read bodies without the mark. */
export function dropByteOrderMarks<T extends ClientApiBase>(api: T): T {
  const http = api.rest.client;
  const request = http.request.bind(http);
  http.request = async (...args) => {
    const response = await request(...args);
    const readBody = response.readBody.bind(response);
    response.readBody = async () => withoutByteOrderMark(await readBody());
    return response;
  };
  return api;
}

/** Makes the `ResourceAreas` lookup of `webApi` (its own Locations client) read bodies without the mark. */
export function dropByteOrderMarksInResourceAreas(webApi: WebApi): void {
  const getLocationsApi = webApi.getLocationsApi.bind(webApi);
  webApi.getLocationsApi = async (...args) => dropByteOrderMarks(await getLocationsApi(...args));
}
