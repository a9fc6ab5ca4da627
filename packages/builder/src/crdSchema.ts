/**
 * JSON Schema → structural CRD schema, and the CustomResourceDefinition around it: what controller-gen does for Go
 * types, done for schemas generated from TypeScript (zod's `z.toJSONSchema()`) or taken from Kubernetes' OpenAPI.
 */
import { BuilderValidationError } from './errors.js';

/** A JSON Schema (draft 2020-12, draft 7 or OpenAPI 3.0) as a plain object. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/**
 * A structural schema node (the `JSONSchemaProps` of `apiextensions.k8s.io/v1`): every node has a `type` (or
 * `x-kubernetes-int-or-string` / `x-kubernetes-preserve-unknown-fields`), no `$ref`, no `additionalProperties`
 * beside `properties`.
 */
export interface StructuralSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: StructuralSchema | boolean;
  required?: string[];
  items?: StructuralSchema;
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  multipleOf?: number;
  'x-kubernetes-int-or-string'?: true;
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: {
    rule: string;
    message?: string;
    messageExpression?: string;
    fieldPath?: string;
    reason?: string;
  }[];
}

/** Options of {@link structuralSchema}. */
export interface StructuralSchemaOptions {
  /**
   * Keep `description` texts (they feed `kubectl explain`).
   * @default true
   */
  readonly descriptions?: boolean;
  /**
   * Which `default` values to keep: all of them, or only those of list-map keys that are not required (a structural
   * schema needs them, e.g. `protocol: TCP` of Service ports). The API server applies CRD defaults to stored
   * objects, so defaults taken from Kubernetes' OpenAPI (`containerPort: 0`) would hide a missing field.
   * @default 'all'
   */
  readonly defaults?: 'all' | 'listMapKeys';
  /**
   * Resolves a `$ref` that is not inside the schema itself (`#/$defs/...` and `#/definitions/...` are resolved
   * against the root), e.g. `#/components/schemas/...` of an OpenAPI document. Return `undefined` for unknown.
   * @default none: such a `$ref` is an error
   */
  readonly resolveRef?: (ref: string) => JsonSchema | undefined;
  /**
   * Replaces a `$ref` by a ready structural schema before it is resolved (e.g. ObjectMeta by an object that keeps
   * unknown fields).
   * @default none
   */
  readonly replaceRef?: (ref: string) => StructuralSchema | undefined;
  /** The path of the schema in errors. @default '<root>' */
  readonly path?: string;
}

/** Keywords copied as they are. */
const copied = [
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'multipleOf',
  'enum',
  'nullable',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
] as const;

/** Keywords dropped: identity, annotations no CRD accepts, and strategic-merge hints. */
const dropped = new Set([
  '$schema',
  '$id',
  '$defs',
  'definitions',
  'id',
  'title',
  'examples',
  'propertyNames',
  'readOnly',
  'writeOnly',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-group-version-kind',
  'x-kubernetes-unions',
]);

const scalarTypes = new Set(['string', 'integer', 'number', 'boolean']);

interface Context {
  readonly root: JsonSchema;
  readonly options: StructuralSchemaOptions;
  readonly resolving: readonly string[];
}

/**
 * Converts a JSON Schema into a structural schema a CustomResourceDefinition accepts:
 * - `$ref`s are inlined (`#/$defs`, `#/definitions`, or `options.resolveRef`); a cycle is an error;
 * - `allOf: [one]` is merged into its node; `anyOf`/`oneOf` with a `null` branch, and `type: [T, 'null']`, become
 *   `nullable: true`; integer-or-string unions (Kubernetes' `IntOrString` and `Quantity`) become
 *   `x-kubernetes-int-or-string: true`;
 * - `const` becomes a one-value `enum`; draft 2020-12 numeric `exclusiveMinimum`/`exclusiveMaximum` become the
 *   OpenAPI 3.0 boolean form; zod's safe-integer bounds are dropped; `uniqueItems` on scalars becomes
 *   `x-kubernetes-list-type: set`;
 * - `additionalProperties: false` beside `properties` is dropped (pruning removes unknown fields anyway);
 *   `additionalProperties: true` and an object with neither properties nor additionalProperties keep unknown fields
 *   (`x-kubernetes-preserve-unknown-fields`);
 * - `x-kubernetes-*` extensions pass through (validations, list and map types); strategic-merge hints are dropped.
 *
 * The function is pure; the input is not changed.
 *
 * @throws BuilderValidationError (rule `structural`) naming the schema path, for an unresolvable or cyclic `$ref`, or
 * a union a structural schema cannot express (`anyOf` of different object shapes, ...).
 */
