/** A small CustomResourceDefinition for tests, so test files do not each spell out the same thirty lines. */

/** One version of a {@link testCrd}. */
export interface TestCrdVersion {
  /** The version name, e.g. `v1`. */
  readonly name: string;
  /** Its `openAPIV3Schema`. @default the CRD's `schema` */
  readonly schema?: Readonly<Record<string, unknown>>;
}

/** Options of {@link testCrd}. */
export interface TestCrdOptions {
  /** The API group, e.g. `example.dsoi.io`. */
  readonly group: string;
  /** The kind, e.g. `Widget`; the singular name is it lower-cased and the list kind `<kind>List`. */
  readonly kind: string;
  /** The plural resource name. @default the singular name plus `s` */
  readonly plural?: string;
  /** The versions, all served, the last one stored. @default `[{ name: 'v1' }]` */
  readonly versions?: readonly TestCrdVersion[];
  /**
   * The `openAPIV3Schema` of each version that has none of its own.
   * @default `{ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }` (any fields are kept)
   */
  readonly schema?: Readonly<Record<string, unknown>>;
  /** Whether `status` is a subresource (written only through `/status`). @default true */
  readonly statusSubresource?: boolean;
}

/** The defaults of {@link TestCrdOptions}. */
export const testCrdDefaults: Readonly<Required<Pick<TestCrdOptions, 'versions' | 'schema' | 'statusSubresource'>>> =
  Object.freeze({
    versions: Object.freeze([Object.freeze({ name: 'v1' })]),
    schema: Object.freeze({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }),
    statusSubresource: true,
  });

/**
 * A namespaced CustomResourceDefinition named `<plural>.<group>`, for `installCrds` or `startControlPlane({ crds })`:
 * by default one version `v1` that keeps any fields, with a status subresource.
 */
export function testCrd({
  group,
  kind,
  plural,
  versions = testCrdDefaults.versions,
  schema = testCrdDefaults.schema,
  statusSubresource = testCrdDefaults.statusSubresource,
}: TestCrdOptions) {
  const singular = kind.toLowerCase();
  const names = { plural: plural ?? `${singular}s`, singular, kind, listKind: `${kind}List` };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${names.plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names,
      versions: versions.map((version, i) => ({
        name: version.name,
        served: true,
        storage: i === versions.length - 1,
        ...(statusSubresource && { subresources: { status: {} } }),
        schema: { openAPIV3Schema: version.schema ?? schema },
      })),
    },
  };
}
