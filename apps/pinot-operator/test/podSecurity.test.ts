/**
 * Issue 18, item 5: every pod the operator would run passes Pod Security "restricted". For each Pinot example (all
 * four node types, StatefulSets and Deployments), each workload child's pod template is created as a Pod with
 * server-side dry run in a namespace labelled `pod-security.kubernetes.io/enforce=restricted`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createPodSecurityNamespace,
  podSecurityRefusals,
  privilegedProbe,
  type WorkloadWithPodTemplate,
} from '@dsoi/chart-testing';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { desiredPinotChildren, type PinotOwner } from '../src/cluster/desiredChildren.ts';
import { pinotFixture } from './harness.ts';

const examplesDir = join(import.meta.dirname, '..', 'examples');

/** Every Pinot cluster of examples/, as the operator reads it. */
function exampleClusters(): PinotOwner[] {
  return readdirSync(examplesDir)
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) => parseAllDocuments(readFileSync(join(examplesDir, file), 'utf8')).map((doc) => doc.toJS()))
    .filter((object) => object?.kind === 'Pinot')
    .map((object) => ({ ...object, metadata: { ...object.metadata, namespace: 'pinot', uid: 'uid-1' } }));
}

const { admin } = pinotFixture();

describe('Pinot child pods and Pod Security', () => {
  it('every workload pod of every example passes the restricted level (server dry run)', async () => {
    const namespace = await createPodSecurityNamespace(admin, 'pinot-psa');
    // The namespace enforces: a privileged pod is refused there.
    expect(await podSecurityRefusals(admin, namespace, [privilegedProbe()])).toHaveLength(1);

    const workloads = exampleClusters().flatMap((cluster) =>
      desiredPinotChildren(cluster)
        .children.map((child) => child.object)
        .filter((object) => object.kind === 'StatefulSet' || object.kind === 'Deployment'),
    ) as unknown as WorkloadWithPodTemplate[];
    const nodeTypes = new Set(
      workloads.map((w) => (w.spec.template.metadata as { labels: Record<string, string> }).labels.nodeType),
    );
    expect([...nodeTypes].sort()).toEqual(['broker', 'controller', 'minion', 'server']);
    expect(new Set(workloads.map((w) => w.kind))).toEqual(new Set(['StatefulSet', 'Deployment']));

    expect(await podSecurityRefusals(admin, namespace, workloads)).toEqual([]);
  });
});
