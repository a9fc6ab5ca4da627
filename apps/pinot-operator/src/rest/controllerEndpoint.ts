/**
 * Where the Pinot controller of a cluster answers, and with which credentials and CA. The URL comes from the cluster
 * itself: the controller Service this operator made for the CR's first controller node (named in its spec, controlled
 * by that CR, its real port), never from whichever Service in the namespace carries the controller labels (another
 * tenant could create one and receive the credentials). Secrets are read from the CR's own namespace unless the
 * operator allows others, are cached, and their values are never logged or put in errors.
 */

import type { Reader } from '@dsoi/client';
import { isNotFound } from '@dsoi/client/errors';
import type { KubeObject } from '@dsoi/object';
import type { Agent, Dispatcher } from 'undici';
import type { Pinot } from '../api/pinot.ts';
import type { PinotCredentials } from './pinotHttpClient.ts';

/** A fixed controller URL, or a function of the cluster (`{ namespace, name }` of the Pinot CR). */
export type ControllerUrlOverride =
  | string
  | ((cluster: { readonly namespace: string; readonly name: string }) => string);

/** Why the endpoint of a cluster cannot be used yet. */
export type EndpointProblem =
  | 'ControllerServiceNotFound'
  | 'AuthSecretNotFound'
  | 'AuthSecretInvalid'
  | 'SecretNamespaceNotAllowed'
  | 'CASecretNotFound'
  | 'CASecretInvalid';

/** The endpoint of a cluster cannot be resolved; `reason` is the condition reason, the message names the field. */
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
  /** For an https controller (`spec.controllerTLS`): an undici Agent trusting the cluster's CA. @default none */
  readonly dispatcher?: Dispatcher;
  /** Drops the cached Secrets of this endpoint (Pinot answered 401: the credentials may have been rotated). */
  readonly credentialsRejected: () => void;
}

interface ServiceObject extends KubeObject {
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly ownerReferences?: readonly { readonly uid: string; readonly controller?: boolean }[];
  };
  readonly spec?: { readonly ports?: readonly { readonly name?: string; readonly port: number }[] };
}

/** Options of {@link createEndpointResolver}. */
export interface EndpointResolverOptions {
  /** A Service by namespace and name, from the cache. */
  readonly getService: (namespace: string, name: string) => KubeObject | undefined;
  /** Reads Secrets (a GET, cached here: no Secret watch, so no Secret of the cluster is held in memory). */
  readonly reader: Pick<Reader, 'get'>;
  /** Overrides discovery. @default the cluster's controller Service */
  readonly controllerUrl?: ControllerUrlOverride;
  /**
   * Namespaces besides the CR's own that `spec.auth.secretRef.namespace` and `spec.controllerTLS.caSecretRef.namespace`
   * may name. @default [] (a CR reads Secrets of its own namespace only)
   */
  readonly secretNamespaces?: readonly string[];
  /** How long a Secret read is reused; a 401 from Pinot drops it sooner. @default 60_000 */
  readonly secretCacheTtlMs?: number;
}

/** The defaults of {@link EndpointResolverOptions}. */
export const endpointResolverDefaults = Object.freeze({ secretCacheTtlMs: 60_000 });

/** Resolves the endpoint of a Pinot cluster. */
export type EndpointResolver = (pinot: Pinot, signal: AbortSignal) => Promise<ControllerEndpoint>;

/** The name of the controller Service of a cluster: `<node>-<k8sConfig>-svc` of its first controller node. */
export function controllerServiceName(pinot: Pinot): string | undefined {
  const node = pinot.spec.nodes.find((n) => n.nodeType === 'controller');
  return node && `${node.name}-${node.k8sConfig}-svc`;
}

function serviceUrl(service: ServiceObject, scheme: string): string {
  const ports = service.spec?.ports ?? [];
  const port = ports.find((p) => p.name === 'controller') ?? ports.find((p) => p.port === 9000) ?? ports[0];
  return `${scheme}://${service.metadata.name}.${service.metadata.namespace}.svc:${port?.port ?? 9000}`;
}

function controllerServiceUrl(pinot: Pinot, getService: EndpointResolverOptions['getService']): string {
  const { name, namespace, uid } = pinot.metadata;
  const serviceName = controllerServiceName(pinot);
  const service = serviceName === undefined ? undefined : (getService(namespace, serviceName) as ServiceObject);
  const ours = service?.metadata.ownerReferences?.some((ref) => ref.controller === true && ref.uid === uid);
  if (service === undefined || !ours) {
    throw new EndpointError(
      'ControllerServiceNotFound',
      serviceName === undefined
        ? 'spec.nodes: no node of nodeType controller, so no controller Service to call'
        : `no Service ${namespace}/${serviceName} controlled by Pinot ${name} yet`,
    );
  }
  return serviceUrl(service, pinot.spec.controllerTLS ? 'https' : 'http');
}

function decode(data: Record<string, string> | undefined, key: string): string {
  const value = data?.[key];
  return value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8');
}

type SecretData = Record<string, string> | undefined;

