import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetricsAuthFilter, type MetricsAuthClient } from './metricsAuth.js';

interface Sent {
  readonly kind: string;
  readonly spec: Record<string, unknown>;
}

/** A client answering reviews from `users` (token → user) and `allowed` (usernames granted `get /metrics`). */
function fakeClient(users: Record<string, string>, allowed: readonly string[], fail = false) {
  const sent: Sent[] = [];
  const client = {
    registerKind: () => {},
    create: async (body: { kind: string; spec: Record<string, unknown> }) => {
      sent.push({ kind: body.kind, spec: body.spec });
      if (fail) throw new Error('connection refused');
      if (body.kind === 'TokenReview') {
        const username = users[body.spec.token as string];
        return { ...body, status: username ? { authenticated: true, user: { username, groups: ['g1'] } } : {} };
      }
      return { ...body, status: { allowed: allowed.includes(body.spec.user as string) } };
    },
  } as unknown as MetricsAuthClient;
  return { client, sent };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createMetricsAuthFilter', () => {
  it('answers 401 without a bearer token, and asks the API server nothing', async () => {
    const { client, sent } = fakeClient({}, []);
    const filter = createMetricsAuthFilter({ client });
    expect((await filter(undefined)).status).toBe(401);
    expect((await filter('Basic YWRtaW46YWRtaW4=')).status).toBe(401);
    expect((await filter('Bearer ')).status).toBe(401);
    expect(sent).toEqual([]);
  });

  it('answers 401 for a token the TokenReview does not authenticate, without an access review', async () => {
    const { client, sent } = fakeClient({}, []);
    const decision = await createMetricsAuthFilter({ client })('Bearer forged');
    expect(sent).toEqual([{ kind: 'TokenReview', spec: { token: 'forged' } }]);
    expect(decision.status).toBe(401);
  });

  it('answers 403 naming the user when the SubjectAccessReview for get /metrics is denied', async () => {
    const { client, sent } = fakeClient({ t1: 'alice' }, []);
    const decision = await createMetricsAuthFilter({ client })('Bearer t1');
    expect(sent[1]).toEqual({
      kind: 'SubjectAccessReview',
      spec: { user: 'alice', groups: ['g1'], nonResourceAttributes: { path: '/metrics', verb: 'get' } },
    });
    expect(decision).toEqual({ status: 403, message: 'Forbidden: user "alice" may not get /metrics\n' });
  });

  it('answers 200 when allowed, reuses the decision within the TTL and asks again after it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { client, sent } = fakeClient({ t1: 'alice' }, ['alice']);
    const filter = createMetricsAuthFilter({ client, cacheTtlMs: 60_000 });
    expect((await filter('Bearer t1')).status).toBe(200);
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(59_000);
    expect((await filter('bearer t1')).status).toBe(200);
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(2_000);
    expect((await filter('Bearer t1')).status).toBe(200);
    expect(sent).toHaveLength(4);
  });

  it('remembers at most maxCacheEntries tokens, forgetting the oldest first', async () => {
    const { client, sent } = fakeClient({ a: 'alice', b: 'bob', c: 'carol' }, ['alice', 'bob', 'carol']);
    const filter = createMetricsAuthFilter({ client, maxCacheEntries: 2 });
    for (const token of ['a', 'b', 'c']) await filter(`Bearer ${token}`);
    expect(sent).toHaveLength(6);
    await filter('Bearer c'); // still remembered
    expect(sent).toHaveLength(6);
    await filter('Bearer a'); // forgotten when c came
    expect(sent).toHaveLength(8);
  });

  it('answers 500 when a review fails, logs without the token, and reviews again next time', async () => {
    const { client, sent } = fakeClient({}, [], true);
    const warned: unknown[] = [];
    const filter = createMetricsAuthFilter({ client, logger: { warn: (...args: unknown[]) => warned.push(args) } });
    expect(await filter('Bearer s3cr3t-token')).toEqual({
      status: 500,
      message: 'authentication or authorization check failed\n',
    });
    expect(warned).toHaveLength(1);
    expect(JSON.stringify(warned, (_k, v) => (v instanceof Error ? v.message : v))).not.toContain('s3cr3t-token');
    await filter('Bearer s3cr3t-token');
    expect(sent).toHaveLength(2);
  });
});