export function structuralSchema(schema: JsonSchema, options: StructuralSchemaOptions = {}): StructuralSchema {
  return convert(schema, options.path ?? '<root>', { root: schema, options, resolving: [] }, false);
}

function fail(path: string, value: unknown, detail: string): never {
  throw new BuilderValidationError(path, 'structural', value, detail);
}

function resolve(ref: string, path: string, context: Context): JsonSchema {
  const local = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  const target = local
    ? (context.root[local[1]!] as Record<string, JsonSchema> | undefined)?.[decodeURIComponent(local[2]!)]
    : context.options.resolveRef?.(ref);
  if (target === undefined) fail(path, ref, 'the $ref cannot be resolved');
  return target;
}

function convert(input: JsonSchema, path: string, context: Context, listMapKey: boolean): StructuralSchema {
  let schema = input;
  // Inline references and single-entry allOf wrappers (Kubernetes' `allOf: [{$ref}]` with a sibling default).
  for (;;) {
    const { $ref, allOf, ...rest } = schema;
    if (typeof $ref === 'string') {
      const replaced = context.options.replaceRef?.($ref);
      if (replaced) return mergeSiblings(structuredClone(replaced), rest, path, context, listMapKey);
      if (context.resolving.includes($ref))
        fail(path, $ref, `the $ref is cyclic (${[...context.resolving, $ref].join(' → ')})`);
      const target = resolve($ref, path, context);
      const inner = convert(target, path, { ...context, resolving: [...context.resolving, $ref] }, listMapKey);
      return mergeSiblings(inner, rest, path, context, listMapKey);
    }
    if (Array.isArray(allOf)) {
      if (allOf.length !== 1) fail(path, allOf, 'allOf must have exactly one entry');
      schema = { ...(allOf[0] as JsonSchema), ...rest };
      continue;
    }
    break;
  }
  return convertPlain(schema, path, context, listMapKey);
}

/** A `$ref` node's siblings (description, default, nullable, ...) applied on top of the resolved schema. */
function mergeSiblings(
  inner: StructuralSchema,
  siblings: JsonSchema,
  path: string,
  context: Context,
  listMapKey: boolean,
): StructuralSchema {
  if (Object.keys(siblings).length === 0) return inner;
  return { ...inner, ...keywords(siblings, path, context, listMapKey) };
}

function unionOf(schema: JsonSchema): JsonSchema[] | undefined {
  const union = schema.anyOf ?? schema.oneOf;
  return Array.isArray(union) ? (union as JsonSchema[]) : undefined;
}

function isIntOrString(schema: JsonSchema, union: JsonSchema[] | undefined): boolean {
  if (schema.format === 'int-or-string') return true;
  if (union?.length !== 2) return false;
  const types = union.map((branch) => branch.type).sort();
  return types[1] === 'string' && (types[0] === 'integer' || types[0] === 'number');
}

function convertPlain(input: JsonSchema, path: string, context: Context, listMapKey: boolean): StructuralSchema {
  let schema = input;
  const union = unionOf(schema);
  if (isIntOrString(schema, union)) {
    const { anyOf: _a, oneOf: _o, type: _t, format, ...rest } = schema;
    const kept = format !== 'int-or-string' && format !== undefined ? { format } : {};
    return convertPlain({ ...rest, ...kept, 'x-kubernetes-int-or-string': true }, path, context, listMapKey);
  }
  if (union) {
    const nonNull = union.filter((branch) => branch.type !== 'null');
    if (nonNull.length !== 1) {
      fail(
        path,
        union.map((b) => b.type ?? b.$ref ?? '?'),
        'a structural schema cannot express this union; use one type (or an int-or-string)',
      );
    }
    const { anyOf: _a, oneOf: _o, ...rest } = schema;
    const nullable = nonNull.length < union.length;
    return convert({ ...nonNull[0], ...rest, ...(nullable && { nullable: true }) }, path, context, listMapKey);
  }
  if (Array.isArray(schema.type)) {
    const types = (schema.type as string[]).filter((type) => type !== 'null');
    if (types.length !== 1) fail(path, schema.type, 'a node must have exactly one type');
    schema = { ...schema, type: types[0], ...(types.length < (schema.type as string[]).length && { nullable: true }) };
  }
  return children(schema, keywords(schema, path, context, listMapKey), path, context);
}

