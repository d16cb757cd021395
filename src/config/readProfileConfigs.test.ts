import { ConfigReader } from '@backstage/config';
import { loadConfigSchema } from '@backstage/config-loader';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InvalidConfigError } from './InvalidConfigError';
import { readProfileConfigs } from './readProfileConfigs';

const TOKEN = 'pat-s3cr3t-value-0123456789';
const BROKER_TOKEN = 'broker-s3cr3t-value-9876543210';
const KEY = 'catalog.providers.azureDevOpsRepositories';

type Data = Record<string, unknown>;
type ConfigData = ConstructorParameters<typeof ConfigReader>[0];

/** The smallest valid profile, with `overrides` merged over it; `undefined` removes a key. */
function profile(overrides: Data = {}): Data {
  const merged: Data = { profileName: 'Acme', organization: 'acme', token: TOKEN, ...overrides };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
}

/** A root config holding `profiles`, plus any other root keys such as `integrations`. */
function rootConfig(profiles: Data, rest: Data = {}) {
  return new ConfigReader({
    ...rest,
    catalog: { providers: { azureDevOpsRepositories: profiles } },
  } as ConfigData);
}

/** Reads one profile `acme`. */
function readOne(overrides: Data = {}, rest: Data = {}) {
  const [read] = readProfileConfigs(rootConfig({ acme: profile(overrides) }, rest));
  return read;
}

function errorOf(read: () => unknown): InvalidConfigError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return error as InvalidConfigError;
  }
  throw new Error('expected the config to be refused');
}

