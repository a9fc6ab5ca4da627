/**
 * The Pinot operator's validating webhooks: they refuse at `kubectl apply` what the CRD schema cannot see, a
 * PinotSchema or PinotTable whose `pinotCluster` does not exist in its namespace, and a PinotTable naming a table that
 * another PinotTable of the same cluster already manages. The reconcile-time ownership check (restOwnership.ts) stays
 * the second gate: the webhook reads a cache that can lag, and is optional.
 */
import type { Reader } from '@dsoi/client';
import { isNotFound } from '@dsoi/client/errors';
import { type AdmissionWebhook, allow, deny, validatingWebhook } from '@dsoi/webhook';
import { pinotGroup, pinotVersion } from '../api/common.ts';
import { type RestKind, schemaKind, tableKind } from '../rest/restKinds.ts';
import { documentName, managerOf } from '../rest/restOwnership.ts';
import type { RestObject } from '../rest/restReconciler.ts';

/** What the webhooks read: the operator's cache, with a live read where a miss would refuse wrongly. */
export interface PinotWebhookReaders {
  /** Whether the Pinot cluster `name` exists in `namespace`. */
  pinotExists(namespace: string, name: string): Promise<boolean>;
  /** The PinotTables of `namespace` (from the cache). */
  listTables(namespace: string): readonly RestObject[];
}

/** The webhooks' names and paths, as the chart and `dsoi generate webhooks` write them. */
export const pinotWebhookPaths = Object.freeze({
  schema: '/validate-datainfra-io-v1beta1-pinotschema',
  table: '/validate-datainfra-io-v1beta1-pinottable',
});

/**
 * The validating webhooks of PinotSchema and PinotTable (CREATE and UPDATE; `failurePolicy: Fail`). `readers` is
 * called on each request, so the webhooks can be defined before the cache they read exists.
 */
export function pinotWebhooks(readers: () => PinotWebhookReaders): AdmissionWebhook[] {
  const webhook = (kind: RestKind, path: string) =>
    validatingWebhook({
      name: `v${kind.type.kind.toLowerCase()}.${pinotGroup}`,
      path,
      rules: [
        {
          apiGroups: [pinotGroup],
          apiVersions: [pinotVersion],
          resources: [`${kind.type.kind.toLowerCase()}s`],
          operations: ['CREATE', 'UPDATE'],
        },
      ],
      timeoutSeconds: 5,
      handler: ({ object, oldObject, operation }) => {
        const cr = object as RestObject | undefined;
        if (!cr || cr.metadata?.deletionTimestamp) return allow();
        const old = operation === 'UPDATE' ? ((oldObject ?? undefined) as RestObject | undefined) : undefined;
        return validate(kind, cr, old, readers());
      },
    });
  return [webhook(schemaKind, pinotWebhookPaths.schema), webhook(tableKind, pinotWebhookPaths.table)];
}

async function validate(kind: RestKind, object: RestObject, old: RestObject | undefined, readers: PinotWebhookReaders) {
  const namespace = object.metadata.namespace ?? '';
  const cluster = object.spec?.pinotCluster;
  // An update that changes neither the cluster nor the document (metadata, finalizers) is never refused, so a CR
  // refused at reconcile time can still be labelled, annotated and deleted.
  const changed =
    !old || old.spec?.pinotCluster !== cluster || old.spec?.[kind.documentField] !== object.spec?.[kind.documentField];
  if (!changed) return allow();
  if (typeof cluster === 'string' && cluster !== '' && !(await readers.pinotExists(namespace, cluster)))
    return deny(`spec.pinotCluster: Pinot "${cluster}" does not exist in namespace "${namespace}"`, {
      code: 422,
      reason: 'Invalid',
    });
  if (kind !== tableKind) return allow();
  const name = documentName(kind, object.spec[kind.documentField]);
  if (name === undefined) return allow(); // the reconciler reports a document without a name
  // A new CR has no creation time yet when admitted: it is the youngest, so an existing CR with the name wins.
  const created = (object.metadata as { creationTimestamp?: string }).creationTimestamp;
  const candidate = created
    ? object
    : { ...object, metadata: { ...object.metadata, creationTimestamp: new Date().toISOString() } };
  const manager = managerOf(kind, candidate, name, readers.listTables(namespace));
  if (!manager) return allow();
  return deny(
    `spec.${kind.documentField}: table "${name}" of Pinot "${cluster}" is managed by PinotTable "${manager.metadata.name}"`,
    { code: 409, reason: 'Conflict' },
  );
}

/** Options of {@link cachedWebhookReaders}. */
export interface CachedWebhookReadersOptions {
  /** The cached Pinot clusters. */
  readonly pinots: { get(name: string, namespace: string): unknown };
  /** The cached PinotTables. */
  readonly tables: { list(options: { namespace: string }): readonly RestObject[] };
  /** The API server, read when the cache has no such Pinot. */
  readonly client: Pick<Reader, 'get'>;
}

/**
 * The operator's readers: the cache, and a live read when the cache has no such Pinot (a Pinot applied just before
 * its tables may not be cached yet; refusing them would be wrong).
 */
export function cachedWebhookReaders({ pinots, tables, client }: CachedWebhookReadersOptions): PinotWebhookReaders {
  return {
    pinotExists: async (namespace, name) =>
      pinots.get(name, namespace) !== undefined ||
      client.get({ apiVersion: `${pinotGroup}/${pinotVersion}`, kind: 'Pinot', namespace, name }).then(
        () => true,
        (err: unknown) => {
          if (isNotFound(err)) return false;
          throw err;
        },
      ),
    listTables: (namespace) => tables.list({ namespace }),
  };
}

/** The webhooks as `dsoi generate webhooks` reads them: their definitions only, the handlers are never called. */
export function pinotWebhookDefinitions(): AdmissionWebhook[] {
  return pinotWebhooks(() => {
    throw new Error('pinotWebhookDefinitions() serve no request: use createPinotOperator({ webhook })');
  });
}