/** The keywords of one node, without its children. */
function keywords(schema: JsonSchema, path: string, context: Context, listMapKey: boolean): StructuralSchema {
  const out: StructuralSchema = {};
  if (typeof schema.type === 'string') out.type = schema.type as StructuralSchema['type'];
  if (context.options.descriptions !== false && typeof schema.description === 'string')
    out.description = schema.description;
  for (const key of copied)
    if (schema[key] !== undefined) (out as Record<string, unknown>)[key] = structuredClone(schema[key]);
  if (schema.const !== undefined) out.enum = [structuredClone(schema.const)];
  if (out.type === undefined && out.enum && out.enum.length > 0) out.type = typeOfValues(out.enum);
  if (schema.default !== undefined && (context.options.defaults !== 'listMapKeys' || listMapKey)) {
    out.default = structuredClone(schema.default);
  }
  numericBounds(schema, out);
  if (schema.uniqueItems === true) {
    const items = schema.items as JsonSchema | undefined;
    if (items && scalarTypes.has(String(items.type))) out['x-kubernetes-list-type'] ??= 'set';
  }
  for (const key of Object.keys(schema)) {
    if (dropped.has(key) || key in out) continue;
    if (key.startsWith('x-kubernetes-') && !(copied as readonly string[]).includes(key)) {
      fail(path, key, 'unknown Kubernetes extension');
    }
  }
  return out;
}

/** The type of enum values that all share one JSON type (zod emits `const` without a type). */
function typeOfValues(values: readonly unknown[]): StructuralSchema['type'] {
  const types = new Set(
    values.map((v) => (typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v)),
  );
  if (types.size === 2 && types.has('integer') && types.has('number')) return 'number';
  const [only] = types;
  return types.size === 1 && (only === 'string' || only === 'integer' || only === 'number' || only === 'boolean')
    ? only
    : undefined;
}

function numericBounds(schema: JsonSchema, out: StructuralSchema): void {
  const safe = Number.MAX_SAFE_INTEGER;
  for (const [bound, exclusive] of [
    ['minimum', 'exclusiveMinimum'],
    ['maximum', 'exclusiveMaximum'],
  ] as const) {
    const value = schema[bound];
    const excl = schema[exclusive];
    if (typeof excl === 'number') {
      out[bound] = excl;
      out[exclusive] = true;
    } else if (typeof value === 'number' && Math.abs(value) < safe) {
      out[bound] = value;
      if (excl === true) out[exclusive] = true;
    }
  }
}

function children(schema: JsonSchema, out: StructuralSchema, path: string, context: Context): StructuralSchema {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  const additional = schema.additionalProperties as JsonSchema | boolean | undefined;
  if (properties) {
    out.type ??= 'object';
    out.properties = {};
    for (const [name, property] of Object.entries(properties)) {
      out.properties[name] = convert(property, `${path}.${name}`, context, false);
    }
    if (Array.isArray(schema.required) && schema.required.length > 0) out.required = [...(schema.required as string[])];
  }
  if (additional !== undefined && additional !== false) {
    if (additional === true || Object.keys(additional).length === 0) {
      out['x-kubernetes-preserve-unknown-fields'] = true;
    } else if (properties) {
      fail(path, Object.keys(properties), 'properties and additionalProperties cannot be used together');
    } else {
      out.additionalProperties = convert(additional, `${path}[*]`, context, false);
    }
  }
  if (out.type === 'object' && !properties && out.additionalProperties === undefined) {
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
  const items = schema.items as JsonSchema | undefined;
  if (items !== undefined) {
    out.type ??= 'array';
    const keys = new Set(out['x-kubernetes-list-map-keys'] ?? []);
    out.items = convertItems(items, `${path}[]`, context, keys);
  }
  if (out.type === undefined && !out['x-kubernetes-int-or-string'] && !out['x-kubernetes-preserve-unknown-fields']) {
    fail(path, schema, 'every node of a structural schema needs a type');
  }
  return out;
}

/** List items; the keys of a `list-type: map` keep their defaults (a structural schema requires them). */
function convertItems(items: JsonSchema, path: string, context: Context, keys: ReadonlySet<string>): StructuralSchema {
  const converted = convert(items, path, context, false);
  if (keys.size === 0 || !converted.properties) return converted;
  const resolved = resolveForKeys(items, context);
  for (const key of keys) {
    const raw = resolved?.[key];
    const property = converted.properties[key];
    if (property && raw && raw.default !== undefined && !converted.required?.includes(key)) {
      property.default = structuredClone(raw.default);
    }
  }
  return converted;
}

function resolveForKeys(items: JsonSchema, context: Context): Record<string, JsonSchema> | undefined {
  let node: JsonSchema | undefined = items;
  for (let depth = 0; node && depth < 8; depth++) {
    if (typeof node.$ref === 'string') node = context.options.resolveRef?.(node.$ref) ?? undefined;
    else if (Array.isArray(node.allOf) && node.allOf.length === 1) node = node.allOf[0] as JsonSchema;
    else return node.properties as Record<string, JsonSchema> | undefined;
  }
  return undefined;
}

/** A printer column of a CRD version (`kubectl get` output). */
export interface CrdPrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description?: string;
  readonly format?: string;
  /** 0 shows in `kubectl get`; higher only with `-o wide`. @default 0 */
  readonly priority?: number;
}

