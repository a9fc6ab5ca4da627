/**
 * Where the Pinot controller of a cluster answers, and with which credentials: the URL comes from the cluster's
 * controller Service (its real port, not a hard-coded 9000) unless overridden (running outside the cluster, tests),
 * and the credentials from the Secret named in `spec.auth`. Secret values are never logged or put in errors.
 */
import type { KubeObject, Reader } from '@dsoi/client';
import { isNotFound } from '@dsoi/client';
import type { Pinot } from '../api/pinot.ts';
import { controllerServiceSelector } from '../cluster/pinotLabels.ts';
import type { PinotCredentials } from './pinotHttpClient.ts';

/** A fixed controller URL, or a function of the cluster (`{ namespace, name }` of the Pinot CR). */
export type ControllerUrlOverride =
  | string
  | ((cluster: { readonly namespace: string; readonly name: string }) => string);

/** Why the endpoint of a cluster cannot be used yet. */
export type EndpointProblem = 'ControllerServiceNotFound' | 'AuthSecretNotFound' | 'AuthSecretInvalid';

/** The endpoint of a cluster cannot be resolved; `reason` is the condition reason. */
export class EndpointError extends Error {
  override readonly name = 'EndpointError';
  readonly reason: EndpointProblem;
  constructor(reason: EndpointProblem, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/** A resolved Pinot controller endpoint. */
export interface ControllerEndpoint {
  readonly baseUrl: string;
  readonly credentials?: PinotCredentials;
}

interface ServiceObject extends KubeObject {
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec?: { readonly ports?: readonly { readonly name?: string; readonly port: number }[] };
}

/** Options of {@link createEndpointResolver}. */
export interface EndpointResolverOptions {
  /** Lists Services from the cache (namespace and labels). */
  readonly listServices: (namespace: string, labels: Record<string, string>) => readonly KubeObject[];
  /** Reads Secrets (a direct GET: no cluster-wide Secret watch is needed). */
  readonly reader: Pick<Reader, 'get'>;
  /** Overrides discovery. @default discovery from the controller Service */
  readonly controllerUrl?: ControllerUrlOverride;
}

/** Resolves the endpoint of a Pinot cluster. */
export type EndpointResolver = (pinot: Pinot, signal: AbortSignal) => Promise<ControllerEndpoint>;

function serviceUrl(service: ServiceObject): string {
  const ports = service.spec?.ports ?? [];
  const port = ports.find((p) => p.name === 'controller') ?? ports.find((p) => p.port === 9000) ?? ports[0];
  return `http://${service.metadata.name}.${service.metadata.namespace}.svc:${port?.port ?? 9000}`;
}

function decode(data: Record<string, string> | undefined, key: string): string {
  const value = data?.[key];
  return value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8');
}

/** Creates an {@link EndpointResolver}. */
export function createEndpointResolver(options: EndpointResolverOptions): EndpointResolver {
  const { listServices, reader, controllerUrl } = options;
  return async (pinot, signal) => {
    const { name, namespace } = pinot.metadata;
    let baseUrl: string;
    if (controllerUrl !== undefined) {
      baseUrl = typeof controllerUrl === 'string' ? controllerUrl : controllerUrl({ namespace, name });
    } else {
      const services = [...(listServices(namespace, controllerServiceSelector(name)) as ServiceObject[])].sort((a, b) =>
        a.metadata.name.localeCompare(b.metadata.name),
      );
      if (services.length === 0) {
        throw new EndpointError(
          'ControllerServiceNotFound',
          `no Service with labels custom_resource=${name},nodeType=controller in namespace ${namespace} yet`,
        );
      }
      baseUrl = serviceUrl(services[0]!);
    }
    const auth = pinot.spec.auth;
    if (!auth) return { baseUrl };
    const secretNamespace = auth.secretRef.namespace || namespace;
    let secret: KubeObject & { data?: Record<string, string> };
    try {
      secret = await reader.get(
        { apiVersion: 'v1', kind: 'Secret', namespace: secretNamespace, name: auth.secretRef.name },
        { signal },
      );
    } catch (err) {
      if (isNotFound(err)) {
        throw new EndpointError(
          'AuthSecretNotFound',
          `spec.auth.secretRef: Secret ${secretNamespace}/${auth.secretRef.name} not found`,
        );
      }
      throw err;
    }
    const username = decode(secret.data, 'CONTROL_PLANE_USERNAME');
    const password = decode(secret.data, 'CONTROL_PLANE_PASSWORD');
    if (username === '' && password === '') {
      throw new EndpointError(
        'AuthSecretInvalid',
        `spec.auth.secretRef: Secret ${secretNamespace}/${auth.secretRef.name} has neither CONTROL_PLANE_USERNAME nor CONTROL_PLANE_PASSWORD`,
      );
    }
    return { baseUrl, credentials: { username, password } };
  };
}