/** The Secrets a resolver read, reused for `ttlMs`; only Secrets of the CR's namespace or allowed ones are read. */
function createSecretReader(reader: Pick<Reader, 'get'>, secretNamespaces: readonly string[], ttlMs: number) {
  const cache = new Map<string, { readonly data: SecretData; readonly until: number }>();
  /** The data of a Secret the CR may read (own namespace or allowed), from the cache or one GET. */
  const read = async (
    pinot: Pinot,
    field: string,
    ref: { readonly name: string; readonly namespace?: string | undefined },
    notFound: EndpointProblem,
    signal: AbortSignal,
  ): Promise<{ key: string; data: SecretData }> => {
    const namespace = ref.namespace || pinot.metadata.namespace;
    if (namespace !== pinot.metadata.namespace && !secretNamespaces.includes(namespace)) {
      throw new EndpointError(
        'SecretNamespaceNotAllowed',
        `${field}.namespace: Secrets are read from the Pinot's own namespace ${pinot.metadata.namespace}; ${namespace} is not in the operator's --secret-namespaces`,
      );
    }
    const key = `${namespace}/${ref.name}`;
    const cached = cache.get(key);
    if (cached && cached.until > Date.now()) return { key, data: cached.data };
    try {
      const secret = await reader.get<KubeObject & { data?: Record<string, string> }>(
        { apiVersion: 'v1', kind: 'Secret', namespace, name: ref.name },
        { signal },
      );
      cache.set(key, { data: secret.data, until: Date.now() + ttlMs });
      return { key, data: secret.data };
    } catch (err) {
      if (isNotFound(err)) throw new EndpointError(notFound, `${field}: Secret ${key} not found`);
      throw err;
    }
  };
  const forget = (keys: readonly string[]) => {
    for (const key of keys) cache.delete(key);
  };
  return { read, forget };
}

type SecretReader = ReturnType<typeof createSecretReader>;

/** The PEM CA of `spec.controllerTLS`; the Secret's key is added to `used`. */
async function readCa(pinot: Pinot, secrets: SecretReader, used: string[], signal: AbortSignal): Promise<string> {
  const tls = pinot.spec.controllerTLS!;
  const field = 'spec.controllerTLS.caSecretRef';
  const dataKey = tls.caSecretRef.key ?? 'ca.crt';
  const { key, data } = await secrets.read(pinot, field, tls.caSecretRef, 'CASecretNotFound', signal);
  used.push(key);
  const ca = decode(data, dataKey);
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new EndpointError('CASecretInvalid', `${field}: Secret ${key} has no PEM certificate in key ${dataKey}`);
  }
  return ca;
}

/** The basic-auth credentials of `spec.auth`; the Secret's key is added to `used`. */
async function readCredentials(
  pinot: Pinot,
  secrets: SecretReader,
  used: string[],
  signal: AbortSignal,
): Promise<PinotCredentials> {
  const field = 'spec.auth.secretRef';
  const { key, data } = await secrets.read(pinot, field, pinot.spec.auth!.secretRef, 'AuthSecretNotFound', signal);
  used.push(key);
  const username = decode(data, 'CONTROL_PLANE_USERNAME');
  const password = decode(data, 'CONTROL_PLANE_PASSWORD');
  if (username === '' && password === '') {
    throw new EndpointError(
      'AuthSecretInvalid',
      `${field}: Secret ${key} has neither CONTROL_PLANE_USERNAME nor CONTROL_PLANE_PASSWORD`,
    );
  }
  return { username, password };
}

/** Creates an {@link EndpointResolver}. */
export function createEndpointResolver(options: EndpointResolverOptions): EndpointResolver {
  const {
    getService,
    reader,
    controllerUrl,
    secretNamespaces = [],
    secretCacheTtlMs = endpointResolverDefaults.secretCacheTtlMs,
  } = options;
  const secrets = createSecretReader(reader, secretNamespaces, secretCacheTtlMs);
  // One connection pool per CA bundle, not one per reconcile (an Agent keeps its sockets until closed).
  const agents = new Map<string, Agent>();
  // undici is loaded only when a cluster asks for https: importing it adds about 5 MiB of RSS (more once used) that a
  // plain-http operator, the default, would otherwise carry all its life.
  const agentFor = async (ca: string) => {
    let agent = agents.get(ca);
    if (!agent) {
      const { Agent } = await import('undici');
      agent = agents.get(ca) ?? new Agent({ connect: { ca } });
      agents.set(ca, agent);
    }
    return agent;
  };
  const baseUrlOf = (pinot: Pinot) => {
    const { name, namespace } = pinot.metadata;
    if (controllerUrl === undefined) return controllerServiceUrl(pinot, getService);
    return typeof controllerUrl === 'string' ? controllerUrl : controllerUrl({ namespace, name });
  };

  return async (pinot, signal) => {
    const endpoint: { baseUrl: string; credentials?: PinotCredentials; dispatcher?: Dispatcher } = {
      baseUrl: baseUrlOf(pinot),
    };
    const used: string[] = [];
    if (pinot.spec.controllerTLS) endpoint.dispatcher = await agentFor(await readCa(pinot, secrets, used, signal));
    if (pinot.spec.auth) endpoint.credentials = await readCredentials(pinot, secrets, used, signal);
    return { ...endpoint, credentialsRejected: () => secrets.forget(used) };
  };
}
