import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildCustomResourceDefinition, type JsonSchema, type StructuralSchema } from './crdSchema.js';
import { customResourceDefinitionYaml } from './crdYaml.js';
import { kubernetesSchema, kubernetesSchemaNames } from './kubernetesSchemas.js';

/** Parses as YAML 1.2 (the `yaml` default) and as YAML 1.1 (kubectl's decoder reads `yes`, `on`, `y` as booleans). */
function parseBoth(text: string): [unknown, unknown] {
  return [parse(text), parse(text, { version: '1.1' })];
}

/** The constraint keywords a generated CRD must keep, wherever they are in the schema. */
const constraintKeys = [
  'enum',
  'default',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'pattern',
  'nullable',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-validations',
] as const;

/** Every constraint of a structural schema, as `path keyword → value`. */
function constraintsOf(schema: StructuralSchema, path = ''): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const key of constraintKeys) if (schema[key] !== undefined) found.set(`${path || '<root>'} ${key}`, schema[key]);
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    for (const [k, v] of constraintsOf(child, `${path}.${name}`)) found.set(k, v);
  }
  if (schema.items) for (const [k, v] of constraintsOf(schema.items, `${path}[]`)) found.set(k, v);
  if (typeof schema.additionalProperties === 'object') {
    for (const [k, v] of constraintsOf(schema.additionalProperties, `${path}{}`)) found.set(k, v);
  }
  return found;
}

/**
 * A schema in the shape `z.toJSONSchema()` gives: constraints at every level (a property, under `items`, under
 * `additionalProperties`, beside a `$ref`, inside nullable unions), defaults on optional fields, list-maps.
 */
const zodShaped: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        policy: {
          type: 'object',
          properties: { whenDeleted: { default: 'Retain', type: 'string', enum: ['Retain', 'Delete'] } },
        },
        replicas: { default: 1, type: 'integer', minimum: 0, maximum: 10000 },
        ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        name: { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$' },
        since: { type: 'string', format: 'date-time' },
        mode: { const: 'on' },
        flag: { default: true, type: 'boolean' },
        tags: {
          type: 'array',
          items: { type: 'string', enum: ['yes', 'no', 'True', '1.0'] },
          minItems: 1,
          maxItems: 5,
        },
        labels: { type: 'object', additionalProperties: { type: 'string', maxLength: 63 }, maxProperties: 64 },
        port: { $ref: '#/$defs/port', default: 8000 },
        nickname: { anyOf: [{ type: 'string', minLength: 2 }, { type: 'null' }] },
        extra: { type: 'object', additionalProperties: {} },
        size: { anyOf: [{ type: 'integer' }, { type: 'string' }], default: '1Gi' },
        checked: {
          type: 'object',
          properties: { a: { type: 'integer' }, b: { type: 'integer' } },
          'x-kubernetes-validations': [{ rule: 'self.a <= self.b', message: 'a must not exceed b' }],
        },
      },
      required: ['name'],
    },
    status: {
      type: 'object',
      properties: {
        conditions: {
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['type'],
          type: 'array',
          items: {
            type: 'object',
            properties: {
              type: { type: 'string', maxLength: 316 },
              status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
              lastTransitionTime: { type: 'string', format: 'date-time' },
            },
            required: ['type', 'status'],
          },
        },
      },
    },
  },
  $defs: { port: { type: 'integer', minimum: 1, maximum: 65535 } },
};

describe('customResourceDefinitionYaml', () => {
  const crd = buildCustomResourceDefinition({
    group: 'example.dsoi.io',
    names: { kind: 'Widget', plural: 'widgets' },
    versions: [{ name: 'v1', schema: zodShaped }],
  });

  it('keeps every constraint of the schema: enum, default, format, bounds, lengths, list-maps, validations', () => {
    const schema = crd.spec.versions[0]!.schema.openAPIV3Schema;
    const expected = constraintsOf(schema);
    // The schema has what the test is about, at a property, under items and beside a $ref.
    expect(expected.get('.spec.policy.whenDeleted enum')).toEqual(['Retain', 'Delete']);
    expect(expected.get('.spec.policy.whenDeleted default')).toBe('Retain');
    expect(expected.get('.status.conditions x-kubernetes-list-type')).toBe('map');
    expect(expected.get('.status.conditions x-kubernetes-list-map-keys')).toEqual(['type']);
    expect(expected.get('.spec.port default')).toBe(8000);
    expect(expected.get('.spec.port maximum')).toBe(65535);
    expect(expected.get('.spec.tags[] enum')).toEqual(['yes', 'no', 'True', '1.0']);
    expect(expected.size).toBeGreaterThan(30);
    for (const parsed of parseBoth(customResourceDefinitionYaml(crd))) {
      const read = (parsed as typeof crd).spec.versions[0]!.schema.openAPIV3Schema;
      expect(Object.fromEntries(constraintsOf(read))).toEqual(Object.fromEntries(expected));
      expect(parsed).toEqual(crd);
    }
  });

  it('writes every embedded Kubernetes schema so that it parses back unchanged (descriptions, patterns, enums)', () => {
    const schemas = Object.fromEntries(kubernetesSchemaNames.map((name) => [name, kubernetesSchema(name)]));
    const big = buildCustomResourceDefinition({
      group: 'example.dsoi.io',
      names: { kind: 'Everything', plural: 'everythings' },
      versions: [
        {
          name: 'v1',
          schema: { type: 'object', properties: { spec: { type: 'object', properties: {} } } },
          schemaOptions: {},
        },
      ],
    });
    big.spec.versions[0]!.schema.openAPIV3Schema.properties!.spec!.properties = schemas;
    const text = customResourceDefinitionYaml(big);
    for (const parsed of parseBoth(text)) expect(parsed).toEqual(big);
  });

  it('round-trips any JSON data, quoting what a parser would read as another type', () => {
    expect(
      customResourceDefinitionYaml({ a: ['True', 'yes', '1.0', '2001-12-14', 'null', '', ' x', 'x:y'] } as never),
    ).toBe(`a:
  - "True"
  - "yes"
  - "1.0"
  - "2001-12-14"
  - "null"
  - ""
  - " x"
  - "x:y"
`);
    // The yaml library's YAML 1.1 mode reads an exponent without a mantissa as NaN (a property run found E0 as a key).
    expect(customResourceDefinitionYaml({ E0: ['e+5', 'E0x'] } as never)).toBe('"E0":\n  - "e+5"\n  - E0x\n');
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'binary' }),
        fc.constantFrom(
          'yes',
          'No',
          'ON',
          '~',
          'y',
          '.inf',
          '0x1F',
          '1_000',
          '12:30',
          '- a',
          '? x',
          '&a',
          '*a',
          '!t',
          'E0',
          'e-7',
        ),
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 5 }), (value) => {
        const text = customResourceDefinitionYaml(value as never);
        for (const parsed of parseBoth(text)) expect(parsed).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses values JSON cannot hold, naming where they are', () => {
    expect(() => customResourceDefinitionYaml({ spec: { n: Number.NaN } } as never)).toThrow('<root>.spec.n: NaN');
    expect(() => customResourceDefinitionYaml({ spec: [undefined] } as never)).toThrow('<root>.spec[0]');
  });
});
