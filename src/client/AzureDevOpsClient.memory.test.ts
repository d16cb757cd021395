/**
 * A 100 MiB catalog file must be refused without being read into memory. The read runs in a child
 * process (`dev/bench/readFileMemory.ts`) that measures its own heap, Buffers and resident set
 * around the read; the simulator serving the file stays here, in the test process.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { AzureDevOpsSimulator, type SimulatedOrganization } from '../../dev/simulator';

const TOKEN = 'memory-test-pat-0123456789';
const FILE_BYTES = 100 * 1024 * 1024;
/** The profile default of `backstageCatalog.maxFileBytes`. */
const MAX_BYTES = 262_144;
/** "A few MB": the cap plus what sockets and parsers hold in flight, far below the file. */
const MAX_INCREASE_MIB = 8;
const ROOT = path.resolve(__dirname, '../..');

const organization: SimulatedOrganization = {
  name: 'heavy',
  projects: [
    {
      id: '5e1f0000-0000-4000-8000-000000000001',
      name: 'Big Files',
      visibility: 'private',
      repositories: ['small', 'huge'].map((name, index) => ({
        id: `5e1f0000-0000-4000-8000-0000000000b${index}`,
        name,
        defaultBranch: 'main',
        isDisabled: false,
        isFork: false,
        size: 0,
        files: { 'catalog-info.yaml': 'metadata:\n  name: small\n' },
        commitId: String(index).repeat(40),
        lastPushDate: new Date('2026-01-01T00:00:00Z'),
      })),
    },
  ],
};

interface Measurement {
  result: { kind: string; bytes?: number; atLeast?: boolean };
  baselineMiB: { heapAndBuffers: number; rss: number };
  peakMiB: { heapAndBuffers: number; rss: number };
  increaseMiB: { heapAndBuffers: number; rss: number };
}

let simulator: AzureDevOpsSimulator;

beforeAll(async () => {
  simulator = await AzureDevOpsSimulator.start({ organizations: [organization], tokens: [TOKEN], recordRequests: false });
  // Set after start: the organization given to start is cloned, which would hold the file twice.
  simulator.setFile('heavy', 'Big Files', 'huge', 'catalog-info.yaml', `# ${'x'.repeat(FILE_BYTES - 3)}\n`);
});

afterAll(() => simulator.stop());

afterEach(() => simulator.clearFaults());

async function measureRead(): Promise<Measurement> {
  const read = (repositoryId: string) => ({ project: 'Big Files', repositoryId, path: 'catalog-info.yaml', branch: 'main' });
  const job = {
    apiUrl: simulator.url,
    organization: 'heavy',
    token: TOKEN,
    maxBytes: MAX_BYTES,
    warmUp: read(organization.projects[0].repositories[0].id),
    read: read(organization.projects[0].repositories[1].id),
  };
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', 'dev/bench/readFileMemory.ts', JSON.stringify(job)],
    { cwd: ROOT, env: { ...process.env, HTTP_PROXY: '', HTTPS_PROXY: '' }, maxBuffer: 1024 * 1024 },
  );
  const measurement = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Measurement;
  process.stdout.write(`read of a ${FILE_BYTES}-byte file, cap ${MAX_BYTES}: ${JSON.stringify(measurement)}\n`);
  return measurement;
}

describe('reading a 100 MiB catalog file', () => {
  it.each([
    ['announced by Content-Length', false],
    ['streamed without Content-Length', true],
  ])('refuses it %s, reading at most a chunk past the cap', async (_name, chunked) => {
    if (chunked) simulator.addFault({ route: 'items', repository: 'huge', response: { type: 'chunked' } });
    const measurement = await measureRead();
    if (chunked) {
      expect(measurement.result).toMatchObject({ kind: 'tooLarge', atLeast: true });
      expect(measurement.result.bytes).toBeGreaterThan(MAX_BYTES);
      expect(measurement.result.bytes).toBeLessThan(MAX_BYTES + 1024 * 1024);
    } else {
      expect(measurement.result).toEqual({ kind: 'tooLarge', bytes: FILE_BYTES });
    }
    expect(measurement.increaseMiB.heapAndBuffers).toBeLessThanOrEqual(MAX_INCREASE_MIB);
    expect(measurement.increaseMiB.rss).toBeLessThanOrEqual(MAX_INCREASE_MIB);
  });
});
