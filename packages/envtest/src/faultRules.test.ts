import { describe, expect, it } from 'vitest';
import { type Fault, type FaultRule, FaultRuleSet, matchesFault } from './faultRules.js';
import { parseRequestInfo } from './requestInfo.js';

const conflict: Fault = { type: 'status', code: 409 };
const unavailable: Fault = { type: 'status', code: 503 };

/** Runs `requests` (method, url, user agent) through `rules`; returns the fault type (or code) each got, '-' for none. */
function run(rules: FaultRuleSet, requests: ReadonlyArray<readonly [string, string, string?]>): string[] {
  return requests.map(([method, url, userAgent = 'test']) => {
    const fault = rules.select({ info: parseRequestInfo(method, url), url, userAgent });
    return fault === undefined ? '-' : fault.type === 'status' ? String(fault.code) : fault.type;
  });
}

const patchX = ['PATCH', '/api/v1/namespaces/a/configmaps/x'] as const;
const getX = ['GET', '/api/v1/namespaces/a/configmaps/x'] as const;

describe('matchesFault', () => {
  const matches = (match: FaultRule['match'], method: string, url: string, userAgent = 'test') =>
    matchesFault(match, { info: parseRequestInfo(method, url), url, userAgent });

  it('matches every resource request, and no non-resource request, without a match', () => {
    expect(matches(undefined, 'GET', '/api/v1/namespaces/a/pods')).toBe(true);
    expect(matches({}, 'POST', '/apis/apps/v1/namespaces/a/deployments')).toBe(true);
    expect(matches(undefined, 'GET', '/version')).toBe(false);
    expect(matches({}, 'GET', '/apis/apps/v1')).toBe(false);
  });

  it('matches verbs, and reads or writes', () => {
    expect(matches({ verbs: ['watch'] }, 'GET', '/api/v1/pods?watch=true')).toBe(true);
    expect(matches({ verbs: ['watch'] }, 'GET', '/api/v1/pods')).toBe(false);
    expect(matches({ writes: true }, 'DELETE', '/api/v1/namespaces/a/pods')).toBe(true);
    expect(matches({ writes: true }, 'GET', '/api/v1/namespaces/a/pods/p')).toBe(false);
    expect(matches({ writes: false }, 'GET', '/api/v1/namespaces/a/pods/p')).toBe(true);
    expect(matches({ writes: false }, 'PUT', '/api/v1/namespaces/a/pods/p')).toBe(false);
    expect(matches({ verbs: ['create'], writes: false }, 'POST', '/api/v1/namespaces/a/pods')).toBe(false);
  });

  it('matches resources as RBAC does: a subresource only when named', () => {
    const status = '/apis/apps/v1/namespaces/a/statefulsets/web/status';
    expect(matches({ resource: 'statefulsets' }, 'PATCH', status)).toBe(false);
    expect(matches({ resource: 'statefulsets/status' }, 'PATCH', status)).toBe(true);
    expect(matches({ resource: 'statefulsets' }, 'PATCH', '/apis/apps/v1/namespaces/a/statefulsets/web')).toBe(true);
  });

  it('matches group, namespace and name; an empty namespace means cluster-scoped or all namespaces', () => {
    const url = '/apis/apps/v1/namespaces/a/deployments/d';
    expect(matches({ group: 'apps', namespace: 'a', name: 'd' }, 'GET', url)).toBe(true);
    expect(matches({ group: '' }, 'GET', url)).toBe(false);
    expect(matches({ namespace: 'b' }, 'GET', url)).toBe(false);
    expect(matches({ name: 'e' }, 'GET', url)).toBe(false);
    expect(matches({ namespace: '' }, 'GET', '/apis/apps/v1/deployments')).toBe(true);
    expect(matches({ namespace: '' }, 'GET', url)).toBe(false);
  });

  it('tests path against path and query, and then also matches non-resource requests', () => {
    expect(matches({ path: /watch=true/ }, 'GET', '/api/v1/pods?watch=true')).toBe(true);
    expect(matches({ path: /^\/version$/ }, 'GET', '/version')).toBe(true);
    expect(matches({ path: /^\/version$/, writes: false }, 'GET', '/version')).toBe(true);
    expect(matches({ path: /^\/apis\/apps/ }, 'GET', '/api/v1/pods')).toBe(false);
  });

  it('matches the user agent exactly, or by RegExp, to single out one client', () => {
    const lease = '/apis/coordination.k8s.io/v1/namespaces/a/leases/op';
    const replicaA = { resource: 'leases', userAgent: 'operator-a' };
    expect(matches(replicaA, 'PUT', lease, 'operator-a')).toBe(true);
    expect(matches(replicaA, 'PUT', lease, 'operator-b')).toBe(false);
    expect(matches(replicaA, 'PUT', lease, 'operator-a/v2')).toBe(false);
    expect(matches(replicaA, 'GET', '/api/v1/namespaces/a/pods', 'operator-a')).toBe(false);
    const byPattern = { userAgent: /^operator-a\b/g };
    expect([1, 2].map(() => matches(byPattern, 'GET', lease, 'operator-a/v2 (linux)'))).toEqual([true, true]);
    expect(matches(byPattern, 'GET', lease, '')).toBe(false);
  });

  it('gives the same answer every time for a global RegExp', () => {
    const match = { path: /pods/g };
    expect([1, 2, 3].map(() => matches(match, 'GET', '/api/v1/pods'))).toEqual([true, true, true]);
  });
});

