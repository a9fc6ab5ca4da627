/**
 * One custom resource from its spec and status schemas (zod, or any library implementing Standard Schema and Standard
 * JSON Schema): the CustomResourceDefinition, the TypeScript type of its objects, and a typed handle on a client.
 */

import {
  type BuiltCustomResourceDefinition,
  buildCustomResourceDefinition,
  type CrdPrinterColumn,
  type JsonSchema,
} from '@dsoi/builder/crd';
import type { Client, KindRegistration, Reader } from '@dsoi/client';
import type { KubeObject, TypeMeta } from '@dsoi/object';
import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec';
import { type CustomResourceHandle, type CustomResourceReader, createHandle } from './customResourceHandle.js';

/** A schema the definition can both validate with and turn into JSON Schema (a zod 4 schema is one). */
export type ResourceSchema<TInput = unknown, TOutput = TInput> = StandardSchemaV1<TInput, TOutput> &
  StandardJSONSchemaV1<TInput, TOutput>;

/** Where objects of the kind live. */
export type ResourceScope = 'Namespaced' | 'Cluster';

/** Options of {@link defineCustomResource}. */
export interface CustomResourceOptions<
  TSpec extends ResourceSchema,
  TStatus extends ResourceSchema,
  TScope extends ResourceScope,
> {
  /** The API group, a DNS subdomain with at least one dot: `example.com`. */
  readonly group: string;
  /** The API version of this definition (its storage version): `v1`. */
  readonly version: string;
  /** The kind, PascalCase: `WebApp`. */
  readonly kind: string;
  /** The resource name in URLs and `kubectl get`. @default the kind in lower case, plus `s` */
  readonly plural?: string;
  /** `kubectl get` short names. @default none */
  readonly shortNames?: readonly string[];
  /** Namespaced objects or cluster-wide ones. @default 'Namespaced' */
  readonly scope?: TScope;
  /** The spec's schema. The object's `spec` has its input type (what users write; the API server applies defaults). */
  readonly spec: TSpec;
  /** The status's schema, served through the status subresource. The object's `status` has its output type. */
  readonly status: TStatus;
  /** Extra `kubectl get` columns. @default none */
  readonly printerColumns?: readonly CrdPrinterColumn[];
}

/** The metadata of a live custom resource, as the cache and the API server hand it out. */
export interface CustomResourceMetadata {
  readonly name: string;
  readonly uid: string;
  readonly generation?: number;
  readonly resourceVersion?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly finalizers?: readonly string[];
  readonly deletionTimestamp?: string;
}

/** An object of a kind defined with {@link defineCustomResource}: typed spec and status from the two schemas. */
export type CustomResourceObject<
  TSpec extends ResourceSchema,
  TStatus extends ResourceSchema,
  TScope extends ResourceScope = 'Namespaced',
> = KubeObject & {
  readonly metadata: CustomResourceMetadata & (TScope extends 'Namespaced' ? { readonly namespace: string } : unknown);
  readonly spec: StandardSchemaV1.InferInput<TSpec>;
  readonly status?: StandardSchemaV1.InferOutput<TStatus>;
};

/** A custom resource kind: its CRD, its `{ apiVersion, kind }`, and typed handles on a client or a cache. */
export interface CustomResource<
  TSpec extends ResourceSchema = ResourceSchema,
  TStatus extends ResourceSchema = ResourceSchema,
  TScope extends ResourceScope = ResourceScope,
> {
  /** `{ apiVersion: '<group>/<version>', kind }`: what a controller's `for` and the client take. */
  readonly type: TypeMeta;
  /** The CustomResourceDefinition (structural schema, status subresource, printer columns), for `dsoi generate`. */
  readonly crd: BuiltCustomResourceDefinition;
  /** The kind's plural and scope, as `client.registerKind` takes them. */
  readonly registration: KindRegistration;
  /** Typed get, list, apply, status writes and watch through `client`; registers the kind with it when it can. */
  handle(client: CustomResourceClient): CustomResourceHandle<CustomResourceObject<TSpec, TStatus, TScope>>;
  /** Typed get and list through any `Reader`, e.g. the store's cache reader in a reconciler. */
  reader(reader: Reader): CustomResourceReader<CustomResourceObject<TSpec, TStatus, TScope>>;
}

/** The client a handle works through: `createClient`'s, or the manager's (`manager.client`). */
export type CustomResourceClient = Reader &
  Pick<Client, 'apply' | 'patchStatus' | 'watch'> &
  Partial<Pick<Client, 'registerKind'>>;

/**
 * The object type of a kind: `type WebApp = CustomResourceOf<typeof webAppResource>`, so nothing is written twice.
 */
export type CustomResourceOf<TResource> =
  TResource extends CustomResource<infer TSpec, infer TStatus, infer TScope>
    ? CustomResourceObject<TSpec, TStatus, TScope>
    : never;

/** The JSON Schema of one part, without the `$schema` keyword (a CRD's schema is an OpenAPI v3 schema). */
function jsonSchemaOf(schema: ResourceSchema, part: 'spec' | 'status', kind: string): JsonSchema {
  let json: Record<string, unknown>;
  try {
    json = schema['~standard'].jsonSchema.input({ target: 'draft-2020-12' });
  } catch (err) {
    throw new TypeError(`defineCustomResource ${kind}: the ${part} schema has no JSON Schema: ${String(err)}`, {
      cause: err,
    });
  }
  const { $schema: _, ...rest } = json;
  return rest as JsonSchema;
}

/**
 * Defines a custom resource kind from its spec and status schemas: the CRD is built with `buildCustomResourceDefinition`
 * (structural schema, a status subresource), the object type is {@link CustomResourceOf}, and `handle(client)` reads
 * and writes objects of the kind with that type, so no call names a generic parameter.
 * @throws BuilderValidationError for a bad group or plural, or a schema that cannot be made structural.
 */
export function defineCustomResource<
  TSpec extends ResourceSchema,
  TStatus extends ResourceSchema,
  TScope extends ResourceScope = 'Namespaced',
>(options: CustomResourceOptions<TSpec, TStatus, TScope>): CustomResource<TSpec, TStatus, TScope> {
  const { group, version, kind, plural = `${kind.toLowerCase()}s`, shortNames, printerColumns } = options;
  const scope: ResourceScope = options.scope ?? 'Namespaced';
  const schema: JsonSchema = {
    type: 'object',
    properties: {
      spec: jsonSchemaOf(options.spec, 'spec', kind),
      status: jsonSchemaOf(options.status, 'status', kind),
    },
    required: ['spec'],
  };
  const crd = buildCustomResourceDefinition({
    group,
    names: { kind, plural, ...(shortNames && { shortNames }) },
    scope,
    versions: [{ name: version, schema, ...(printerColumns && { printerColumns }) }],
  });
  const type = Object.freeze({ apiVersion: `${group}/${version}`, kind });
  const registration = Object.freeze({ ...type, plural, namespaced: scope === 'Namespaced' });
  type TObject = CustomResourceObject<TSpec, TStatus, TScope>;
  return {
    type,
    crd,
    registration,
    handle: (client) => {
      client.registerKind?.(registration);
      return createHandle<TObject>(client, type, scope === 'Namespaced');
    },
    reader: (reader) => createHandle<TObject>(reader, type, scope === 'Namespaced'),
  };
}
