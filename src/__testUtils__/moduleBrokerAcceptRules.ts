import type { BrokerAcceptRule } from '../../dev/simulator';

/**
 * Every request the module sends through a broker, as accept rules for the simulator's broker:
 * the list the README's "Broker accept rules" shows, for the default catalog filename.
 */
export const MODULE_BROKER_ACCEPT_RULES: BrokerAcceptRule[] = [
  { method: 'OPTIONS', path: '/:org/_apis/core' },
  { method: 'OPTIONS', path: '/:org/_apis/git' },
  { method: 'OPTIONS', path: '/:org/_apis/projectanalysis' },
  { method: 'GET', path: '/:org/_apis/projects' },
  { method: 'GET', path: '/:org/:project/_apis/git/repositories' },
  { method: 'GET', path: '/:org/:project/_apis/git/repositories/:repo' },
  { method: 'GET', path: '/:org/:project/_apis/git/repositories/:repo/items', valid: [{ queryParam: 'path', values: ['/catalog-info.yaml'] }] },
  { method: 'GET', path: '/:org/:project/_apis/projectanalysis/repositoryactivity/metrics/repositories' },
  { method: 'GET', path: '/:org/:project/_apis/git/repositories/:repo/commits' },
  { method: 'GET', path: '/:org/:project/_apis/projectanalysis/languagemetrics' },
];

/** The rules less those whose method and path are given (`GET /:org/_apis/projects`). */
export function acceptRulesWithout(...left: string[]): BrokerAcceptRule[] {
  return MODULE_BROKER_ACCEPT_RULES.filter(rule => !left.includes(`${rule.method} ${rule.path}`));
}
