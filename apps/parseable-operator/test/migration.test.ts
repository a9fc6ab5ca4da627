/**
 * Live migration: the Go operator runs two of its own samples until their children exist (a StatefulSet node with data
 * claims carrying its ownerReference, a Deployment node), is stopped, and ours takes over the same objects.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestInfo } from '@dsoi/client';
import { createTestNamespace } from '@dsoi/envtest/testing';
import { peersSourceDir } from '@dsoi/peers';
import { createMemoryLogger } from '@dsoi/reconcile/testing';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { diffChildren, listChildren, normalise } from './childDiff.ts';
import { goOperatorLabel, goPeer, startGoOperator } from './goOperator.ts';
import {
  conditionOf,
  eventsOf,
  eventually,
  installParseableCrd,
  kubeConfig,
  markReady,
  runOperator,
  types,
} from './harness.ts';
import { declaredChildDifferences } from './migrationGuide.ts';

const samplesDir = join(peersSourceDir(), 'parseable-operator', 'config', 'samples');
const sample = (file: string) =>
  parse(readFileSync(join(samplesDir, file), 'utf8').replace('""./staging"', '"./staging"'));

/** What the Go operator makes for each sample (its names, which ours keeps). */
const goChildren = {
  persistent: [
    'ConfigMap/parseable-parseable-server-config',
    'PersistentVolumeClaim/parseable-parseable-server-data-volume',
    'PersistentVolumeClaim/parseable-parseable-server-stage-volume',
    'Service/parseable-parseable-server',
    'StatefulSet/parseable-server-parseable',
  ],
  ephemeral: [
    'ConfigMap/parseable-server-parseable-server-config',
    'Deployment/parseable-server-parseable-server',
    'Service/parseable-server-parseable-server',
  ],
};

type Live = Record<string, any>;

