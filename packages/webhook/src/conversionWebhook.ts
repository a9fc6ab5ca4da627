/**
 * The CRD conversion webhook (ConversionReview v1) of one kind: every version converts to and from a hub version,
 * so N versions need N-1 pairs of functions instead of one per pair of versions (controller-runtime's Hub/Convertible).
 */
import type { ConversionReview, WebhookObject } from './admissionReview.js';
import { ConversionError, WebhookError } from './errors.js';

/** How one version (a spoke) converts to and from the hub version; both get and return whole objects. */
export interface SpokeConversion {
  /** This version's object → the hub's (its `apiVersion` is set for you). */
  readonly toHub: (object: WebhookObject) => WebhookObject;
  /** The hub's object → this version's (its `apiVersion` is set for you). */
  readonly fromHub: (object: WebhookObject) => WebhookObject;
}

/** Options of {@link conversionWebhook}. */
export interface ConversionWebhookOptions {
  /** The CRD's API group, e.g. `example.dsoi.io`. */
  readonly group: string;
  /** The CRD's kind, e.g. `Widget`. */
  readonly kind: string;
  /** The version every conversion goes through, e.g. `v2` (usually the storage version). */
  readonly hub: string;
  /** Every other served version, by name. */
  readonly spokes: Readonly<Record<string, SpokeConversion>>;
  /** The HTTPS path. @default `/convert-<group with dashes>-<kind in lower case>` */
  readonly path?: string;
}

/** A defined conversion webhook: its CRD, versions and path (for the CRD's `spec.conversion`), and the exchange. */
export interface ConversionWebhook {
  readonly type: 'conversion';
  readonly group: string;
  readonly kind: string;
  readonly hub: string;
  /** The hub first, then the spokes. */
  readonly versions: readonly string[];
  readonly path: string;
  /**
   * Answers one ConversionReview (the parsed request body); a failing conversion answers `Failure` with its message.
   * @throws WebhookError (`InvalidReview`) when `body` is no ConversionReview v1 with `request.uid` and `objects`.
   */
  review(body: unknown): ConversionReview;
  /**
   * Converts one object to `apiVersion` (`group/version`).
   * @throws ConversionError naming the object and the versions when a version is unknown or a function throws.
   */
  convert(object: WebhookObject, apiVersion: string): WebhookObject;
}

/**
 * Defines the conversion webhook of one kind.
 * @throws WebhookError (`InvalidDefinition`) naming the option that is wrong.
 */
export function conversionWebhook(options: ConversionWebhookOptions): ConversionWebhook {
  const { group, kind, hub, spokes } = options;
  const path = options.path ?? `/convert-${group.replaceAll('.', '-')}-${kind.toLowerCase()}`;
  const invalid = (field: string, why: string) =>
    new WebhookError('InvalidDefinition', `conversion webhook of ${kind}.${group}: ${field} ${why}`);
  if (!group || !kind || !hub) throw invalid(!group ? 'group' : !kind ? 'kind' : 'hub', 'is required');
  if (Object.hasOwn(spokes, hub)) throw invalid(`spokes.${hub}`, 'is the hub; the hub needs no conversion');
  for (const [version, spoke] of Object.entries(spokes)) {
    if (typeof spoke?.toHub !== 'function' || typeof spoke.fromHub !== 'function')
      throw invalid(`spokes.${version}`, 'needs toHub and fromHub functions');
  }
  if (!path.startsWith('/')) throw invalid('path', 'must start with "/"');

  function convert(object: WebhookObject, apiVersion: string): WebhookObject {
    const name = `${kind} ${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
    const from = versionOf(object.apiVersion, group);
    const to = versionOf(apiVersion, group);
    const known = (v: string | undefined): v is string => v !== undefined && (v === hub || Object.hasOwn(spokes, v));
    if (!known(from) || !known(to))
      throw new ConversionError(`convert ${name} from ${object.apiVersion} to ${apiVersion}: version not served here`);
    if (from === to) return object;
    try {
      const inHub = from === hub ? object : withHeader(spokes[from]!.toHub(object), object, `${group}/${hub}`);
      const out = to === hub ? inHub : spokes[to]!.fromHub(inHub);
      return withHeader(out, object, apiVersion);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new ConversionError(`convert ${name} from ${from} to ${to}: ${why}`, { cause: err });
    }
  }

  return {
    type: 'conversion',
    group,
    kind,
    hub,
    versions: [hub, ...Object.keys(spokes)],
    path,
    convert,
    review(body) {
      const request = conversionRequestOf(body);
      const base = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview' } as const;
      try {
        const convertedObjects = request.objects.map((o) => convert(o, request.desiredAPIVersion));
        return { ...base, response: { uid: request.uid, convertedObjects, result: { status: 'Success' } } };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return {
          ...base,
          response: { uid: request.uid, convertedObjects: [], result: { status: 'Failure', message } },
        };
      }
    },
  };
}

/** The version of `group/version`, or undefined for another group. */
function versionOf(apiVersion: string | undefined, group: string): string | undefined {
  const [objectGroup, version, ...rest] = (apiVersion ?? '').split('/');
  return objectGroup === group && version && rest.length === 0 ? version : undefined;
}

/** The converted object with the wanted apiVersion, the kind, and the original metadata unless it set its own. */
function withHeader(converted: WebhookObject, original: WebhookObject, apiVersion: string): WebhookObject {
  return { ...converted, apiVersion, kind: original.kind, metadata: converted.metadata ?? original.metadata };
}

function conversionRequestOf(body: unknown): NonNullable<ConversionReview['request']> {
  const review = body as Partial<ConversionReview> | null;
  const invalid = (why: string) => new WebhookError('InvalidReview', `invalid ConversionReview: ${why}`);
  if (typeof review !== 'object' || review === null) throw invalid('the body is not a JSON object');
  if (review.apiVersion !== 'apiextensions.k8s.io/v1' || review.kind !== 'ConversionReview')
    throw invalid('apiVersion/kind must be apiextensions.k8s.io/v1 ConversionReview');
  const request = review.request;
  if (typeof request?.uid !== 'string' || request.uid === '') throw invalid('request.uid is missing');
  if (typeof request.desiredAPIVersion !== 'string') throw invalid('request.desiredAPIVersion is missing');
  if (!Array.isArray(request.objects)) throw invalid('request.objects is missing');
  return request;
}
