import { FakeAzureDevOpsApi } from '../__testUtils__/FakeAzureDevOpsApi';
import { buildProfile, buildRepository } from '../__testUtils__/builders';
import { compileGlobs } from '../config/compileGlobs';
import { discoverRepositories } from './discoverRepositories';

const BROKER = { url: 'https://broker.example.com', token: 'broker-token' };
const project = (id: string, name: string) => ({ id, name, visibility: 'private' as const });
const payments = buildRepository({ id: 'r1', name: 'payments-api', project: project('p1', 'Payments') });
const scratch = buildRepository({ id: 'r2', name: 'try-out', project: project('p2', 'scratch-1') });
const sales = buildRepository({ id: 'r3', name: 'crm', project: project('p3', 'Sales') });

describe('discoverRepositories', () => {
  it.each([
    ['excludeProjects', { excludeProjects: compileGlobs(['scratch-*']) }, ['p1', 'p3'], ['payments-api', 'crm']],
    ['an include list', { projects: compileGlobs(['pay*']) }, ['p1'], ['payments-api']],
    ['both, the exclude winning', { projects: compileGlobs(['*']), excludeProjects: compileGlobs(['sales', 'scratch-*']) }, ['p1'], ['payments-api']],
    ['no project filters', {}, ['p1', 'p2', 'p3'], ['payments-api', 'try-out', 'crm']],
  ])('through a broker, never lists the repositories of projects left out by %s', async (_name, filters, listed, emitted) => {
    const api = new FakeAzureDevOpsApi([payments, scratch, sales]);
    const discovered = await discoverRepositories(api, buildProfile({ token: undefined, broker: BROKER, filters }));
    expect(api.listingCalls).toEqual(listed);
    expect(discovered.repositories.map(repository => repository.name)).toEqual(emitted);
  });

  it('without a broker, lists the organization in one request and filters afterwards', async () => {
    const api = new FakeAzureDevOpsApi([payments, scratch, sales]);
    const discovered = await discoverRepositories(api, buildProfile({ filters: { excludeProjects: compileGlobs(['scratch-*']) } }));
    expect(api.listingCalls).toEqual([undefined]);
    expect(discovered.repositories.map(repository => repository.name)).toEqual(['payments-api', 'crm']);
    expect(discovered.excluded).toEqual({ 'project-excluded': 1 });
  });
});
