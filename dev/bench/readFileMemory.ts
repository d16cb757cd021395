/**
 * Reads one file through the real client and prints, as one JSON line, how far the read raised
 * this process's memory. `src/client/AzureDevOpsClient.memory.test.ts` runs it in a child process
 * (`node --expose-gc --import tsx`) so that the simulator holding the file, Jest and other tests
 * stay out of the numbers.
 *
 * Arguments: a JSON object `{ apiUrl, organization, token, maxBytes, warmUp: ReadFileOptions,
 * read: ReadFileOptions }` (without `maxBytes` in the two reads). The warm-up read runs first, so
 * that location discovery, the connection and the code paths are in place before the baseline.
 */
import { buildProfile } from '../../src/__testUtils__/builders';
import type { ReadFileOptions } from '../../src/client/AzureDevOpsApi';
import { AzureDevOpsClient } from '../../src/client/AzureDevOpsClient';
import { RequestGate } from '../../src/client/RequestGate';

interface Job {
  apiUrl: string;
  organization: string;
  token: string;
  maxBytes: number;
  warmUp: Omit<ReadFileOptions, 'maxBytes'>;
  read: Omit<ReadFileOptions, 'maxBytes'>;
}

const MIB = 1024 * 1024;

/** The two figures the read could raise: JavaScript heap plus Buffers, and the resident set. */
function sample(): { heapAndBuffers: number; rss: number } {
  const usage = process.memoryUsage();
  return { heapAndBuffers: usage.heapUsed + usage.arrayBuffers, rss: usage.rss };
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as Job;
  const profile = buildProfile({ organization: job.organization, apiUrl: job.apiUrl, token: job.token, maxRetries: 0 });
  const client = await AzureDevOpsClient.create({ profile, gate: new RequestGate({ concurrency: 1, maxRetries: 0 }) });
  await client.readFile({ ...job.warmUp, maxBytes: job.maxBytes });

  collectGarbage();
  const baseline = sample();
  const peak = { ...baseline };
  const record = () => {
    const now = sample();
    peak.heapAndBuffers = Math.max(peak.heapAndBuffers, now.heapAndBuffers);
    peak.rss = Math.max(peak.rss, now.rss);
  };
  // Every turn of the event loop while the body arrives, so a buffered body cannot slip between samples.
  const sampler = setInterval(record, 1);
  const result = await client.readFile({ ...job.read, maxBytes: job.maxBytes });
  record();
  clearInterval(sampler);

  const mib = (bytes: number) => Math.round((bytes / MIB) * 10) / 10;
  const { kind } = result;
  const summary = {
    result: kind === 'found' ? { kind, bytes: Buffer.byteLength(result.content) } : result,
    baselineMiB: { heapAndBuffers: mib(baseline.heapAndBuffers), rss: mib(baseline.rss) },
    peakMiB: { heapAndBuffers: mib(peak.heapAndBuffers), rss: mib(peak.rss) },
    increaseMiB: { heapAndBuffers: mib(peak.heapAndBuffers - baseline.heapAndBuffers), rss: mib(peak.rss - baseline.rss) },
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().catch(error => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
