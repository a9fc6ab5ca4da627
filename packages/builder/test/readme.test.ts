import { readFileSync } from 'node:fs';
import { objectHash, readHash, stampHash } from '@dsoi/hash';
import type { V1ConfigMap, V1StatefulSet } from '@kubernetes/client-node';
import { expect, it, vi } from 'vitest';
import { buildConfigMap, buildStatefulSet } from '../src/index.js';

it('runs the README example and reaches its stated results', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await import('../examples/readme.js');
  const [names, annotations] = log.mock.calls;
  expect(names).toEqual([['ConfigMap/pinot-server-config', 'Service/pinot-server', 'StatefulSet/pinot-server']]);
  expect(annotations).toEqual([
    { 'checksum.dsoi.io/configmap-pinot-server-config': expect.stringMatching(/^[0-9a-f]{32}$/) },
  ]);
  expect(log).toHaveBeenCalledTimes(2);
  log.mockRestore();
});

it('shows in the README exactly the code of examples/readme.ts', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/readme.ts', import.meta.url), 'utf8');
  const block = /## Example\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBe(example.slice(example.indexOf('\n') + 1));
});

it('builds objects that @dsoi/hash stamps and reads, and that fit the client-node model types, without casts', () => {
  const configMap = buildConfigMap({ name: 'c', namespace: 'n', data: { a: '1' } });
  const model: V1ConfigMap = configMap;
  const template = { spec: { containers: [{ name: 'c', image: 'i' }] } };
  const stampedSts = stampHash(buildStatefulSet({ name: 's', namespace: 'n', selectorLabels: { a: 'b' }, template }));
  const sts: V1StatefulSet = stampedSts;
  expect(model.metadata?.name).toBe('c');
  expect(sts.metadata?.annotations?.['dsoi.io/desired-hash']).toBe(readHash(stampedSts));
  const stamped = stampHash(configMap);
  expect(readHash(stamped)).toBe(objectHash(configMap));
  expect(stamped.kind).toBe('ConfigMap');
});
