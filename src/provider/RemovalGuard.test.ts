import { RemovalGuard, type RemovalVerdict } from './RemovalGuard';

/** `count` refs, `component:default/<prefix>-<n>`. */
function refs(count: number, prefix = 'r'): Set<string> {
  return new Set(Array.from({ length: count }, (_, n) => `component:default/${prefix}-${n}`));
}

function guardHolding(count: number, maxPercent: number | 'off' = 50): RemovalGuard {
  const guard = new RemovalGuard({ maxPercent: maxPercent === 'off' ? undefined : maxPercent });
  guard.applied('full', refs(count));
  return guard;
}

describe('RemovalGuard', () => {
  it.each([
    ['nothing known yet (first sync of this process)', new RemovalGuard({ maxPercent: 50 }), refs(0), { hold: false }],
    ['the guard off', guardHolding(100, 'off'), refs(0), { hold: false }],
    ['an empty listing after 100 entities', guardHolding(100), refs(0), { hold: true, removing: 100, of: 100 }],
    ['51 of 100 removed', guardHolding(100), refs(49), { hold: true, removing: 51, of: 100 }],
    ['exactly half removed', guardHolding(100), refs(50), { hold: false }],
    ['9 of 9 removed: fewer than 10', guardHolding(9), refs(0), { hold: false }],
    ['10 of 10 removed', guardHolding(10), refs(0), { hold: true, removing: 10, of: 10 }],
    ['a stricter threshold: 11 of 100 at 10%', guardHolding(100, 10), refs(89), { hold: true, removing: 11, of: 100 }],
    ['everything renamed (all removed, as many added)', guardHolding(20), refs(20, 'new'), { hold: true, removing: 20, of: 20 }],
  ])('%s', (_name, guard, next, verdict) => {
    expect(guard.check(next)).toEqual(verdict);
  });

  it('applies a held removal when the next sync confirms it', () => {
    const guard = guardHolding(30);
    expect(guard.check(refs(0))).toMatchObject({ hold: true });
    guard.applied('delta', []);
    expect(guard.check(refs(0))).toEqual({ hold: false });
    guard.applied('full', []);
    expect(guard.check(refs(0))).toEqual({ hold: false });
  });

  it('forgets a held removal when the next sync lists the entities again', () => {
    const guard = guardHolding(30);
    expect(guard.check(refs(0))).toMatchObject({ hold: true });
    guard.applied('delta', []);
    expect(guard.check(refs(30))).toEqual({ hold: false });
    guard.applied('full', refs(30));
    // A later fault is held again, not taken as confirmed by the one before.
    expect(guard.check(refs(0))).toMatchObject({ hold: true });
  });

  it('compares with what a held sync added as well', () => {
    const guard = guardHolding(30);
    expect(guard.check(refs(2, 'new'))).toMatchObject({ hold: true, removing: 30, of: 30 });
    guard.applied('delta', refs(2, 'new'));
    expect(guard.check(refs(2, 'new'))).toEqual({ hold: false });
  });

  it('guards the removals of a delta mutation too, and forgets what a delta removed', () => {
    const guard = guardHolding(30);
    const gone = [...refs(20)];
    expect(guard.checkDelta(gone)).toEqual({ hold: true, removing: 20, of: 30 });
    expect(guard.checkDelta(gone)).toEqual({ hold: false });
    guard.applied('delta', [], gone);
    expect(guard.check(new Set([...refs(30)].filter(ref => !gone.includes(ref))))).toEqual({ hold: false });
    expect(guard.checkDelta(gone.slice(0, 5))).toEqual({ hold: false });
  });

  it('knows nothing after a delta when it knew nothing before', () => {
    const guard = new RemovalGuard({ maxPercent: 50 });
    guard.applied('delta', refs(30));
    expect(guard.check(refs(0))).toEqual({ hold: false });
  });
});

describe('RemovalGuard at the end of a cycle', () => {
  it.each<[string, number | 'off', number, number, RemovalVerdict]>([
    ['nothing to remove', 50, 0, 100, { hold: false }],
    ['the guard off', 'off', 100, 100, { hold: false }],
    ['every repository gone', 50, 100, 100, { hold: true, removing: 100, of: 100 }],
    ['51 of 100', 50, 51, 100, { hold: true, removing: 51, of: 100 }],
    ['exactly half', 50, 50, 100, { hold: false }],
    ['9 of 9: fewer than 10', 50, 9, 9, { hold: false }],
    ['10 of 10', 50, 10, 10, { hold: true, removing: 10, of: 10 }],
    ['11 of 100 at 10%', 10, 11, 100, { hold: true, removing: 11, of: 100 }],
  ])('%s', (_name, maxPercent, removing, of, verdict) => {
    const guard = new RemovalGuard({ maxPercent: maxPercent === 'off' ? undefined : maxPercent });
    expect(guard.verdictFor(removing, of)).toEqual(verdict);
    expect(guard.awaitingConfirmation).toBe(verdict.hold);
  });

  it('applies a held removal when the next cycle, restored from the store, confirms it', () => {
    const held = new RemovalGuard({ maxPercent: 50 });
    expect(held.verdictFor(12, 12)).toMatchObject({ hold: true });

    const next = new RemovalGuard({ maxPercent: 50, awaitingConfirmation: held.awaitingConfirmation });
    expect(next.verdictFor(12, 12)).toEqual({ hold: false });
    expect(next.awaitingConfirmation).toBe(false);
  });

  it('forgets a held removal when the next cycle sees the repositories again', () => {
    const next = new RemovalGuard({ maxPercent: 50, awaitingConfirmation: true });
    expect(next.verdictFor(0, 12)).toEqual({ hold: false });
    expect(next.awaitingConfirmation).toBe(false);
    // A later fault is held again, not taken as confirmed by the one before.
    const later = new RemovalGuard({ maxPercent: 50, awaitingConfirmation: next.awaitingConfirmation });
    expect(later.verdictFor(12, 12)).toMatchObject({ hold: true });
  });
});
