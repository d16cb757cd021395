/**
 * Where credentials may go: the PAT or bearer token only in the Authorization header to the
 * configured host (never after a redirect to another host), the broker token only in the path to
 * the broker, and neither in any error message, whatever the server answers.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AzureDevOpsCredentialsProvider } from '@backstage/integration';
import { AzureDevOpsSimulator, DEMO_ORGANIZATION_FIXTURE, loadOrganization, type FaultResponse } from '../../dev/simulator';
import { buildProfile, type ProfileOverrides } from '../__testUtils__/builders';
import { AzureDevOpsClient } from './AzureDevOpsClient';
import { RequestGate } from './RequestGate';

const PAT = 'SECRET-PAT-e2f0c1d9a7b3';
const BEARER = 'SECRET-BEARER-91ac44e0d2';
const BROKER_TOKEN = 'SECRET-BROKER-5c8d2e7f41';
const SECRET_FORMS = [
  PAT,
  Buffer.from(`PAT:${PAT}`).toString('base64'),
  Buffer.from(`:${PAT}`).toString('base64'),
  BEARER,
  BROKER_TOKEN,
];

interface SeenRequest {
  url: string;
  headers: IncomingHttpHeaders;
}

/** A server on one loopback address that records requests and answers with `answer`. */
async function startServer(
  hostname: string,
  answer: (url: string) => { status: number; headers?: Record<string, string>; body?: string },
): Promise<{ server: Server; seen: SeenRequest[]; port: number }> {
  const seen: SeenRequest[] = [];
  const server = createServer((request, response) => {
    seen.push({ url: request.url ?? '', headers: request.headers });
    const { status, headers, body } = answer(request.url ?? '');
    response.writeHead(status, headers).end(body);
  });
  await new Promise<void>(resolve => server.listen(0, hostname, resolve));
  return { server, seen, port: (server.address() as AddressInfo).port };
}

function close(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections();
  return new Promise(resolve => server.close(() => resolve()));
}

function clientFor(overrides: ProfileOverrides, credentialsProvider?: AzureDevOpsCredentialsProvider) {
  const profile = buildProfile({ organization: 'demo', requestTimeoutMs: 500, maxRetries: 0, ...overrides });
  return AzureDevOpsClient.create({ profile, credentialsProvider, gate: new RequestGate({ concurrency: 2, maxRetries: 0 }) });
}

describe('credentials and redirects', () => {
  let configured: Awaited<ReturnType<typeof startServer>> | undefined;
  let elsewhere: Awaited<ReturnType<typeof startServer>> | undefined;

  afterEach(async () => {
    await close(configured?.server);
    await close(elsewhere?.server);
  });

  const bearerProvider: AzureDevOpsCredentialsProvider = {
    getCredentials: async () => ({ type: 'bearer', token: BEARER, headers: { Authorization: `Bearer ${BEARER}` } }),
  };

  it.each<[string, ProfileOverrides, AzureDevOpsCredentialsProvider | undefined, RegExp]>([
    ['a PAT', { token: PAT }, undefined, /^Basic /],
    ['a bearer token from integrations.azure', { token: undefined }, bearerProvider, /^Bearer /],
  ])('sends %s to the configured host, and not along a redirect to another host', async (_name, overrides, provider, scheme) => {
    // `localhost` and `127.0.0.1` are the same machine but different hosts to the HTTP client.
    elsewhere = await startServer('127.0.0.1', () => ({ status: 404, headers: { 'content-type': 'application/json' }, body: '{"message":"nothing here"}' }));
    const elsewherePort = elsewhere.port;
    configured = await startServer('127.0.0.1', url => ({ status: 302, headers: { location: `http://localhost:${elsewherePort}${url}` } }));

    const client = await clientFor({ apiUrl: `http://127.0.0.1:${configured.port}`, ...overrides }, provider);
    await expect(client.listRepositories()).rejects.toThrow();

    expect(configured.seen.length).toBeGreaterThan(0);
    for (const request of configured.seen) expect(request.headers.authorization).toMatch(scheme);
    // The redirect was followed, bare.
    expect(elsewhere.seen.length).toBeGreaterThan(0);
    for (const request of elsewhere.seen) {
      expect(request.headers.authorization).toBeUndefined();
      const everything = JSON.stringify(request);
      for (const secret of SECRET_FORMS) expect(everything).not.toContain(secret);
    }
  });
});

describe('error messages', () => {
  let simulator: AzureDevOpsSimulator;

  beforeAll(async () => {
    simulator = await AzureDevOpsSimulator.start({
      organizations: [loadOrganization(DEMO_ORGANIZATION_FIXTURE)],
      tokens: [PAT],
      brokerTokens: [BROKER_TOKEN],
    });
  });

  afterEach(() => {
    simulator.clearFaults();
    simulator.setAuthFailure('203');
  });

  afterAll(() => simulator.stop());

  /** A server that echoes what it was sent: each client's own credentials, in every spelling. */
  const ECHO = {
    PAT: `${PAT} Basic ${Buffer.from(`PAT:${PAT}`).toString('base64')} ${Buffer.from(`:${PAT}`).toString('base64')}`,
    broker: `/broker/${BROKER_TOKEN}/demo and ${encodeURIComponent(BROKER_TOKEN)}`,
  };
  const faults: Array<[string, (echo: string) => FaultResponse]> = [
    ['a 500 whose message echoes the credentials', echo => ({ status: 500, body: { message: `Failed for ${echo}`, typeKey: 'ServerException' } })],
    ['a 401 whose X-TFS-ServiceError echoes them', echo => ({ status: 401, headers: { 'x-tfs-serviceerror': encodeURIComponent(`TF400813: ${echo}`) }, body: { message: echo } })],
    ['a 404 naming them', echo => ({ type: 'error', status: 404, typeKey: 'OrganizationNotFoundException', message: `No organization at ${echo}` })],
    ['a 400 with them in a bare text body', echo => ({ status: 400, headers: { 'content-type': 'text/plain' }, body: echo })],
    ['a timeout', () => ({ type: 'hang' })],
    ['a reset connection', () => ({ type: 'reset' })],
    ['a cut-off body', () => ({ type: 'truncated' })],
    ['malformed JSON', () => ({ type: 'malformedJson' })],
    ['an HTML page', () => ({ type: 'html200' })],
    ['a sign-in page', () => ({ type: 'signIn203' })],
  ];

  it.each(faults.flatMap(([name, response]) => [[name, 'PAT', response] as const, [name, 'broker', response] as const]))(
    'hold no secret after %s (%s)',
    async (_name, mode, response) => {
      const client = await clientFor(
        mode === 'PAT'
          ? { apiUrl: simulator.url, token: PAT }
          : { token: undefined, broker: { url: simulator.url, token: BROKER_TOKEN } },
      );
      simulator.addFault({ route: mode === 'PAT' ? 'repositories' : 'projects', response: response(ECHO[mode]) });
      const error = await (mode === 'PAT' ? client.listRepositories() : client.listProjects()).then(
        () => undefined,
        (thrown: unknown) => thrown as Error,
      );
      expect(error).toBeInstanceOf(Error);
      const everything = `${String(error)}\n${error!.stack}\n${JSON.stringify(error)}`;
      for (const secret of [...SECRET_FORMS, encodeURIComponent(BROKER_TOKEN)]) expect(everything).not.toContain(secret);
    },
  );
});
