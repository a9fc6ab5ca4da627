import { describe, expect, it } from 'vitest';
import { loadCrds } from './crds.js';
import { testCrd, testCrdDefaults } from './testCrd.js';

describe('testCrd', () => {
  it('is one namespaced version v1 that keeps any fields, with a status subresource, by default', () => {
    expect(testCrd({ group: 'example.dsoi.io', kind: 'Widget' })).toEqual({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.dsoi.io' },
      spec: {
        group: 'example.dsoi.io',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    });
  });

  it('stores the last version, gives each its own schema or the common one, and can leave status in the object', () => {
    const v2Schema = { type: 'object', properties: { spec: { type: 'object' } } };
    const crd = testCrd({
      group: 'g.dsoi.io',
      kind: 'Gadget',
      plural: 'gadgetz',
      versions: [{ name: 'v1' }, { name: 'v2', schema: v2Schema }],
      statusSubresource: false,
    });
    expect(crd.metadata.name).toBe('gadgetz.g.dsoi.io');
    expect(crd.spec.names).toEqual({ plural: 'gadgetz', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' });
    expect(crd.spec.versions).toEqual([
      { name: 'v1', served: true, storage: false, schema: { openAPIV3Schema: testCrdDefaults.schema } },
      { name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: v2Schema } },
    ]);
  });

  it('is a CRD source installCrds reads', () => {
    expect(loadCrds([testCrd({ group: 'example.dsoi.io', kind: 'Widget' })])[0]?.spec.names.plural).toBe('widgets');
  });
});
