/**
 * The configuration of the backend child of `--scheduled`: the catalog and one profile over the
 * simulator, scheduled as in production (a real scheduler on a real database), written to a file
 * the child reads with `--config` as any backend does. The database is a directory of SQLite
 * files, one per plugin, so that a restarted child finds the sync state, the scheduler's task row
 * and its lease where the killed one left them.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { readProfileConfigs } from '../../src/config/readProfileConfigs';

/** The profile's id: the module's log lines name it (`Profile bench: …`). */
export const PROFILE_ID = 'bench';

export interface ScheduledBackendSetup {
  /** The simulator's `start` reply. */
  url: string;
  organization: string;
  token: string;
  timeoutSeconds: number;
  insights: boolean;
  /** Undefined: the module's default. */
  concurrency?: number;
  /** Where the plugins' SQLite files live; the same directory across a restart. */
  databaseDirectory: string;
}

/** The `catalog` part: shared by the file and by the parent's reading of the resolved profile. */
function catalogConfig(setup: ScheduledBackendSetup): JsonObject {
  const { insights } = setup;
  return {
    locations: [],
    // No catalog.processingInterval: the default (100 to 150 s) as in production. New entities are
    // processed at once anyway, and a short interval re-processes every entity that often: 10,000
    // entities every 5 s keep the catalog busy all the time and slow the module's runs beside it.
    providers: {
      azureDevOpsRepositories: {
        [PROFILE_ID]: {
          profileName: 'Benchmark',
          organization: setup.organization,
          apiUrl: setup.url,
          token: setup.token,
          ...(setup.concurrency === undefined ? {} : { concurrency: setup.concurrency }),
          // One run at start-up; every later run is one the module triggers to continue its cycle.
          schedule: { frequency: { minutes: 30 }, timeout: { seconds: setup.timeoutSeconds }, initialDelay: { seconds: 0 } },
          insights: { freshness: insights, languages: insights, contributors: insights },
        },
      },
    },
  };
}

/** Requests the module sends at once, as it resolves the profile (its default unless set). */
export function resolvedConcurrency(setup: ScheduledBackendSetup): number {
  const [profile] = readProfileConfigs(new ConfigReader({ catalog: catalogConfig(setup) }));
  return profile.concurrency;
}

/** A port free on the loopback interface right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise(resolve => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no free loopback port');
  return address.port;
}

/**
 * Writes `app-config.<name>.yaml` (JSON, which YAML reads) into `directory`, on a fresh port each
 * time: a restarted child must not wait for the killed one's socket.
 */
export async function writeScheduledBackendConfig(
  directory: string,
  name: string,
  setup: ScheduledBackendSetup,
): Promise<{ configFile: string; baseUrl: string }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config: JsonObject = {
    backend: {
      baseUrl,
      listen: { port, host: '127.0.0.1' },
      // The harness reads the catalog API with plain fetch; never outside a benchmark.
      auth: { dangerouslyDisableDefaultAuthPolicy: true },
      database: { client: 'better-sqlite3', connection: { directory: setup.databaseDirectory } },
    },
    catalog: catalogConfig(setup),
  };
  const configFile = path.join(directory, `app-config.${name}.yaml`);
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  return { configFile, baseUrl };
}