describe('FaultRuleSet', () => {
  it('injects into every matching request by default', () => {
    const rules = new FaultRuleSet();
    rules.add({ match: { writes: true }, fault: conflict });
    expect(run(rules, [patchX, getX, patchX, patchX])).toEqual(['409', '-', '409', '409']);
  });

  it('retires a rule after `times` injections', () => {
    const rules = new FaultRuleSet();
    rules.add({ fault: unavailable, times: 2 });
    expect(run(rules, [getX, patchX, getX, getX])).toEqual(['503', '503', '-', '-']);
    expect(rules.size).toBe(0);
  });

  it('injects into every Nth matching request, counting only the requests the rule matches', () => {
    const rules = new FaultRuleSet();
    rules.add({ match: { writes: true }, fault: conflict, every: 2 });
    expect(run(rules, [patchX, getX, patchX, getX, patchX, patchX])).toEqual(['-', '-', '409', '-', '-', '409']);
  });

  it('combines every and times: the 2nd and 4th, then retires', () => {
    const rules = new FaultRuleSet();
    rules.add({ fault: conflict, every: 2, times: 2 });
    expect(
      run(
        rules,
        Array.from({ length: 8 }, () => patchX),
      ),
    ).toEqual(['-', '409', '-', '409', '-', '-', '-', '-']);
  });

  it('lets the first applicable rule win, and passes skipped requests on to later rules', () => {
    const rules = new FaultRuleSet();
    rules.add({ match: { verbs: ['patch'] }, fault: conflict, every: 2 });
    rules.add({ fault: unavailable, every: 2 });
    // patch #1 skipped by rule 1 -> rule 2 counts 1; patch #2 -> rule 1 applies (rule 2 does not see it);
    // patch #3 skipped -> rule 2 counts 2 and applies; get -> rule 2 counts 3.
    expect(run(rules, [patchX, patchX, patchX, getX, getX])).toEqual(['-', '409', '503', '-', '503']);
  });

  it('selects the faults that forward: lost responses and delays', () => {
    const rules = new FaultRuleSet();
    rules.add({ match: { verbs: ['create'] }, fault: { type: 'lostResponse' }, times: 1 });
    rules.add({ match: { verbs: ['get'], userAgent: 'slow' }, fault: { type: 'delay', delayMs: 100 } });
    const create = ['POST', '/api/v1/namespaces/a/configmaps'] as const;
    expect(run(rules, [create, create, [...getX, 'slow'], getX])).toEqual(['lostResponse', '-', 'delay', '-']);
  });

  it('removes a rule through the function inject returned, and all rules through clear', () => {
    const rules = new FaultRuleSet();
    const remove = rules.add({ fault: conflict });
    rules.add({ match: { verbs: ['get'] }, fault: { type: 'reset' } });
    remove();
    remove(); // idempotent
    expect(run(rules, [patchX, getX])).toEqual(['-', 'reset']);
    rules.clear();
    expect(run(rules, [getX])).toEqual(['-']);
  });

  it.each([
    [{ fault: conflict, times: 0 }, /times/],
    [{ fault: conflict, every: 1.5 }, /every/],
    [{ fault: { type: 'status', code: 200 } }, /400-599/],
    [{ fault: { type: 'status', code: 429, retryAfterSeconds: -1 } }, /retryAfterSeconds/],
    [{ fault: { type: 'stall', delayMs: Number.NaN } }, /delayMs/],
    [{ fault: { type: 'delay', delayMs: -1 } }, /delay delayMs/],
    [{ fault: { type: 'explode' } }, /unknown fault type/],
  ])('rejects the invalid rule %j', (rule, message) => {
    expect(() => new FaultRuleSet().add(rule as FaultRule)).toThrow(message);
  });
});
