import type { Live } from '@dsoi/object';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { type CustomResourceOf, defineCustomResource } from './defineCustomResource.js';

const spec = z.object({ image: z.string().min(1), replicas: z.number().int().default(1) });
const status = z.object({ readyReplicas: z.number().int().optional() });

describe('defineCustomResource', () => {
  it('builds the CRD from both schemas: structural, a status subresource, the defaults, spec required', () => {
    const apps = defineCustomResource({ group: 'example.com', version: 'v1', kind: 'WebApp', spec, status });
    expect(apps.type).toEqual({ apiVersion: 'example.com/v1', kind: 'WebApp' });
    expect(apps.registration).toEqual({
      apiVersion: 'example.com/v1',
      kind: 'WebApp',
      plural: 'webapps',
      namespaced: true,
    });
    expect(apps.crd.metadata.name).toBe('webapps.example.com');
    expect(apps.crd.spec.scope).toBe('Namespaced');
    const [version] = apps.crd.spec.versions;
    expect(version?.subresources).toEqual({ status: {} });
    const root = version?.schema.openAPIV3Schema as { required?: string[]; properties: Record<string, any> };
    expect(root.required).toEqual(['spec']);
    expect(root.properties.spec.properties.replicas).toEqual({ type: 'integer', default: 1 });
    expect(root.properties.spec.required).toEqual(['image']);
    expect(root.properties.status.properties.readyReplicas.type).toBe('integer');
    expect(JSON.stringify(root)).not.toContain('$schema');
  });

  it('takes the plural, short names, scope and printer columns', () => {
    const policies = defineCustomResource({
      group: 'example.com',
      version: 'v1alpha1',
      kind: 'Policy',
      plural: 'policies',
      shortNames: ['pol'],
      scope: 'Cluster',
      spec,
      status,
      printerColumns: [{ name: 'Image', type: 'string', jsonPath: '.spec.image' }],
    });
    expect(policies.crd.metadata.name).toBe('policies.example.com');
    expect(policies.crd.spec).toMatchObject({ scope: 'Cluster', names: { plural: 'policies', shortNames: ['pol'] } });
    expect(policies.registration.namespaced).toBe(false);
    expect(policies.crd.spec.versions[0]?.additionalPrinterColumns).toEqual([
      { name: 'Image', type: 'string', jsonPath: '.spec.image' },
    ]);
  });

  it('refuses a schema that cannot be a structural schema, naming the kind', () => {
    expect(() =>
      defineCustomResource({
        group: 'example.com',
        version: 'v1',
        kind: 'Loose',
        spec: z.object({ any: z.any() }),
        status,
      }),
    ).toThrow(/Loose/);
  });

  it('types objects from the schemas: the spec as written (defaults optional), the status as parsed', () => {
    const apps = defineCustomResource({ group: 'example.com', version: 'v1', kind: 'WebApp', spec, status });
    type WebApp = CustomResourceOf<typeof apps>;
    expectTypeOf<WebApp['spec']>().toEqualTypeOf<{ image: string; replicas?: number | undefined }>();
    expectTypeOf<NonNullable<WebApp['status']>>().toEqualTypeOf<{ readyReplicas?: number | undefined }>();
    expectTypeOf<WebApp['metadata']['namespace']>().toEqualTypeOf<string>();
    const handle = apps.handle({} as Parameters<typeof apps.handle>[0]);
    expectTypeOf(handle.get).returns.resolves.toEqualTypeOf<Live<WebApp>>();
    expectTypeOf(handle.updateStatus)
      .parameter(1)
      .toEqualTypeOf<{ readonly readyReplicas?: number | null | undefined }>();
  });
});