describe('readProfileConfigs', () => {
  it('returns no profiles when the key is absent', () => {
    expect(readProfileConfigs(new ConfigReader({}))).toEqual([]);
    expect(readProfileConfigs(new ConfigReader({ catalog: { providers: {} } }))).toEqual([]);
  });

  it('applies every default', () => {
    expect(readOne()).toEqual({
      id: 'acme',
      profileName: 'Acme',
      organization: 'acme',
      apiUrl: 'https://dev.azure.com',
      host: 'dev.azure.com',
      organizationUrl: 'https://dev.azure.com/acme',
      token: TOKEN,
      backstageCatalog: {
        enabled: true,
        filename: 'catalog-info.yaml',
        attributes: [
          { id: 'catalogName', path: 'metadata.name', segments: ['metadata', 'name'] },
          { id: 'title', path: 'metadata.title', segments: ['metadata', 'title'] },
          { id: 'category', path: 'spec.type', segments: ['spec', 'type'] },
          { id: 'lifecycle', path: 'spec.lifecycle', segments: ['spec', 'lifecycle'] },
          { id: 'owner', path: 'spec.owner', segments: ['spec', 'owner'] },
          { id: 'application', path: 'spec.system', segments: ['spec', 'system'] },
          { id: 'description', path: 'metadata.description', segments: ['metadata', 'description'] },
        ],
        ingestEntities: false,
        ingestKinds: ['Component', 'API', 'Resource', 'System', 'Domain'],
        maxFileBytes: 262144,
      },
      filters: { includeDisabled: true, includeForks: true },
      insights: { freshness: true, languages: true, contributors: true },
      concurrency: 8,
      requestTimeoutMs: 60_000,
      maxRetries: 4,
      maxRetryAfterMs: 90_000,
      maxRemovedPercent: 50,
      schedule: {
        frequency: { minutes: 30 },
        timeout: { minutes: 3 },
        initialDelay: { seconds: 3 },
        scope: 'global',
      },
    });
  });

  it('returns the profiles sorted by id, with no schedule shared between them', () => {
    const read = readProfileConfigs(
      rootConfig({
        zeta: profile({ profileName: 'Z' }),
        alpha_1: profile({ profileName: 'A' }),
        'beta-2': profile({ profileName: 'B' }),
      }),
    );
    expect(read.map(p => p.id)).toEqual(['alpha_1', 'beta-2', 'zeta']);
    expect(read[0].schedule.frequency).not.toBe(read[1].schedule.frequency);
  });

  it.each([
    ['https://dev.azure.com', 'https://dev.azure.com', 'dev.azure.com'],
    ['https://dev.azure.com/', 'https://dev.azure.com', 'dev.azure.com'],
    ['https://tfs.example.com/tfs/', 'https://tfs.example.com/tfs', 'tfs.example.com'],
    ['https://tfs.example.com/tfs', 'https://tfs.example.com/tfs', 'tfs.example.com'],
    ['https://tfs.example.com/tfs//', 'https://tfs.example.com/tfs', 'tfs.example.com'],
    ['http://tfs.example.com:8080/tfs/', 'http://tfs.example.com:8080/tfs', 'tfs.example.com:8080'],
    ['https://TFS.Example.com:443/', 'https://tfs.example.com', 'tfs.example.com'],
  ])('normalizes apiUrl %s', (apiUrl, expectedUrl, expectedHost) => {
    const read = readOne({ apiUrl, organization: 'Default Collection' });
    expect(read.apiUrl).toBe(expectedUrl);
    expect(read.host).toBe(expectedHost);
    expect(read.organizationUrl).toBe(`${expectedUrl}/Default%20Collection`);
  });

  it('reads every key of a full profile', () => {
    const read = readOne({
      apiUrl: 'https://tfs.example.com/tfs/',
      backstageCatalog: {
        enabled: false,
        filename: '/.backstage/catalog-info.yaml',
        attributes: ['owner'],
        ingestEntities: true,
        ingestKinds: ['Component', 'Template'],
        maxFileBytes: 1024,
      },
      filters: {
        projects: ['platform-*'],
        excludeProjects: ['*-scratch'],
        repositories: ['svc-??'],
        excludeRepositories: ['*.wiki'],
        includeDisabled: false,
        includeForks: 'false',
      },
      insights: { freshness: false, languages: 'false' },
      defaultOwner: 'team-a',
      concurrency: '16',
      requestTimeoutSeconds: 5,
      maxRetries: 0,
      maxRetryAfterSeconds: '120',
      maxRemovedPercent: 'off',
      schedule: { frequency: { hours: 1 }, timeout: 'PT5M', scope: 'local' },
    });
    expect(read.insights).toEqual({ freshness: false, languages: false, contributors: true });
    expect(read.backstageCatalog).toEqual({
      enabled: false,
      filename: '.backstage/catalog-info.yaml',
      attributes: [{ id: 'owner', path: 'spec.owner', segments: ['spec', 'owner'] }],
      ingestEntities: true,
      ingestKinds: ['Component', 'Template'],
      maxFileBytes: 1024,
    });
    expect(read.filters).toMatchObject({ includeDisabled: false, includeForks: false });
    expect(read.filters.projects?.patterns).toEqual(['platform-*']);
    expect(read.filters.excludeProjects?.patterns).toEqual(['*-scratch']);
    expect(read.filters.repositories?.patterns).toEqual(['svc-??']);
    expect(read.filters.excludeRepositories?.patterns).toEqual(['*.wiki']);
    expect(read.defaultOwner).toBe('group:default/team-a');
    expect(read.concurrency).toBe(16);
    expect(read.requestTimeoutMs).toBe(5000);
    expect(read.maxRetries).toBe(0);
    expect(read.maxRetryAfterMs).toBe(120_000);
    expect(read).not.toHaveProperty('maxRemovedPercent');
    expect(read.schedule).toEqual({ frequency: { hours: 1 }, timeout: { minutes: 5 }, scope: 'local' });
  });

  it.each([
    [['platform-*'], 'Platform-Core', true],
    [['platform-*'], 'platform', false],
    [['a?c'], 'ABC', true],
    [['a.c'], 'abc', false],
    [['*'.repeat(50) + 'x'], 'a'.repeat(5000), false],
  ])('compiles the project globs %j so that %j matches: %s', (projects, name, expected) => {
    const { filters } = readOne({ filters: { projects } });
    expect(filters.projects?.expressions.some(expression => expression.test(name))).toBe(expected);
  });

  it.each([
    ['team-a', 'group:default/team-a'],
    ['user:jane.doe', 'user:default/jane.doe'],
    ['group:platform/sre', 'group:platform/sre'],
  ])('resolves defaultOwner %s to %s', (defaultOwner, expected) => {
    expect(readOne({ defaultOwner }).defaultOwner).toBe(expected);
  });

  it.each([
    [
      'string form',
      ['catalogName', 'owner'],
      [
        { id: 'catalogName', path: 'metadata.name', segments: ['metadata', 'name'] },
        { id: 'owner', path: 'spec.owner', segments: ['spec', 'owner'] },
      ],
    ],
    [
      'object form with a quoted segment',
      [{ id: 'owner', path: 'metadata.annotations."example.com/team"' }],
      [
        {
          id: 'owner',
          path: 'metadata.annotations."example.com/team"',
          segments: ['metadata', 'annotations', 'example.com/team'],
        },
      ],
    ],
    [
      'object form without a path',
      [{ id: 'application' }],
      [{ id: 'application', path: 'spec.system', segments: ['spec', 'system'] }],
    ],
    [
      'object form of the description',
      [{ id: 'description' }],
      [{ id: 'description', path: 'metadata.description', segments: ['metadata', 'description'] }],
    ],
    ['an empty list', [], []],
  ])('reads attributes in the %s', (_name, attributes, expected) => {
    expect(readOne({ backstageCatalog: { attributes } }).backstageCatalog.attributes).toEqual(expected);
  });

  it('reads attributes written as pleasant YAML', () => {
    const yaml = `
      catalogName
      { id: owner, path: 'metadata.annotations."example.com/team"' }
    `;
    const attributes = yaml.trim().split('\n').map(line => parseYaml(line.trim()));
    expect(readOne({ backstageCatalog: { attributes } }).backstageCatalog.attributes).toEqual([
      { id: 'catalogName', path: 'metadata.name', segments: ['metadata', 'name'] },
      {
        id: 'owner',
        path: 'metadata.annotations."example.com/team"',
        segments: ['metadata', 'annotations', 'example.com/team'],
      },
    ]);
  });

  it('reads the example the README shows', () => {
    const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const block = /```yaml\n# app-config\.yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const data = parseYaml((block ?? '').replace('${AZURE_DEVOPS_TOKEN}', TOKEN));
    const [read] = readProfileConfigs(new ConfigReader(data));
    expect(read.id).toBe('acme');
    expect(read.filters.excludeProjects?.patterns).toEqual(['scratch-*']);
    expect(read.filters.includeForks).toBe(false);
    expect(read.schedule).toEqual({
      frequency: { minutes: 30 },
      timeout: { minutes: 10 },
      scope: 'global',
    });
  });

  it('reads the demo profile that npm start uses', () => {
    const text = readFileSync(path.join(__dirname, '../../dev/app-config.demo.yaml'), 'utf8');
    const data = parseYaml(text.replace('${AZURE_DEVOPS_SIMULATOR_URL}', 'http://127.0.0.1:4567'));
    const [read] = readProfileConfigs(new ConfigReader(data));
    expect(read).toMatchObject({ id: 'demo', organizationUrl: 'http://127.0.0.1:4567/demo', defaultOwner: 'group:default/platform-team' });
  });

  describe('credentials', () => {
    const azure = (credentials: Data[], host = 'dev.azure.com') => ({
      integrations: { azure: [{ host, credentials }] },
    });

    it.each<[string, Data, Data?]>([
      ['a credential without organizations', azure([{ personalAccessToken: 'x' }])],
      ['a credential for the organization', azure([{ organizations: ['ACME'], personalAccessToken: 'x' }])],
      [
        'one of several credentials',
        azure([
          { organizations: ['other'], personalAccessToken: 'x' },
          { organizations: ['acme'], personalAccessToken: 'y' },
        ]),
      ],
      [
        'an on-prem host',
        azure([{ personalAccessToken: 'x' }], 'tfs.example.com'),
        { apiUrl: 'https://tfs.example.com/tfs/' },
      ],
    ])('accepts no token when integrations.azure has %s', (_name, integrations, overrides = {}) => {
      const read = readOne({ token: undefined, ...overrides }, integrations);
      expect(read.token).toBeUndefined();
      expect(read.broker).toBeUndefined();
    });

    it.each([
      ['no integration at all', {}, {}],
      ['a credential for another organization', azure([{ organizations: ['other'], personalAccessToken: 'x' }]), {}],
      ['credentials for another host', azure([{ personalAccessToken: 'x' }], 'tfs.example.com'), {}],
      [
        'credentials for dev.azure.com only',
        azure([{ personalAccessToken: 'x' }]),
        { apiUrl: 'https://tfs.example.com/tfs' },
      ],
    ])('requires a token when integrations.azure has %s', (_name, integrations, overrides) => {
      const host = 'apiUrl' in overrides ? 'tfs.example.com' : 'dev.azure.com';
      const error = errorOf(() => readOne({ token: undefined, ...overrides }, integrations));
      expect(error.problems).toEqual([
        `${KEY}.acme.token: required, because neither broker is set nor integrations.azure has credentials for ${host}/acme`,
      ]);
    });

    it('routes through a broker without a token', () => {
      const read = readOne({
        token: undefined,
        broker: { url: 'https://broker.internal:8000/', token: BROKER_TOKEN },
      });
      expect(read.broker).toEqual({ url: 'https://broker.internal:8000', token: BROKER_TOKEN });
      expect(read.token).toBeUndefined();
    });
  });

  describe('schedule', () => {
    it.each([
      [
        'cron without scope',
        { frequency: { cron: '*/5 * * * *' }, timeout: { minutes: 3 } },
        { frequency: { cron: '*/5 * * * *' }, timeout: { minutes: 3 }, scope: 'global' },
      ],
      [
        'ISO durations with local scope',
        { frequency: 'PT1H', timeout: 'PT2M', initialDelay: 'PT10S', scope: 'local' },
        { frequency: { hours: 1 }, timeout: { minutes: 2 }, initialDelay: { seconds: 10 }, scope: 'local' },
      ],
      [
        'manual trigger',
        { frequency: { trigger: 'manual' }, timeout: { minutes: 3 } },
        { frequency: { trigger: 'manual' }, timeout: { minutes: 3 }, scope: 'global' },
      ],
    ])('reads %s', (_name, schedule, expected) => {
      expect(readOne({ schedule }).schedule).toEqual(expected);
    });

    it.each([
      ['the default schedule (3 min)', {}, 90_000],
      ['a 3-minute timeout: half of it', { schedule: { frequency: { minutes: 5 }, timeout: { minutes: 3 } } }, 90_000],
      ['an ISO timeout', { schedule: { frequency: 'PT1H', timeout: 'PT1M' } }, 30_000],
      ['an explicit value under the timeout', { maxRetryAfterSeconds: 179 }, 179_000],
    ])('holds maxRetryAfterSeconds within the sync timeout: %s', (_name, fields, expected) => {
      expect(readOne(fields).maxRetryAfterMs).toBe(expected);
    });
  });

  describe('refuses', () => {
    const broker = { url: 'https://broker.internal', token: BROKER_TOKEN };
    it.each<[string, Data, string]>([
      ['a missing profileName', { profileName: undefined }, 'acme.profileName: required'],
      ['an empty profileName', { profileName: '' }, 'acme.profileName: must not be empty'],
      ['a missing organization', { organization: undefined }, 'acme.organization: required'],
      ['an organization with a slash', { organization: 'acme/proj' }, 'acme.organization: must be one organization'],
      ['a numeric organization', { organization: 42 }, 'acme.organization: expected a string'],
      ['a non-URL apiUrl', { apiUrl: 'dev.azure.com' }, 'acme.apiUrl: expected an http or https URL'],
      ['an ftp apiUrl', { apiUrl: 'ftp://tfs.example.com' }, 'acme.apiUrl: expected an http or https URL'],
      ['an apiUrl with credentials', { apiUrl: `https://u:${TOKEN}@x.example.com` }, 'acme.apiUrl: expected a URL without'],
      ['an empty token', { token: '' }, 'acme.token: must not be empty'],
      ['a numeric token', { token: 123456789 }, 'acme.token: expected a string'],
      ['a token with a broker', { broker }, 'acme.token: must not be set together with broker'],
      ['a broker without token', { token: undefined, broker: { url: 'https://b.example.com' } }, 'acme.broker.token: required'],
      ['a broker without url', { token: undefined, broker: { token: BROKER_TOKEN } }, 'acme.broker.url: required'],
      ['a broker with a bad url', { token: undefined, broker: { ...broker, url: 'broker' } }, 'acme.broker.url: expected an http or https URL'],
      ['a misspelt key', { organisation: 'acme' }, 'acme.organisation: unknown key'],
      ['a misspelt nested key', { filters: { project: ['a'] } }, 'acme.filters.project: unknown key'],
      ['a key of the wrong type', { backstageCatalog: 'yes' }, 'acme.backstageCatalog: expected an object'],
      ['a non-boolean flag', { backstageCatalog: { enabled: 'sometimes' } }, 'acme.backstageCatalog.enabled: expected true or false'],
      ['a misspelt insight', { insights: { language: false } }, 'acme.insights.language: unknown key'],
      ['a non-boolean insight', { insights: { contributors: 'names' } }, 'acme.insights.contributors: expected true or false'],
      ['an empty filename', { backstageCatalog: { filename: '/' } }, 'acme.backstageCatalog.filename: must not be empty'],
      ['a filename escaping the repository', { backstageCatalog: { filename: 'a/../../b.yaml' } }, 'acme.backstageCatalog.filename: must not contain ".."'],
      ['a filename with backslashes', { backstageCatalog: { filename: 'a\\b.yaml' } }, 'acme.backstageCatalog.filename: must use "/"'],
      ['Location among the ingested kinds', { backstageCatalog: { ingestKinds: ['Component', 'Location'] } }, 'acme.backstageCatalog.ingestKinds[1]: "Location" is never ingested: a Location would make the catalog read whatever its target names; remove it'],
      ['Location in lower case among the ingested kinds', { backstageCatalog: { ingestKinds: ['location'] } }, 'acme.backstageCatalog.ingestKinds[0]: "location" is never ingested'],
      ['an ingested kind that is no kind', { backstageCatalog: { ingestKinds: ['Component', 'my kind'] } }, 'acme.backstageCatalog.ingestKinds[1]: "my kind" is not an entity kind, e.g. Component'],
      ['ingested kinds that are not a list', { backstageCatalog: { ingestKinds: 'Component' } }, 'acme.backstageCatalog.ingestKinds: expected a list'],
      ['a zero maxFileBytes', { backstageCatalog: { maxFileBytes: 0 } }, 'acme.backstageCatalog.maxFileBytes: expected an integer from 1 to 5242880'],
      ['an unknown attribute', { backstageCatalog: { attributes: ['catalogName', 'ownr'] } }, 'acme.backstageCatalog.attributes[1]: unknown attribute "ownr"; expected one of catalogName, title, category, lifecycle, owner, application, description'],
      ['an unknown attribute id', { backstageCatalog: { attributes: [{ id: 'team', path: 'a' }] } }, 'acme.backstageCatalog.attributes[0].id: unknown attribute "team"'],
      ['an attribute of the wrong type', { backstageCatalog: { attributes: [7] } }, 'acme.backstageCatalog.attributes[0]: expected an attribute id'],
      ['a duplicate attribute', { backstageCatalog: { attributes: ['owner', { id: 'owner', path: 'x' }] } }, 'acme.backstageCatalog.attributes[1]: duplicate attribute "owner"'],
      ['an unbalanced quote', { backstageCatalog: { attributes: ['owner', { id: 'title', path: 'metadata."x' }] } }, 'acme.backstageCatalog.attributes[1].path: unbalanced quote'],
      ['an empty path segment', { backstageCatalog: { attributes: [{ id: 'title', path: 'metadata..title' }] } }, 'acme.backstageCatalog.attributes[0].path: empty segment'],
      ['an unknown attribute key', { backstageCatalog: { attributes: [{ id: 'title', pth: 'x' }] } }, 'acme.backstageCatalog.attributes[0].pth: unknown key'],
      ['an empty glob', { filters: { projects: ['a', ''] } }, 'acme.filters.projects[1]: must not be empty'],
      ['an empty include list', { filters: { repositories: [] } }, 'acme.filters.repositories: must list at least one glob'],
      ['a glob that is not a string', { filters: { excludeRepositories: [1] } }, 'acme.filters.excludeRepositories[0]: expected a string'],
      ['globs that are not a list', { filters: { excludeProjects: 'scratch-*' } }, 'acme.filters.excludeProjects: expected a list'],
      ['concurrency 0', { concurrency: 0 }, 'acme.concurrency: expected an integer from 1 to 64'],
      ['fractional concurrency', { concurrency: 1.5 }, 'acme.concurrency: expected an integer from 1 to 64'],
      ['a too long request timeout', { requestTimeoutSeconds: 601 }, 'acme.requestTimeoutSeconds: expected an integer from 1 to 600'],
      ['negative retries', { maxRetries: -1 }, 'acme.maxRetries: expected an integer from 0 to 10'],
      ['a zero maxRemovedPercent', { maxRemovedPercent: 0 }, 'acme.maxRemovedPercent: expected an integer from 1 to 100, or off'],
      ['a maxRemovedPercent that is neither', { maxRemovedPercent: 'never' }, 'acme.maxRemovedPercent: expected an integer from 1 to 100, or off'],
      ['a zero maxRetryAfterSeconds', { maxRetryAfterSeconds: 0 }, 'acme.maxRetryAfterSeconds: expected an integer from 1 to 3600'],
      ['a maxRetryAfterSeconds as long as the sync timeout', { maxRetryAfterSeconds: 180 }, "acme.maxRetryAfterSeconds: must be shorter than the schedule's timeout (180 s), or a sync would be cut off while it waits"],
      ['a bad defaultOwner', { defaultOwner: 'group:default/Team A!' }, 'acme.defaultOwner: "group:default/Team A!" is not a valid entity ref'],
      ['an empty defaultOwner name', { defaultOwner: 'group:default/' }, 'acme.defaultOwner: "group:default/" is not a valid entity ref'],
      ['a schedule without frequency', { schedule: { timeout: { minutes: 1 } } }, "acme.schedule: Missing required config value at 'frequency'"],
      ['a schedule with a bad duration', { schedule: { frequency: 'soon', timeout: { minutes: 1 } } }, "acme.schedule: Invalid duration 'soon'"],
      ['a schedule with a bad scope', { schedule: { frequency: { minutes: 1 }, timeout: { minutes: 1 }, scope: 'cluster' } }, 'acme.schedule: Only "global" or "local"'],
      ['a misspelt schedule key', { schedule: { frequncy: { minutes: 1 }, timeout: { minutes: 1 } } }, 'acme.schedule.frequncy: unknown key'],
      ['a blank profileName', { profileName: '   ' }, 'acme.profileName: must not be blank'],
      ['an organization padded with spaces', { organization: ' acme ' }, 'acme.organization: must not start or end with spaces'],
      ['a blank organization', { organization: '  ' }, 'acme.organization: must not start or end with spaces'],
      ['a token with a trailing newline', { token: `${TOKEN}\n` }, 'acme.token: must not contain spaces or line breaks'],
      ['a blank token', { token: '   ' }, 'acme.token: must not contain spaces or line breaks'],
      ['a broker token with a space', { token: undefined, broker: { ...broker, token: `${BROKER_TOKEN} ` } }, 'acme.broker.token: must not contain spaces or line breaks'],
      ['a misspelt broker key', { token: undefined, broker: { ...broker, tokn: BROKER_TOKEN } }, 'acme.broker.tokn: unknown key'],
      ['a filename naming a folder', { backstageCatalog: { filename: '.backstage/' } }, 'acme.backstageCatalog.filename: must name a file, not a folder'],
      ['attributes that are not a list', { backstageCatalog: { attributes: 'owner' } }, 'acme.backstageCatalog.attributes: expected a list'],
      ['a maxFileBytes above 5 MiB', { backstageCatalog: { maxFileBytes: 5 * 1024 * 1024 + 1 } }, 'acme.backstageCatalog.maxFileBytes: expected an integer from 1 to 5242880'],
      ['a concurrency that is no number', { concurrency: 'many' }, 'acme.concurrency: expected an integer from 1 to 64'],
      ['a zero request timeout', { requestTimeoutSeconds: 0 }, 'acme.requestTimeoutSeconds: expected an integer from 1 to 600'],
      ['too many retries', { maxRetries: 11 }, 'acme.maxRetries: expected an integer from 0 to 10'],
      ['a schedule that is no object', { schedule: 'PT30M' }, 'acme.schedule: expected an object'],
      ['a schedule without timeout', { schedule: { frequency: { minutes: 5 } } }, "acme.schedule: Failed to read duration from config, Error: Missing required config value at 'timeout'"],
    ])('%s', (_name, overrides, expected) => {
      const error = errorOf(() => readOne(overrides));
      expect(error.message).toContain(`${KEY}.${expected}`);
      expect(error.message).not.toContain(TOKEN);
      expect(error.message).not.toContain(BROKER_TOKEN);
    });

    it.each([
      ['a profile that is not an object', 'Acme', `${KEY}.acme: expected an object`],
      ['a profile id with a "+"', undefined, `${KEY}.ac+me: a profile id may only hold`],
    ])('%s', (_name, value, expected) => {
      const profiles = value === undefined ? { 'ac+me': profile() } : { acme: value };
      expect(errorOf(() => readProfileConfigs(rootConfig(profiles))).message).toContain(expected);
    });

    it('names both profiles that share a profileName', () => {
      const error = errorOf(() =>
        readProfileConfigs(rootConfig({ one: profile(), two: profile({ organization: 'other' }) })),
      );
      expect(error.problems).toEqual([
        `${KEY}.two.profileName: "Acme" is already the profileName of ${KEY}.one`,
      ]);
    });

    it('lists every problem of every profile, one per line, and no secret', () => {
      const error = errorOf(() =>
        readProfileConfigs(
          rootConfig({
            one: profile({ organization: undefined, concurrency: 0 }),
            two: profile({ profileName: 'Two', broker: { url: TOKEN, token: BROKER_TOKEN } }),
            three: { profileName: 'Three', organization: 'x', tokn: TOKEN },
          }),
        ),
      );
      expect(error.message.split('\n')).toEqual([
        `Invalid configuration of ${KEY}:`,
        `${KEY}.one.organization: required`,
        `${KEY}.one.concurrency: expected an integer from 1 to 64`,
        `${KEY}.three.tokn: unknown key`,
        `${KEY}.two.broker.url: expected an http or https URL`,
      ]);
    });
  });
});

