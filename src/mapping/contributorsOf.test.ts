import type { AzureDevOpsCommit } from '../client/AzureDevOpsApi';
import { contributorsOf, isBotAuthor } from './contributorsOf';

const SINCE = Date.parse('2026-09-01T00:00:00Z');

function commit(name: string, email: string, date: string): AzureDevOpsCommit {
  return { commitId: `${name}-${date}`, author: { name, email }, committedAt: new Date(date) };
}

describe('contributorsOf', () => {
  it('counts distinct authors by e-mail without case, within the window, bots excluded', () => {
    const commits = [
      commit('Ada', 'ada@example.com', '2026-11-20T00:00:00Z'),
      commit('Ada L.', 'ADA@Example.com', '2026-11-10T00:00:00Z'),
      commit('Grace', 'grace@example.com', '2026-10-01T00:00:00Z'),
      commit('dependabot[bot]', '49699333+dependabot[bot]@users.noreply.github.com', '2026-11-01T00:00:00Z'),
      commit('Project Collection Build Service (acme)', 'build@example.com', '2026-11-02T00:00:00Z'),
      commit('Linus', 'linus@example.com', '2026-08-31T23:59:59Z'),
    ];
    expect(contributorsOf(commits, SINCE)).toBe(2);
  });

  it('counts none without commits in the window', () => {
    expect(contributorsOf([commit('Ada', 'ada@example.com', '2026-01-01T00:00:00Z')], SINCE)).toBe(0);
  });
});

describe('isBotAuthor', () => {
  it.each([
    ['dependabot[bot]', '49699333+dependabot[bot]@users.noreply.github.com'],
    ['Renovate Bot', 'bot@renovateapp.com'],
    ['Project Collection Build Service (acme)', 'a1b2@example.com'],
    ['Payments Build Service (acme)', 'c3d4@example.com'],
    ['Azure Pipelines', 'pipelines@example.com'],
    ['Some Service', 'noreply@example.com'],
    ['Some Service', 'no-reply@example.com'],
  ])('%s <%s> is a bot', (name, email) => {
    expect(isBotAuthor({ name, email })).toBe(true);
  });

  it.each([
    ['Ada Lovelace', 'ada@example.com'],
    ['Abbot Smith', 'abbot@example.com'],
    ['Robot Fan', 'robotfan@example.com'],
  ])('%s <%s> is a person', (name, email) => {
    expect(isBotAuthor({ name, email })).toBe(false);
  });
});
