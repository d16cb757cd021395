import { parseAllDocuments } from 'yaml';
import { catalogFileWithOwner } from './catalogFileWithOwner';

const SYSTEM_THEN_COMPONENT = `# Owned by the platform group
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: platform
spec:
  owner: team-platform
---
apiVersion: backstage.io/v1alpha1
kind: Component # the service itself
metadata:
  name: api
  title: Platform API
spec:
  type: service
  owner: team-platform
  system: platform
`;

function owners(yaml: string): unknown[] {
  return parseAllDocuments(yaml).map(document => document.getIn(['spec', 'owner']));
}

describe('catalogFileWithOwner', () => {
  it('sets the owner of the first Component and keeps everything else as written', () => {
    const edited = catalogFileWithOwner(SYSTEM_THEN_COMPONENT, 'group:default/new-team');
    expect(owners(edited)).toEqual(['team-platform', 'group:default/new-team']);
    expect(edited).toBe(SYSTEM_THEN_COMPONENT.replace('owner: team-platform\n  system', 'owner: group:default/new-team\n  system'));
  });

  it('adds spec.owner to the first document when no Component has one', () => {
    const edited = catalogFileWithOwner('apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: x\n', 'user:default/jane');
    expect(owners(edited)).toEqual(['user:default/jane']);
    expect(edited).toContain('metadata:\n  name: x\n');
  });

  it.each([
    ['', 'no YAML document'],
    ['kind: [unclosed\n', 'not valid YAML'],
  ])('refuses %j', (yaml, message) => {
    expect(() => catalogFileWithOwner(yaml, 'x')).toThrow(message);
  });
});
