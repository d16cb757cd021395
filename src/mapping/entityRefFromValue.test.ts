import { entityRefFromParts, entityRefFromValue, type EntityRefDefaults } from './entityRefFromValue';

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

describe('entityRefFromParts', () => {
  it.each([
    ['plain parts', { kind: 'Component', namespace: 'default', name: 'shop-web' }, 'component:default/shop-web'],
    ['capitals, stored lower-cased', { kind: 'API', namespace: 'Payments', name: 'Shop.Web_2' }, 'api:payments/shop.web_2'],
    ['a name of 63 characters', { kind: 'Component', namespace: 'default', name: 'a'.repeat(63) }, `component:default/${'a'.repeat(63)}`],
  ])('resolves %s', (_name, parts, ref) => {
    expect(entityRefFromParts(parts)).toBe(ref);
  });

  it.each([
    ['spaces in the name', { kind: 'Component', namespace: 'default', name: 'my service' }],
    ['a name of 64 characters', { kind: 'Component', namespace: 'default', name: 'a'.repeat(64) }],
    ['a slash in the name, which is no separator here', { kind: 'Component', namespace: 'default', name: 'a/b' }],
    ['a colon in the name', { kind: 'Component', namespace: 'default', name: 'group:x' }],
    ['an underscore in the namespace', { kind: 'Component', namespace: 'my_ns', name: 'x' }],
    ['a namespace of 64 characters', { kind: 'Component', namespace: 'n'.repeat(64), name: 'x' }],
    ['a kind with a dash', { kind: 'My-Kind', namespace: 'default', name: 'x' }],
    ['an empty kind', { kind: '', namespace: 'default', name: 'x' }],
  ])('refuses %s', (_name, parts) => {
    expect(entityRefFromParts(parts)).toBeUndefined();
  });
});