describe('config.d.ts', () => {
  /** A profile that sets every key the reader accepts. */
  const FULL_PROFILE = {
    profileName: 'Acme',
    organization: 'acme',
    apiUrl: 'https://tfs.example.com/tfs/',
    backstageCatalog: {
      enabled: true,
      filename: 'catalog-info.yaml',
      attributes: ['title', 'description', { id: 'owner', path: 'metadata.annotations."example.com/team"' }],
      ingestEntities: false,
      ingestKinds: ['Component', 'API'],
      maxFileBytes: 1000,
    },
    filters: {
      projects: ['a*'],
      excludeProjects: ['b*'],
      repositories: ['c*'],
      excludeRepositories: ['d*'],
      includeDisabled: true,
      includeForks: false,
    },
    insights: { freshness: true, languages: false, contributors: true },
    defaultOwner: 'team-a',
    concurrency: 4,
    requestTimeoutSeconds: 30,
    maxRetries: 2,
    maxRetryAfterSeconds: 30,
    maxRemovedPercent: 25,
    schedule: { frequency: { minutes: 5 }, timeout: { minutes: 1 }, initialDelay: 'PT1S', scope: 'local' },
  };
  const FULL_PROFILES = {
    withToken: { ...FULL_PROFILE, profileName: 'One', token: TOKEN },
    withBroker: { ...FULL_PROFILE, profileName: 'Two', broker: { url: 'https://b.example.com', token: BROKER_TOKEN } },
  };

  /** Key paths of the leaves of a value; list items as `[]`, schedule values left opaque. */
  function keysOfValue(value: unknown, prefix: string): string[] {
    if (Array.isArray(value)) return value.flatMap(item => keysOfValue(item, `${prefix}[]`));
    if (value === null || typeof value !== 'object' || prefix.startsWith('schedule.')) return [prefix];
    return Object.entries(value).flatMap(([key, item]) => keysOfValue(item, prefix ? `${prefix}.${key}` : key));
  }

  /** The parts of a JSON schema node walked here. */
  interface SchemaNode {
    type?: string;
    items?: SchemaNode;
    anyOf?: SchemaNode[];
    properties?: Record<string, SchemaNode>;
    additionalProperties?: SchemaNode;
    visibility?: string;
  }

  /** The same key paths, from the JSON schema generated out of config.d.ts. */
  function keysOfSchema(schema: SchemaNode, prefix: string): string[] {
    if (schema.items) return keysOfSchema(schema.items, `${prefix}[]`);
    if (schema.anyOf) return schema.anyOf.flatMap(option => keysOfSchema(option, prefix));
    if (!schema.properties || prefix.startsWith('schedule.')) return [prefix];
    return Object.entries(schema.properties).flatMap(([key, item]) =>
      keysOfSchema(item, prefix ? `${prefix}.${key}` : key),
    );
  }

  let profileSchema: SchemaNode;
  let configSchema: Awaited<ReturnType<typeof loadConfigSchema>>;
  beforeAll(async () => {
    configSchema = await loadConfigSchema({
      dependencies: [],
      packagePaths: [path.resolve(__dirname, '../../package.json')],
      excludePackageDependencies: true,
    });
    const [{ value }] = (configSchema.serialize() as unknown as { schemas: { value: SchemaNode }[] })
      .schemas;
    const at = (node: SchemaNode | undefined, key: string) => node?.properties?.[key];
    profileSchema = at(at(at(value, 'catalog'), 'providers'), 'azureDevOpsRepositories')!
      .additionalProperties!;
  });

  it('declares exactly the keys the reader accepts', () => {
    const read = readProfileConfigs(rootConfig(FULL_PROFILES));
    expect(read).toHaveLength(2);
    const declared = new Set(keysOfSchema(profileSchema, ''));
    const used = new Set(Object.values(FULL_PROFILES).flatMap(value => keysOfValue(value, '')));
    expect([...declared].sort()).toEqual([...used].sort());
  });

  it('accepts the full profiles, and marks both tokens secret', () => {
    const data = { catalog: { providers: { azureDevOpsRepositories: FULL_PROFILES } } };
    expect(() => configSchema.process([{ data, context: 'test' }])).not.toThrow();
    expect(profileSchema.properties?.token.visibility).toBe('secret');
    expect(profileSchema.properties?.broker.properties?.token.visibility).toBe('secret');
  });
});
