import { entityRefFromValue, type EntityRefDefaults } from './entityRefFromValue';

const OWNER: EntityRefDefaults = { defaultKind: 'Group' };

describe('entityRefFromValue', () => {
  it.each([
    ['a name', 'team-a', OWNER, 'group:default/team-a'],
    ['a name in a file namespace', 'team-a', { ...OWNER, defaultNamespace: 'payments' }, 'group:payments/team-a'],
    ['namespace/name', 'platform/team-x', { ...OWNER, defaultNamespace: 'payments' }, 'group:platform/team-x'],
    ['a full ref', 'group:platform/team-x', OWNER, 'group:platform/team-x'],
    ['another kind', 'user:jane.doe', { ...OWNER, defaultNamespace: 'payments' }, 'user:payments/jane.doe'],
    ['mixed case', 'Group:Platform/Team-X', OWNER, 'group:platform/team-x'],
    ['surrounding blanks', '  team-a ', OWNER, 'group:default/team-a'],
    ['a system', 'payments', { defaultKind: 'System' }, 'system:default/payments'],
    ['a full ref without defaults', 'component:default/x', {}, 'component:default/x'],
  ])('resolves %s', (_name, value, defaults, ref) => {
    expect(entityRefFromValue(value, defaults)).toBe(ref);
  });

  it.each([
    ['an empty value', '', OWNER],
    ['blanks', '   ', OWNER],
    ['an empty kind', ':team-a', OWNER],
    ['an empty namespace', 'group:/team-a', OWNER],
    ['an empty name', 'group:default/', OWNER],
    ['spaces in the name', 'Team A', OWNER],
    ['punctuation in the name', 'team-a!', OWNER],
    ['a name over 63 characters', 'a'.repeat(64), OWNER],
    ['an underscore in the namespace', 'my_ns/team-a', OWNER],
    ['a kind with a dash', 'my-kind:team-a', OWNER],
    ['a shorthand without a default kind', 'team-a', {}],
  ])('refuses %s', (_name, value, defaults) => {
    expect(entityRefFromValue(value, defaults)).toBeUndefined();
  });
});
