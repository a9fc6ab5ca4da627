/**
 * The Kubernetes quantity syntax on the quantity fields of the embedded core/v1 types. A structural schema turns
 * `Quantity` into a bare `x-kubernetes-int-or-string` (as it does `IntOrString`), so a CRD built from it took
 * `cpu: lots`; the API server then failed the child's apply with an InternalError that names no field ("quantities
 * must match the regular expression ..."), retried for ever. controller-gen puts this pattern on every
 * `resource.Quantity`; `kubernetesSchema()` does too (found by the operators' property-based bad-input tests).
 */

/** controller-gen's pattern of `resource.Quantity` (what `resource.ParseQuantity` accepts). */
export const quantityPattern =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

type SchemaNode = { [key: string]: unknown };

const isNode = (value: unknown): value is SchemaNode =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isIntOrString = (node: unknown): node is SchemaNode =>
  isNode(node) && node['x-kubernetes-int-or-string'] === true;

/**
 * Adds {@link quantityPattern} to the quantity positions of a core/v1 schema, in place: the values of `limits` and
 * `requests` maps (ResourceList, in ResourceRequirements and claim specs), `sizeLimit` (emptyDir) and `divisor`
 * (resourceFieldRef). Every such
 * position in core/v1 is a Quantity; IntOrString fields (ports, probe ports) have other names. Returns `schema`.
 */
export function withQuantityPatterns<TSchema>(schema: TSchema): TSchema {
  const visit = (node: unknown): void => {
    if (!isNode(node)) return;
    const properties = isNode(node.properties) ? node.properties : {};
    for (const [name, property] of Object.entries(properties)) {
      if (!isNode(property)) continue;
      if ((name === 'limits' || name === 'requests') && isIntOrString(property.additionalProperties)) {
        property.additionalProperties.pattern = quantityPattern;
      }
      // `divisor` of a resourceFieldRef (env and downward API volumes) is a Quantity too: controller-gen's CRDs, the
      // Go Parseable operator's among them, carry the pattern there (found by the oracle's CRD comparison).
      if ((name === 'sizeLimit' || name === 'divisor') && isIntOrString(property)) property.pattern = quantityPattern;
      visit(property);
    }
    visit(node.items);
    visit(node.additionalProperties);
  };
  visit(schema);
  return schema;
}
