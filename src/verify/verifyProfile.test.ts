/**
 * The token check against the bundled simulator over loopback, through the real client and
 * azure-devops-node-api: tokens with every scope, short of one, refused, expired; a host and a
 * broker that do not answer. Every result, summary line and report is searched for the secrets.
 */
import { AzureDevOpsSimulator, DEMO_ORGANIZATION_FIXTURE, loadOrganization } from '../../dev/simulator';
import { azureDevOpsError, FakeAzureDevOpsApi } from '../__testUtils__/FakeAzureDevOpsApi';
import { buildProfile, buildRepository, type ProfileOverrides } from '../__testUtils__/builders';
import { closedLoopbackUrl } from '../__testUtils__/closedLoopbackUrl';
import { MODULE_BROKER_ACCEPT_RULES } from '../__testUtils__/moduleBrokerAcceptRules';
import { createAzureDevOpsApiFactory } from '../client/createAzureDevOpsApiFactory';
import { compileGlobs } from '../config/compileGlobs';
import type { ProfileVerification, VerificationCheck } from './ProfileVerification';
import { verificationReport } from './verificationReport';
import { verificationSummaryLine } from './verificationSummaryLine';
import { verifyProfile } from './verifyProfile';

const FULL = 'verify-full-scopes-pat-0001';
const WITHOUT_CODE = 'verify-without-code-pat-0002';
const WITHOUT_PROJECT = 'verify-without-project-pat-0003';
const WITHOUT_ANALYTICS = 'verify-without-analytics-pat-0004';
const EXPIRED = 'verify-expired-pat-0005';
const REVOKED = 'verify-revoked-pat-0006';
const BROKER = 'verify-broker-token-0007';
const SECRETS = [FULL, WITHOUT_CODE, WITHOUT_PROJECT, WITHOUT_ANALYTICS, EXPIRED, REVOKED, BROKER];
const NOW = Date.parse('2026-03-02T10:00:00Z');

let simulator: AzureDevOpsSimulator;
/** A loopback port nothing listens on. */
let closedUrl: string;

beforeAll(async () => {
  simulator = await AzureDevOpsSimulator.start({
    organizations: [loadOrganization(DEMO_ORGANIZATION_FIXTURE)],
    tokens: [FULL, WITHOUT_CODE, WITHOUT_PROJECT, WITHOUT_ANALYTICS],
    expiredTokens: [EXPIRED],
    brokerTokens: [BROKER],
    // The check's clock and the simulator's agree, so the activity window is one the service takes.
    clock: () => NOW,
    tokenScopes: {
      [WITHOUT_CODE]: ['vso.project', 'vso.analytics'],
      [WITHOUT_PROJECT]: ['vso.code', 'vso.analytics'],
      [WITHOUT_ANALYTICS]: ['vso.code', 'vso.project'],
    },
  });
  closedUrl = await closedLoopbackUrl();
});

afterAll(() => simulator.stop());

beforeEach(() => simulator.resetRequests());

afterEach(() => simulator.setBrokerAcceptRules(undefined));

function demoProfile(overrides: ProfileOverrides = {}) {
  return buildProfile({ id: 'demo', organization: 'demo', apiUrl: simulator.url, token: FULL, maxRetries: 0, requestTimeoutMs: 2_000, ...overrides });
}

/** Runs the check and its two renderings, and asserts no secret is in any of them. */
async function verify(overrides: ProfileOverrides = {}): Promise<ProfileVerification> {
  const profile = demoProfile(overrides);
  const verification = await verifyProfile(profile, { createApi: createAzureDevOpsApiFactory(profile), now: () => NOW });
  expectNoSecret(JSON.stringify(verification), verificationSummaryLine(verification), verificationReport(verification, profile));
  return verification;
}

function expectNoSecret(...texts: string[]): void {
  for (const text of texts) {
    for (const secret of SECRETS) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(Buffer.from(`PAT:${secret}`).toString('base64'));
    }
  }
}

/** `name: status` of every check, the shortest way to state a whole result. */
function statuses(verification: ProfileVerification): Record<string, VerificationCheck['status']> {
  return Object.fromEntries(verification.checks.map(check => [check.name, check.status]));
}

function check(verification: ProfileVerification, name: VerificationCheck['name']): VerificationCheck {
  const found = verification.checks.find(candidate => candidate.name === name);
  if (!found) throw new Error(`no ${name} check`);
  return found;
}