/** One version of a CRD. */
export interface CrdVersionOptions {
  /** e.g. `v1beta1`. */
  readonly name: string;
  /** The schema of the whole object (its `spec` and `status` properties); converted with {@link structuralSchema}. */
  readonly schema: JsonSchema;
  /** @default true */
  readonly served?: boolean;
  /** Exactly one version is stored. @default true when it is the only version */
  readonly storage?: boolean;
  /** @default [] (kubectl shows Name and Age) */
  readonly printerColumns?: readonly CrdPrinterColumn[];
  /** @default { status: {} } */
  readonly subresources?: { readonly status?: Record<string, never>; readonly scale?: Record<string, string> };
  /** Options of the schema conversion. @default {} */
  readonly schemaOptions?: StructuralSchemaOptions;
}

/** Options of {@link buildCustomResourceDefinition}. */
export interface CustomResourceDefinitionOptions {
  /** The API group, e.g. `datainfra.io`. */
  readonly group: string;
  /** Names: `kind` and `plural` required; `singular` defaults to the lower-case kind, `listKind` to `<kind>List`. */
  readonly names: {
    readonly kind: string;
    readonly plural: string;
    readonly singular?: string;
    readonly listKind?: string;
    readonly shortNames?: readonly string[];
    readonly categories?: readonly string[];
  };
  /** @default 'Namespaced' */
  readonly scope?: 'Namespaced' | 'Cluster';
  readonly versions: readonly CrdVersionOptions[];
  /** Labels and annotations of the CRD object. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** An `apiextensions.k8s.io/v1` CustomResourceDefinition as {@link buildCustomResourceDefinition} returns it. */
export interface BuiltCustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      plural: string;
      singular: string;
      listKind: string;
      shortNames?: string[];
      categories?: string[];
    };
    scope: 'Namespaced' | 'Cluster';
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: StructuralSchema };
      subresources?: { status?: Record<string, never>; scale?: Record<string, string> };
      additionalPrinterColumns?: CrdPrinterColumn[];
    }[];
  };
}

/**
 * Builds a CustomResourceDefinition (`<plural>.<group>`): each version's schema is made structural, and the root
 * gets the `apiVersion`, `kind` and `metadata` properties every object has.
 *
 * @throws BuilderValidationError for an invalid group or plural, no version or not exactly one storage version, or a
 * schema that cannot be made structural (rule `structural`, naming the path).
 */
export function buildCustomResourceDefinition(options: CustomResourceDefinitionOptions): BuiltCustomResourceDefinition {
  const { group, names, scope = 'Namespaced', versions } = options;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/.test(group)) {
    fail('CustomResourceDefinition group', group, 'must be a DNS subdomain with at least one dot');
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(names.plural))
    fail('CustomResourceDefinition names.plural', names.plural, 'must be a lower-case DNS label');
  if (versions.length === 0) fail('CustomResourceDefinition versions', versions, 'needs at least one version');
  const storage = versions.map((v) => v.storage ?? versions.length === 1);
  if (storage.filter(Boolean).length !== 1)
    fail(
      'CustomResourceDefinition versions',
      versions.map((v) => v.name),
      'exactly one version must be the storage version',
    );
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${names.plural}.${group}`,
      ...(options.labels && { labels: { ...options.labels } }),
      ...(options.annotations && { annotations: { ...options.annotations } }),
    },
    spec: {
      group,
      names: {
        kind: names.kind,
        plural: names.plural,
        singular: names.singular ?? names.kind.toLowerCase(),
        listKind: names.listKind ?? `${names.kind}List`,
        ...(names.shortNames && { shortNames: [...names.shortNames] }),
        ...(names.categories && { categories: [...names.categories] }),
      },
      scope,
      versions: versions.map((version, i) => {
        const root = structuralSchema(version.schema, {
          path: `${names.kind} ${version.name}`,
          ...version.schemaOptions,
        });
        const openAPIV3Schema: StructuralSchema = {
          ...root,
          type: 'object',
          properties: {
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            metadata: { type: 'object' },
            ...root.properties,
          },
        };
        return {
          name: version.name,
          served: version.served ?? true,
          storage: storage[i]!,
          schema: { openAPIV3Schema },
          subresources: version.subresources ? structuredClone(version.subresources) : { status: {} },
          ...(version.printerColumns &&
            version.printerColumns.length > 0 && {
              additionalPrinterColumns: version.printerColumns.map((c) => ({ ...c })),
            }),
        };
      }),
    },
  };
}
