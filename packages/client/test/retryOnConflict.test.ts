// Optimistic concurrency against a real API server: stale writes conflict, retryOnConflict converges.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../src/errors.js';
import { retryOnConflict } from '../src/index.js';
import { adminClient, newNamespace } from './helpers.js';

let namespace: string;

beforeAll(async () => {
  namespace = await newNamespace('client-conflict');
});

describe('retryOnConflict', () => {
  it('makes concurrent read-modify-write increments all land', async () => {
    const client = adminClient();
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'counter' };
    await client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'counter', namespace },
      data: { n: '0' },
    });
    let conflicts = 0;
    const increment = () =>
      retryOnConflict(
        async () => {
          const live = await client.get<V1ConfigMap>(ref);
          try {
            return await client.replace<V1ConfigMap>({ ...live, data: { n: String(Number(live.data?.n) + 1) } });
          } catch (err) {
            if (err instanceof ConflictError) conflicts++;
            throw err;
          }
        },
        { maxAttempts: 20 },
      );
    await Promise.all(Array.from({ length: 6 }, increment));
    const final = await client.get<V1ConfigMap>(ref);
    expect(final.data?.n).toBe('6');
    expect(conflicts).toBeGreaterThan(0);
  });

  it('gives up with the ConflictError when the object keeps changing', async () => {
    const client = adminClient();
    const created = await client.create<V1ConfigMap>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'always-stale', namespace },
    });
    let attempts = 0;
    const stale = retryOnConflict(
      async () => {
        attempts++;
        await client.patch(created, { type: 'merge', body: { data: { bump: String(attempts) } } });
        return client.replace({ ...created, data: { mine: 'x' } });
      },
      { maxAttempts: 3, initialDelayMs: 1 },
    );
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    expect(attempts).toBe(3);
  });
});
