/**
 * Issue 18, item 5: every pod the operator would run passes Pod Security "restricted". For each ParseableTenant
 * example (every node type, StatefulSets and Deployments), each workload child's pod template is created as a Pod
 * with server-side dry run in a namespace labelled `pod-security.kubernetes.io/enforce=restricted`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  createPodSecurityNamespace,
  podSecurityRefusals,
  privilegedProbe,
  type WorkloadWithPodTemplate,
} from '@dsoi/chart-testing';
import { describe, expect, it } from 'vitest';
import { desiredTenantChildren } from '../src/tenant/desiredChildren.ts';
import { example, parseableFixture } from './harness.ts';

const { admin } = parseableFixture();

describe('ParseableTenant child pods and Pod Security', () => {
  it('every workload pod of every example passes the restricted level (server dry run)', async () => {
    const namespace = await createPodSecurityNamespace(admin, 'parseable-psa');
    // The namespace enforces: a privileged pod is refused there.
    expect(await podSecurityRefusals(admin, namespace, [privilegedProbe()])).toHaveLength(1);

    const files = readdirSync(join(import.meta.dirname, '..', 'examples')).filter((f) => f.endsWith('.yaml'));
    const workloads = files.flatMap((file) =>
      desiredTenantChildren({
        ...example(file, namespace),
        metadata: { ...example(file, namespace).metadata, uid: 'uid-1' },
      })
        .children.map((child) => child.object)
        .filter((object) => object.kind === 'StatefulSet' || object.kind === 'Deployment'),
    ) as unknown as WorkloadWithPodTemplate[];
    const nodeTypes = new Set(
      workloads.map((w) => (w.spec.template.metadata as { labels: Record<string, string> }).labels.nodeType),
    );
    expect([...nodeTypes].sort()).toEqual(['ingest', 'query', 'server']);
    expect(new Set(workloads.map((w) => w.kind))).toEqual(new Set(['StatefulSet', 'Deployment']));

    expect(await podSecurityRefusals(admin, namespace, workloads)).toEqual([]);
  });
});