describe('verifyProfile against the simulator', () => {
  it('finds everything in order with a token of every scope, in a handful of requests', async () => {
    const verification = await verify();
    expect(verification).toEqual({
      profileId: 'demo',
      checkedAt: '2026-03-02T10:00:00.000Z',
      ok: true,
      checks: [
        { name: 'connection', status: 'ok', required: true, detail: 'authenticated as Simulated User on Azure DevOps Services' },
        { name: 'projects', status: 'ok', required: true, scope: 'Project and Team (read)', detail: '4 projects listed' },
        { name: 'repositories', status: 'ok', required: true, scope: 'Code (read)', detail: '4 repositories listed in project Platform' },
        { name: 'file', status: 'ok', required: true, scope: 'Code (read)', detail: 'read /catalog-info.yaml of repository Platform/platform-docs' },
        {
          name: 'projectAnalysis',
          status: 'ok',
          required: false,
          scope: 'Analytics (read)',
          detail: 'the repository activity of project Platform answered: syncs read only the files of repositories pushed to',
        },
        { name: 'languages', status: 'ok', required: false, scope: 'Analytics (read)', detail: 'the language metrics of project Platform answered' },
      ],
      token: { expired: false, detail: expect.stringMatching(/^accepted; its expiry date cannot be known here: Azure DevOps tells it only to its PAT lifecycle API/) },
    });
    expect(verificationSummaryLine(verification)).toBe(
      'Token check of profile demo: ok (connection, projects, repositories, file, project analysis, languages)',
    );
    expect(simulator.requests.map(request => `${request.method} ${request.route} ${request.status}`)).toEqual([
      'GET connectionData 200',
      'OPTIONS location 200',
      'GET resourceAreas 200',
      'OPTIONS areaOptions 200',
      'GET projects 200',
      'OPTIONS areaOptions 200',
      'GET repositories 200',
      'GET items 200',
      'OPTIONS areaOptions 200',
      'GET activityMetrics 200',
      'GET languageMetrics 200',
    ]);
  });

  it('reports Code (read) missing, and cannot try a file read without a repository to read from', async () => {
    const verification = await verify({ token: WITHOUT_CODE });
    expect(verification.ok).toBe(false);
    expect(statuses(verification)).toEqual({
      connection: 'ok',
      projects: 'ok',
      repositories: 'missing',
      file: 'skipped',
      projectAnalysis: 'ok',
      languages: 'ok',
    });
    expect(check(verification, 'repositories')).toEqual({
      name: 'repositories',
      status: 'missing',
      required: true,
      scope: 'Code (read)',
      detail: 'Code (read) missing: listing the repositories of project Platform answered 401',
    });
    expect(check(verification, 'file')).toMatchObject({ scope: 'Code (read)', detail: 'not tried: no repository could be listed' });
    expect(verificationSummaryLine(verification)).toBe(
      'Token check of profile demo: Code (read) missing: listing the repositories of project Platform answered 401; not tried: file',
    );
  });

  it('reports Project and Team (read) missing, and still tries Code (read) on the organization-wide listing', async () => {
    const verification = await verify({ token: WITHOUT_PROJECT });
    expect(statuses(verification)).toEqual({
      connection: 'ok',
      projects: 'missing',
      repositories: 'ok',
      file: 'ok',
      projectAnalysis: 'ok',
      languages: 'ok',
    });
    expect(check(verification, 'projects').detail).toBe('Project and Team (read) missing: listing projects answered 401');
    expect(check(verification, 'repositories').detail).toBe('11 repositories listed in the organization');
    expect(verification.ok).toBe(false);
  });

  it('reports Analytics (read) missing as optional: the profile stays ok', async () => {
    const verification = await verify({ token: WITHOUT_ANALYTICS });
    expect(verification.ok).toBe(true);
    expect(check(verification, 'projectAnalysis')).toEqual({
      name: 'projectAnalysis',
      status: 'missing',
      required: false,
      scope: 'Analytics (read)',
      detail:
        'Analytics (read) missing: listing the repository activity of project Platform answered 401; without it every sync reads every catalog file (no incremental sync)',
    });
    expect(check(verification, 'languages').detail).toBe(
      'Analytics (read) missing: reading the language metrics of project Platform answered 401; without it repositories get no languages',
    );
    expect(verificationSummaryLine(verification)).toMatch(
      /^Token check of profile demo: ok \(connection, projects, repositories, file\); Analytics \(read\) missing: listing .* \(optional\); Analytics \(read\) missing: reading .* \(optional\)$/,
    );
  });

  it('stops at the connection for a token the service does not know, and cannot tell why it was refused', async () => {
    const verification = await verify({ token: REVOKED });
    expect(statuses(verification)).toEqual({
      connection: 'failed',
      projects: 'skipped',
      repositories: 'skipped',
      file: 'skipped',
      projectAnalysis: 'skipped',
      languages: 'skipped',
    });
    expect(check(verification, 'connection').detail).toMatch(
      /reading the connection data failed: Azure DevOps answered 203 with a sign-in page instead of data; the token was rejected/,
    );
    expect(check(verification, 'projects').detail).toBe('not tried: the connection failed');
    expect(verification.token).toEqual({ detail: expect.stringMatching(/^refused without a reason: the token may be revoked, expired or unknown/) });
    expect(simulator.requests.map(request => request.route)).toEqual(['connectionData']);
  });

  it('says the token has expired when Azure DevOps says so', async () => {
    const verification = await verify({ token: EXPIRED });
    expect(verification.ok).toBe(false);
    expect(verification.token).toEqual({ expired: true, detail: 'Azure DevOps says the token has expired: renew it' });
    expect(check(verification, 'connection').detail).toMatch(/the token has expired \(401, Access Denied: The Personal Access Token used has expired\.\)/);
    expect(verificationSummaryLine(verification)).toMatch(/; token: Azure DevOps says the token has expired: renew it$/);
  });

  it('reports an unreachable host as a failed connection, the rest not tried', async () => {
    const verification = await verify({ apiUrl: closedUrl });
    expect(verification.ok).toBe(false);
    expect(check(verification, 'connection')).toEqual({
      name: 'connection',
      status: 'failed',
      required: true,
      detail: `Azure DevOps organization demo at ${new URL(closedUrl).host}: reading the connection data failed: ECONNREFUSED talking to ${new URL(closedUrl).host}`,
    });
    expect(verification.checks.slice(1).every(item => item.status === 'skipped')).toBe(true);
    expect(verification.token.detail).toMatch(/^not known: Azure DevOps could not be asked/);
    expect(verification).not.toHaveProperty('broker');
  });

  it('reads a file of the profile\'s own projects and repositories first', async () => {
    const verification = await verify({ filters: { projects: compileGlobs(['Commerce']), repositories: compileGlobs(['checkout-*']) } });
    expect(check(verification, 'repositories').detail).toBe('4 repositories listed in project Commerce');
    expect(check(verification, 'file').detail).toBe('read /catalog-info.yaml of repository Commerce/checkout-web');
    expect(check(verification, 'projectAnalysis').detail).toMatch(/of project Commerce answered/);
  });

  it('takes a missing catalog file as proof of Code (read)', async () => {
    const verification = await verify({ backstageCatalog: { filename: 'nowhere/catalog.yaml' } });
    expect(check(verification, 'file')).toMatchObject({
      status: 'ok',
      detail: '/nowhere/catalog.yaml is not in repository Platform/platform-docs (404), an answer only a token that may read files gets',
    });
  });

  it('takes TF401019 on a repository the listing just named as Code (read) missing', async () => {
    const removeFault = simulator.addFault({
      route: 'items',
      response: {
        status: 404,
        body: {
          typeKey: 'GitRepositoryNotFoundException',
          message: 'TF401019: The Git repository with name or identifier platform-docs does not exist or you do not have permissions for the operation you are attempting.',
        },
      },
    });
    try {
      const verification = await verify();
      expect(check(verification, 'file')).toMatchObject({
        status: 'missing',
        detail: 'Code (read) missing: reading /catalog-info.yaml of repository Platform/platform-docs answered 404 GitRepositoryNotFoundException, though the listing names the repository',
      });
      expect(verification.ok).toBe(false);
    } finally {
      removeFault();
    }
  });

  it('leaves out what the profile does not use, without failing it', async () => {
    const verification = await verify({ backstageCatalog: { enabled: false }, insights: { languages: false } });
    expect(verification.ok).toBe(true);
    expect(check(verification, 'file')).toMatchObject({ status: 'skipped', required: false });
    expect(check(verification, 'languages')).toMatchObject({ status: 'skipped', detail: 'not needed: insights.languages is false' });
    expect(simulator.countRequests('items') + simulator.countRequests('languageMetrics')).toBe(0);
  });

  it('rejects when aborted, sending nothing more', async () => {
    const profile = demoProfile();
    const controller = new AbortController();
    controller.abort(new Error('backend stopping'));
    await expect(verifyProfile(profile, { createApi: createAzureDevOpsApiFactory(profile), signal: controller.signal })).rejects.toThrow('backend stopping');
    expect(simulator.requests).toHaveLength(0);
  });

  describe('through a broker', () => {
    it('checks everything through a reachable broker, sending no credentials', async () => {
      const verification = await verify({ token: undefined, broker: { url: simulator.url, token: BROKER } });
      expect(verification.ok).toBe(true);
      expect(Object.values(statuses(verification))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
      expect(verification.broker).toEqual({ reachable: true, detail: `the broker at ${new URL(simulator.url).host} answered` });
      expect(verification.token).toEqual({ expired: false, detail: 'accepted; the broker adds the token inside your network, so its expiry cannot be known here' });
      expect(simulator.requests.every(request => request.authorization === undefined)).toBe(true);
    });

    it('passes the connection when the broker answers but its rules, as the README lists them, leave connectionData out', async () => {
      simulator.setBrokerAcceptRules(MODULE_BROKER_ACCEPT_RULES);
      const verification = await verify({ token: undefined, broker: { url: simulator.url, token: BROKER } });
      expect(verification.ok).toBe(true);
      expect(check(verification, 'connection').detail).toMatch(/^the broker answered, but its accept rules leave out connectionData/);
      expect(verification.token.expired).toBe(false);
    });

    it('says the broker is unreachable when it does not answer', async () => {
      const verification = await verify({ token: undefined, broker: { url: closedUrl, token: BROKER } });
      expect(verification.ok).toBe(false);
      expect(verification.broker).toEqual({
        reachable: false,
        detail: expect.stringMatching(new RegExp(`^the broker at ${new URL(closedUrl).host} is unreachable: .*ECONNREFUSED`)),
      });
      expect(check(verification, 'connection').detail).toContain('through the broker at');
      expect(verificationSummaryLine(verification)).toMatch(/; broker: the broker at .* is unreachable: /);
    });

    it('reaches a broker that does not know its token, and says the connection failed', async () => {
      const verification = await verify({ token: undefined, broker: { url: simulator.url, token: 'verify-unknown-broker-0008' } });
      expect(verification.broker?.reachable).toBe(true);
      expect(check(verification, 'connection').status).toBe('failed');
    });
  });
});

describe('verifyProfile with the in-memory port', () => {
  const profile = buildProfile({ token: 'fake-pat-secret-0009' });

  it('turns a factory that throws into a failed connection, without the secret it names', async () => {
    const verification = await verifyProfile(profile, {
      createApi: async () => {
        throw new Error('could not build a client for fake-pat-secret-0009');
      },
    });
    expect(check(verification, 'connection')).toMatchObject({ status: 'failed', detail: 'could not build a client for ***' });
    expect(JSON.stringify(verification)).not.toContain('fake-pat-secret-0009');
  });

  it('takes a file read refused with 403 as Code (read) missing', async () => {
    const api = new FakeAzureDevOpsApi([buildRepository()]);
    api.fileErrors.set(buildRepository().id, azureDevOpsError('forbidden', 403));
    const verification = await verifyProfile(profile, { createApi: async () => api });
    expect(check(verification, 'file')).toMatchObject({ status: 'missing', detail: 'Code (read) missing: reading /catalog-info.yaml of repository Payments/payments-api answered 403' });
  });

  it('skips the file read when every listed repository is empty or disabled', async () => {
    const api = new FakeAzureDevOpsApi([buildRepository({ defaultBranch: undefined }), buildRepository({ id: 'b', name: 'off', isDisabled: true })]);
    const verification = await verifyProfile(profile, { createApi: async () => api });
    expect(check(verification, 'file')).toMatchObject({
      status: 'skipped',
      detail: 'not tried: no repository with a branch to read among the first 3 projects\' listings',
    });
    expect(verification.ok).toBe(false);
  });

  it('calls a project analysis the server does not offer failed, not missing', async () => {
    const api = new FakeAzureDevOpsApi([buildRepository()]);
    api.activityAvailable = false;
    const verification = await verifyProfile(profile, { createApi: async () => api });
    expect(check(verification, 'projectAnalysis')).toMatchObject({ status: 'failed', detail: expect.stringMatching(/; without it every sync reads every catalog file/) });
    expect(verification.ok).toBe(true);
  });
});
