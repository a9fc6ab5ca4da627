/** Builds Services, plain or headless, with validated names, ports and selector. */
import type { V1Service, V1ServicePort, V1ServiceSpec } from '@kubernetes/client-node';
import { BuilderValidationError } from './errors.js';
import { checkInteger, checkPortRef } from './internal/numbers.js';
import { buildObjectMeta } from './internal/objectMeta.js';
import type { Built, Labels, ObjectMetaOptions } from './types.js';
import { validateDns1035Label, validateDns1123Label, validateLabels } from './validation.js';

/** A Service as {@link buildService} and {@link buildHeadlessService} return it. */
export type BuiltService = Built<V1Service, 'v1', 'Service'> & { spec: V1ServiceSpec };

/** Options of {@link buildService} and {@link buildHeadlessService}. The name is a DNS-1035 label. */
export interface ServiceOptions extends ObjectMetaOptions {
  /**
   * The labels of the pods this Service routes to (`spec.selector`). If `spec.selector` is also given, the two must
   * be equal.
   * @default spec.selector, or no selector (endpoints managed by someone else)
   */
  readonly selector?: Readonly<Labels>;
  /**
   * The rest of the Service spec: `type`, `ports`, `sessionAffinity`, ... Every port needs a distinct name when
   * there are several, and a non-headless Service (other than `ExternalName`) needs at least one port.
   * @default {} (a ClusterIP Service, which then needs `ports`)
   */
  readonly spec?: V1ServiceSpec;
}

/**
 * Builds a `v1` Service.
 * @throws BuilderValidationError for an invalid name (DNS-1035: starts with a letter), namespace, labels,
 * selector, a selector that contradicts `spec.selector`, a missing, invalid or unnamed port.
 */
export function buildService(options: ServiceOptions): BuiltService {
  return build(options, 'Service', false);
}

/**
 * Builds a headless `v1` Service (`clusterIP: None`): no virtual IP; DNS returns the pod addresses, and a
 * StatefulSet that names it in `serviceName` gives each pod a stable name `<pod>.<service>`. Ports are optional.
 * Set `spec.publishNotReadyAddresses` when peers must find each other before they are ready.
 * @throws BuilderValidationError as {@link buildService}, and (rule `conflict`) when `spec.clusterIP` is set to
 * something other than `None` or `spec.type` is not `ClusterIP`.
 */
export function buildHeadlessService(options: ServiceOptions): BuiltService {
  return build(options, 'headless Service', true);
}

function build(options: ServiceOptions, what: string, headless: boolean): BuiltService {
  const metadata = buildObjectMeta(options, what, validateDns1035Label);
  const spec = structuredClone(options.spec ?? {});
  if (headless) {
    if (spec.clusterIP !== undefined && spec.clusterIP !== 'None') {
      throw new BuilderValidationError(`${what} spec.clusterIP`, 'conflict', spec.clusterIP, 'must be None or unset');
    }
    if (spec.type !== undefined && spec.type !== 'ClusterIP') {
      throw new BuilderValidationError(`${what} spec.type`, 'conflict', spec.type, 'must be ClusterIP or unset');
    }
    spec.clusterIP = 'None';
  }
  const { ports: givenPorts = [], selector: specSelector, ...rest } = spec;
  const selector = checkSelector(options.selector, specSelector, what);
  const portsRequired = spec.clusterIP !== 'None' && spec.type !== 'ExternalName';
  const ports = checkServicePorts(givenPorts, `${what} spec.ports`, portsRequired);
  const built: V1ServiceSpec = { ...rest, ...(selector && { selector }), ...(ports.length > 0 && { ports }) };
  return { apiVersion: 'v1', kind: 'Service', metadata, spec: built };
}

function checkSelector(
  selector: Readonly<Labels> | undefined,
  specSelector: Readonly<Labels> | undefined,
  what: string,
): Labels | undefined {
  if (selector === undefined) {
    return specSelector === undefined ? undefined : validateLabels(specSelector, `${what} spec.selector`);
  }
  const checked = validateLabels(selector, `${what} selector`);
  const same =
    specSelector === undefined ||
    (Object.keys(specSelector).length === Object.keys(checked).length &&
      Object.entries(specSelector).every(([key, value]) => checked[key] === value));
  if (!same) {
    const detail = `contradicts spec.selector ${JSON.stringify(specSelector)}; give the selector once`;
    throw new BuilderValidationError(`${what} selector`, 'conflict', selector, detail);
  }
  return checked;
}

function checkServicePorts(ports: readonly V1ServicePort[], field: string, required: boolean): V1ServicePort[] {
  if (ports.length === 0 && required) {
    const detail = 'a Service needs at least one port, unless it is headless or of type ExternalName';
    throw new BuilderValidationError(field, 'required', ports, detail);
  }
  const names = new Map<string, string>();
  ports.forEach((port, i) => {
    checkInteger(port.port, `${field}[${i}].port`, 1, 65_535);
    if (port.targetPort !== undefined) checkPortRef(port.targetPort, `${field}[${i}].targetPort`);
    if (port.name === undefined || port.name === '') {
      if (ports.length > 1) {
        const detail = 'every port of a Service with several ports needs a name';
        throw new BuilderValidationError(`${field}[${i}].name`, 'required', port.name, detail);
      }
      return;
    }
    const name = validateDns1123Label(port.name, `${field}[${i}].name`);
    const first = names.get(name);
    if (first !== undefined) {
      throw new BuilderValidationError(
        `${field}[${i}].name`,
        'unique',
        name,
        `the port name is already used by ${first}`,
      );
    }
    names.set(name, `${field}[${i}]`);
  });
  return ports.map((port) => ({ ...port }));
}
