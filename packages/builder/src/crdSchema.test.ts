import { describe, expect, it } from 'vitest';
import { buildCustomResourceDefinition, structuralSchema } from './crdSchema.js';
import { isBuilderValidationError } from './errors.js';

describe('structuralSchema', () => {
  it('inlines $defs references and single allOf wrappers, keeping sibling keywords', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { port: { allOf: [{ $ref: '#/$defs/port' }], description: 'the port' } },
      required: ['port'],
      additionalProperties: false,
      $defs: { port: { type: 'integer', minimum: 1, maximum: 65535 } },
    };
    expect(structuralSchema(schema)).toEqual({
      type: 'object',
      properties: { port: { type: 'integer', minimum: 1, maximum: 65535, description: 'the port' } },
      required: ['port'],
    });
  });

  it('turns nullable unions, const, numeric exclusive bounds, safe-integer bounds and maps into CRD keywords', () => {
    expect(structuralSchema({ anyOf: [{ type: 'string' }, { type: 'null' }] })).toEqual({
      type: 'string',
      nullable: true,
    });
    expect(structuralSchema({ type: ['integer', 'null'], minimum: -9007199254740991, exclusiveMaximum: 10 })).toEqual({
      type: 'integer',
      nullable: true,
      maximum: 10,
      exclusiveMaximum: true,
    });
    expect(structuralSchema({ const: 'basic-auth' })).toEqual({ type: 'string', enum: ['basic-auth'] });
    expect(
      structuralSchema({ type: 'object', propertyNames: { type: 'string' }, additionalProperties: { type: 'string' } }),
    ).toEqual({
      type: 'object',
      additionalProperties: { type: 'string' },
    });
    expect(structuralSchema({ type: 'object' })).toEqual({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    });
    expect(structuralSchema({ type: 'array', items: { type: 'string' }, uniqueItems: true })).toEqual({
      type: 'array',
      items: { type: 'string' },
      'x-kubernetes-list-type': 'set',
    });
  });

  it('recognises Kubernetes int-or-string and quantity shapes', () => {
    expect(structuralSchema({ format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] })).toEqual({
      'x-kubernetes-int-or-string': true,
    });
    expect(structuralSchema({ oneOf: [{ type: 'string' }, { type: 'number' }] })).toEqual({
      'x-kubernetes-int-or-string': true,
    });
  });

  it('resolves external refs, keeps list-map key defaults only when asked to drop the others', () => {
    const components: Record<string, object> = {
      Port: {
        type: 'object',
        required: ['port'],
        properties: { port: { type: 'integer', default: 0 }, protocol: { type: 'string', default: 'TCP' } },
      },
    };
    const schema = {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['port', 'protocol'],
      'x-kubernetes-patch-strategy': 'merge',
      items: { default: {}, allOf: [{ $ref: '#/components/schemas/Port' }] },
    };
    const result = structuralSchema(schema, {
      defaults: 'listMapKeys',
      descriptions: false,
      resolveRef: (ref) => components[ref.split('/').at(-1)!] as Record<string, unknown>,
    });
    expect(result).toEqual({
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['port', 'protocol'],
      items: {
        type: 'object',
        required: ['port'],
        properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } },
      },
    });
  });

  it('refuses what a structural schema cannot express, naming the path', () => {
    const fails = (schema: Record<string, unknown>) => {
      try {
        structuralSchema(schema, { path: 'Widget' });
      } catch (err) {
        if (isBuilderValidationError(err)) return `${err.field} ${err.rule}`;
        throw err;
      }
      return 'no error';
    };
    expect(
      fails({
        type: 'object',
        properties: { a: { anyOf: [{ type: 'string' }, { type: 'object' }, { type: 'boolean' }] } },
      }),
    ).toBe('Widget.a structural');
    expect(fails({ $ref: '#/$defs/missing' })).toBe('Widget structural');
    expect(
      fails({ $ref: '#/$defs/a', $defs: { a: { type: 'object', properties: { b: { $ref: '#/$defs/a' } } } } }),
    ).toBe('Widget.b structural');
    expect(fails({ properties: {}, description: 'x', 'x-kubernetes-bogus': true })).toBe('Widget structural');
  });
});

describe('buildCustomResourceDefinition', () => {
  it('names the CRD <plural>.<group>, adds apiVersion/kind/metadata, status subresource and printer columns', () => {
    const crd = buildCustomResourceDefinition({
      group: 'example.io',
      names: { kind: 'Widget', plural: 'widgets' },
      versions: [
        {
          name: 'v1',
          schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
          },
          printerColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
        },
      ],
    });
    expect(crd.metadata.name).toBe('widgets.example.io');
    expect(crd.spec.names).toEqual({ kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' });
    expect(crd.spec.scope).toBe('Namespaced');
    const [version] = crd.spec.versions;
    expect(version).toMatchObject({ name: 'v1', served: true, storage: true, subresources: { status: {} } });
    expect(Object.keys(version!.schema.openAPIV3Schema.properties!)).toEqual([
      'apiVersion',
      'kind',
      'metadata',
      'spec',
    ]);
    expect(version!.additionalPrinterColumns).toEqual([{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }]);
  });

  it('refuses a bad group and several storage versions', () => {
    const schema = { type: 'object' };
    expect(() =>
      buildCustomResourceDefinition({
        group: 'nodot',
        names: { kind: 'W', plural: 'ws' },
        versions: [{ name: 'v1', schema }],
      }),
    ).toThrow(/group/);
    expect(() =>
      buildCustomResourceDefinition({
        group: 'a.io',
        names: { kind: 'W', plural: 'ws' },
        versions: [
          { name: 'v1', schema, storage: true },
          { name: 'v2', schema, storage: true },
        ],
      }),
    ).toThrow(/storage/);
  });
});
