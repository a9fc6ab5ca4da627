/** Turns a call on a kind (`get v1 ConfigMap pinot/broker`) into an HTTP request: resource mapping, path, query. */

import type { TypeMeta } from '@dsoi/object';
import type { RequestVerb } from '../clientStats.js';
import type { ErrorTarget } from '../kubeApiError.js';
import type { ResourceMapper } from '../resourceMapper.js';
import { type QueryValue, queryString, resourcePath } from './paths.js';
import type { CallOptions, Requester } from './requester.js';

/** Where a call goes, before discovery turns the kind into a resource. */
export interface CallSpec {
  readonly operation: string;
  readonly verb: RequestVerb;
  readonly type: TypeMeta;
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
  readonly subresource?: string | undefined;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly idempotent: boolean;
  /** Create and list address the collection (`name`, if any, only goes into error messages). */
  readonly collection?: boolean;
}

/** Sends a `CallSpec` and resolves with the parsed response body. */
export type Call = (spec: CallSpec, options: CallOptions) => Promise<unknown>;

/** The `Call` of one client: resolves the kind (discovery or registration), checks the namespace, sends. */
export function createCaller(requester: Requester, mapper: ResourceMapper): Call {
  return async (spec, options) => {
    const { type } = spec;
    const mapping = await mapper.resolve(type, spec.operation, options.signal);
    const namespace = mapping.namespaced ? spec.namespace || undefined : undefined;
    if (mapping.namespaced && spec.verb !== 'list' && namespace === undefined) {
      throw new TypeError(
        `${spec.operation} ${type.apiVersion} ${type.kind} ${spec.name ?? ''}: a namespace is required for a namespaced kind`,
      );
    }
    const target: ErrorTarget = { apiVersion: type.apiVersion, kind: type.kind, namespace, name: spec.name };
    const path = resourcePath({
      ...mapping,
      resource: mapping.plural,
      namespace,
      name: spec.collection ? undefined : spec.name,
      subresource: spec.subresource,
    });
    return requester.json(
      {
        method: spec.method,
        path: path + queryString(spec.query ?? {}),
        body: spec.body,
        contentType: spec.contentType,
        idempotent: spec.idempotent,
        operation: spec.operation,
        verb: spec.verb,
        group: mapping.group,
        version: mapping.version,
        resource: mapping.plural,
        subresource: spec.subresource,
        namespace,
        target,
      },
      options,
    );
  };
}