describe.skipIf(!goPeer.available)(
  `live migration from the Go operator${goPeer.available ? '' : ` (skipped: ${goPeer.reason})`}`,
  () => {
    it('adopts every child in place: same objects, claims untouched, one rolling update per workload, no refused write, Ready', async () => {
      const admin = await installParseableCrd();
      const runId = `migration-${Date.now().toString(36)}`;
      const cases = [
        {
          ns: await createTestNamespace(kubeConfig, 'migr-sts'),
          tenant: sample('parseable-persistent.yaml'),
          expected: goChildren.persistent,
        },
        {
          ns: await createTestNamespace(kubeConfig, 'migr-dep'),
          tenant: sample('parseable-ephemeral.yaml'),
          expected: goChildren.ephemeral,
        },
      ];
      const go = await startGoOperator(kubeConfig, runId);
      let before: Map<string, Live>[];
      try {
        for (const c of cases) {
          await admin.apply({
            ...c.tenant,
            metadata: { ...c.tenant.metadata, namespace: c.ns, labels: { [goOperatorLabel]: runId } },
          });
        }
        before = await Promise.race([
          Promise.all(
            cases.map((c) =>
              eventually(
                async () => {
                  const live = await listChildren(admin, c.ns);
                  return c.expected.every((key) => live.has(key)) ? live : undefined;
                },
                `the Go operator's children in ${c.ns}`,
                60_000,
              ),
            ),
          ),
          go.crashed,
        ]);
      } finally {
        await go.stop();
      }
      // The state the test is about: the Go operator's children, its data claims owned by the tenant.
      for (const [i, c] of cases.entries()) expect([...before[i]!.keys()].sort(), c.ns).toEqual(c.expected);
      const goClaims = [...before[0]!.values()].filter((o) => o.kind === 'PersistentVolumeClaim');
      expect(goClaims).toHaveLength(2);
      for (const claim of goClaims) {
        expect(claim.metadata.ownerReferences).toEqual([
          expect.objectContaining({ kind: 'ParseableTenant', name: 'parseable', controller: true }),
        ]);
      }

      const log = createMemoryLogger();
      const refused: string[] = [];
      let requests = 0;
      const onRequest = (info: RequestInfo) => {
        requests++;
        if (info.code === 403 || info.code === 422) refused.push(`${info.code} ${info.operation} ${info.resource}`);
      };
      const ours = await runOperator({ watchNamespaces: cases.map((c) => c.ns), logger: log.logger, onRequest });
      let after: Map<string, Live>[];
      try {
        // envtest runs no workload controllers: each time ours changes a workload, it is marked rolled out and ready.
        await eventually(
          async () => {
            for (const c of cases) {
              for (const key of c.expected.filter((k) => /^(StatefulSet|Deployment)\//.test(k))) {
                const [kind, name] = key.split('/') as ['StatefulSet' | 'Deployment', string];
                await markReady(kind === 'StatefulSet' ? types.statefulSet : types.deployment, c.ns, name);
              }
            }
            const ready = await Promise.all(cases.map((c) => conditionOf(admin, c.ns, 'parseable', 'Ready')));
            return ready.every((r) => r?.status === 'True');
          },
          'both tenants Ready under our operator',
          40_000,
        );
        after = await Promise.all(cases.map((c) => listChildren(admin, c.ns)));
      } finally {
        await ours.stop();
      }

      for (const [i, c] of cases.entries()) {
        const [was, is] = [before[i]!, after[i]!];
        // Nothing deleted, recreated or added.
        expect([...is.keys()].sort(), c.ns).toEqual(c.expected);
        for (const [key, old] of was) {
          const now = is.get(key)!;
          expect(now.metadata.uid, key).toBe(old.metadata.uid);
          // Adopted: our field manager applied it.
          expect(
            now.metadata.managedFields.some((m: Live) => m.manager === 'parseable-operator' && m.operation === 'Apply'),
            `${key} adopted`,
          ).toBe(true);
          if (now.kind === 'PersistentVolumeClaim') {
            // The data stays where it is; only the Go operator's ownerReference is released (whenDeleted: Retain).
            expect(now.spec, key).toEqual(old.spec);
            expect(now.metadata.ownerReferences, key).toBeUndefined();
          } else {
            expect(now.metadata.ownerReferences, key).toEqual([
              expect.objectContaining({
                kind: 'ParseableTenant',
                name: 'parseable',
                controller: true,
                uid: old.metadata.ownerReferences[0].uid,
              }),
            ]);
          }
          if (now.kind === 'Service') expect(now.spec.clusterIP, key).toBe(old.spec.clusterIP);
          if (now.kind === 'ConfigMap') expect(now.data, key).toEqual(old.data);
          if (now.kind === 'StatefulSet' || now.kind === 'Deployment') {
            // One rolling update: the pod template changed once (checksum annotation, named port), nothing else did.
            expect(now.metadata.generation, `${key} generation`).toBe(old.metadata.generation + 1);
            expect(now.spec.selector, key).toEqual(old.spec.selector);
            // ... and only where MIGRATION.md says the pod templates differ.
            const changed = diffChildren(new Map([[key, normalise(old)]]), new Map([[key, normalise(now)]]))
              .filter((d) => d.path.startsWith('spec.template.'))
              .map((d) => d.path.replace(/\[\d+\]/g, '[]'));
            expect(changed.length, key).toBeGreaterThan(0);
            const declared = declaredChildDifferences().filter((row) => row.kinds.includes(now.kind));
            expect(
              changed.filter((path) => !declared.some((row) => path.startsWith(row.path))),
              key,
            ).toEqual([]);
          }
        }
        const events = await eventsOf(admin, c.ns, 'parseable');
        expect(events.filter((e) => e.reason === 'ImmutableFieldKept').map((e) => e.type)).toContain('Warning');
        expect((await conditionOf(admin, c.ns, 'parseable', 'ImmutableFieldsDiffer'))?.reason).toBe('LiveValueKept');
      }
      const sts = after[0]!.get('StatefulSet/parseable-server-parseable')!;
      expect(sts.spec.serviceName ?? '').toBe('');
      // What the Go operator wrote with its own field manager and ours does not write stays (MIGRATION.md says so).
      expect(sts.metadata.annotations.ParseableTenantOperatorHash).toEqual(expect.any(String));
      expect(sts.spec.template.spec.containers[0].env).toEqual([
        { name: 'parseable-parseable-server-config', value: expect.any(String) },
      ]);
      expect(await eventsOf(admin, cases[0]!.ns, 'parseable')).toContainEqual(
        expect.objectContaining({ reason: 'Retained' }),
      );
      // Both are wired: our operator's requests and log records were seen.
      expect(requests).toBeGreaterThan(0);
      expect(log.count()).toBeGreaterThan(0);
      expect(refused, 'requests answered 403 Forbidden or 422 Invalid').toEqual([]);
      expect(log.text()).not.toMatch(/\bForbidden\b|\bInvalid\b|is invalid|field is immutable/);
    });
  },
);
