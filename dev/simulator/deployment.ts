/**
 * Which Azure DevOps the simulator answers as. For what the module uses, the two differ in what
 * `GET /_apis/ResourceAreas` answers, and so in where the client sends each area's requests:
 *
 * - `services` (dev.azure.com) lists every area with the base URL it lives on, as
 *   `{"count":N,"value":[{"id","name","locationUrl"}]}`; core, git and projectanalysis live on the
 *   organization's own address, with a trailing slash, while others live on other hosts (recorded:
 *   microsoft/playwright, tests/playwright-test/assets/azure-reporter/azureAreas.json).
 * - `onPremises` (Azure DevOps Server) answers `{"count":0,"value":null}`, and clients keep every
 *   area on the base URL they were given (azure-devops-node-api, `WebApi._getResourceAreaUrl`).
 *
 * connectionData's `deploymentType` follows: `hosted` or `onPremises`.
 */
export type Deployment = 'services' | 'onPremises';

/** How the simulator answers `ResourceAreas`. */
export interface DeploymentSettings {
  deployment: Deployment;
  /**
   * With `services`, the host named in each area's `locationUrl` instead of the simulator's own
   * (`localhost` for `127.0.0.1`): an area living on another host, as the real service's Graph or
   * Release areas do. The port stays the simulator's, so requests sent there still reach it.
   */
  resourceAreaHost?: string;
}

/** The areas the module and the simulator's clients use, by resource area id. */
const AREAS = [
  { id: '79134c72-4a58-4b42-976c-04e7115f32bf', name: 'core' },
  { id: '4e080c62-fa21-4fbc-8fef-2a10a2b38049', name: 'git' },
  { id: '7658fa33-b1bf-4580-990f-fac5896773d3', name: 'projectanalysis' },
] as const;

/** The body of `GET /_apis/ResourceAreas` for an organization at `organizationUrl` (no trailing slash). */
export function resourceAreasJson(settings: DeploymentSettings, organizationUrl: string): unknown {
  if (settings.deployment === 'onPremises') return { count: 0, value: null };
  const location = new URL(`${organizationUrl}/`);
  if (settings.resourceAreaHost) location.hostname = settings.resourceAreaHost;
  return { count: AREAS.length, value: AREAS.map(area => ({ ...area, locationUrl: location.href })) };
}
