/**
 * Validating and mutating admission webhooks: a typed handler, the rules that route requests to it, and the
 * AdmissionReview v1 exchange (allowed or denied with a status message, a JSONPatch for mutations, warnings).
 */
// fast-json-patch is CommonJS without an exports map: Node's ESM loader cannot see its named exports, only the default.
import jsonPatch from 'fast-json-patch';
import type {
  AdmissionOperation,
  AdmissionRequest,
  AdmissionResponse,
  AdmissionReview,
  WebhookObject,
} from './admissionReview.js';
import { WebhookError } from './errors.js';

/** Which requests kube-apiserver sends to a webhook (a `RuleWithOperations` of the webhook configuration). */
export interface AdmissionRule {
  /** e.g. `['datainfra.io']`; `''` is the core group. */
  readonly apiGroups: readonly string[];
  /** e.g. `['v1beta1']` or `['*']`. */
  readonly apiVersions: readonly string[];
  /** Plural resource names, e.g. `['pinottables']`. */
  readonly resources: readonly string[];
  readonly operations: readonly (AdmissionOperation | '*')[];
  /** @default '*' */
  readonly scope?: 'Cluster' | 'Namespaced' | '*';
}

/** What a handler is given besides the request. */
export interface AdmissionContext {
  /** Aborts when kube-apiserver gives up on the call (its `timeoutSeconds`) or the server stops. */
  readonly signal: AbortSignal;
}

/** A handler's answer: allow (optionally with the object changed, mutating webhooks only) or deny. */
export type AdmissionVerdict =
  | { readonly allowed: true; readonly object?: WebhookObject; readonly warnings?: readonly string[] }
  | {
      readonly allowed: false;
      readonly message: string;
      readonly code: number;
      readonly reason: string;
      readonly warnings?: readonly string[];
    };

/** Allows the request, unchanged. */
export function allow(options: { readonly warnings?: readonly string[] } = {}): AdmissionVerdict {
  return { allowed: true, ...(options.warnings && { warnings: options.warnings }) };
}

/** Options of {@link deny}. */
export interface DenyOptions {
  /** The HTTP code kube-apiserver answers the client with. @default 403 */
  readonly code?: number;
  /** The `Status.reason`. @default 'Forbidden' */
  readonly reason?: string;
  readonly warnings?: readonly string[];
}

/** Refuses the request; the client sees `admission webhook "<name>" denied the request: <message>`. */
export function deny(message: string, options: DenyOptions = {}): AdmissionVerdict {
  const { code = 403, reason = 'Forbidden', warnings } = options;
  return { allowed: false, message, code, reason, ...(warnings && { warnings }) };
}

/** Allows the request with `object` as the object to store: the webhook answers with the JSONPatch to it. */
export function mutated(
  object: WebhookObject,
  options: { readonly warnings?: readonly string[] } = {},
): AdmissionVerdict {
  return { allowed: true, object, ...(options.warnings && { warnings: options.warnings }) };
}

/** A handler: the typed request in, a verdict out (a throw denies the request with code 500 and the error message). */
export type AdmissionHandler<TObject extends WebhookObject = WebhookObject> = (
  request: AdmissionRequest<TObject>,
  context: AdmissionContext,
) => AdmissionVerdict | Promise<AdmissionVerdict>;

/** Options of {@link validatingWebhook} and {@link mutatingWebhook}. */
export interface AdmissionWebhookOptions<TObject extends WebhookObject = WebhookObject> {
  /** The webhook's name in its configuration, fully qualified, e.g. `vpinottable.datainfra.io`. */
  readonly name: string;
  /** The HTTPS path it is served at, e.g. `/validate-datainfra-io-v1beta1-pinottable`. */
  readonly path: string;
  readonly rules: readonly AdmissionRule[];
  readonly handler: AdmissionHandler<TObject>;
  /** What kube-apiserver does when the webhook cannot be reached or times out. @default 'Fail' */
  readonly failurePolicy?: 'Fail' | 'Ignore';
  /** How long kube-apiserver waits, 1 to 30. @default 10 */
  readonly timeoutSeconds?: number;
  /** @default 'None' */
  readonly sideEffects?: 'None' | 'NoneOnDryRun';
  /** @default 'Equivalent' */
  readonly matchPolicy?: 'Exact' | 'Equivalent';
  /** A label selector on the object's namespace. @default every namespace */
  readonly namespaceSelector?: Readonly<Record<string, unknown>>;
  /** A label selector on the object. @default every object */
  readonly objectSelector?: Readonly<Record<string, unknown>>;
}

/** A defined admission webhook: its settings (for the configuration) and the AdmissionReview exchange. */
export interface AdmissionWebhook {
  readonly type: 'validating' | 'mutating';
  readonly name: string;
  readonly path: string;
  readonly rules: readonly AdmissionRule[];
  readonly failurePolicy: 'Fail' | 'Ignore';
  readonly timeoutSeconds: number;
  readonly sideEffects: 'None' | 'NoneOnDryRun';
  readonly matchPolicy: 'Exact' | 'Equivalent';
  readonly namespaceSelector?: Readonly<Record<string, unknown>>;
  readonly objectSelector?: Readonly<Record<string, unknown>>;
  /**
   * Answers one AdmissionReview (the parsed request body). A handler's throw becomes a denial with code 500.
   * @throws WebhookError (`InvalidReview`) when `body` is no AdmissionReview v1 with a `request.uid`.
   */
  review(body: unknown, context: AdmissionContext): Promise<AdmissionReview>;
}

/** The defaults of {@link AdmissionWebhookOptions}. */
export const admissionWebhookDefaults = Object.freeze({
  failurePolicy: 'Fail',
  timeoutSeconds: 10,
  sideEffects: 'None',
  matchPolicy: 'Equivalent',
} as const);

/**
 * Defines a validating webhook: its handler allows or denies; an `object` in an allowing verdict is ignored.
 * @throws WebhookError (`InvalidDefinition`) naming the option that is wrong.
 */
export function validatingWebhook<TObject extends WebhookObject = WebhookObject>(
  options: AdmissionWebhookOptions<TObject>,
): AdmissionWebhook {
  return defineAdmission('validating', options);
}

/**
 * Defines a mutating webhook: a handler that returns {@link mutated} has the difference answered as a JSONPatch.
 * @throws WebhookError (`InvalidDefinition`) naming the option that is wrong.
 */
export function mutatingWebhook<TObject extends WebhookObject = WebhookObject>(
  options: AdmissionWebhookOptions<TObject>,
): AdmissionWebhook {
  return defineAdmission('mutating', options);
}

function defineAdmission<TObject extends WebhookObject>(
  type: AdmissionWebhook['type'],
  options: AdmissionWebhookOptions<TObject>,
): AdmissionWebhook {
  const {
    name,
    path,
    rules,
    handler,
    failurePolicy = admissionWebhookDefaults.failurePolicy,
    timeoutSeconds = admissionWebhookDefaults.timeoutSeconds,
    sideEffects = admissionWebhookDefaults.sideEffects,
    matchPolicy = admissionWebhookDefaults.matchPolicy,
    namespaceSelector,
    objectSelector,
  } = options;
  const invalid = (field: string, why: string) =>
    new WebhookError('InvalidDefinition', `${type} webhook ${JSON.stringify(name)}: ${field} ${why}`);
  if (typeof name !== 'string' || name.split('.').length < 3) throw invalid('name', 'must be fully qualified (a.b.c)');
  if (typeof path !== 'string' || !path.startsWith('/')) throw invalid('path', 'must start with "/"');
  if (!Array.isArray(rules) || rules.length === 0) throw invalid('rules', 'must list at least one rule');
  if (typeof handler !== 'function') throw invalid('handler', 'must be a function');
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 30)
    throw invalid('timeoutSeconds', 'must be an integer from 1 to 30');
  return {
    type,
    name,
    path,
    rules,
    failurePolicy,
    timeoutSeconds,
    sideEffects,
    matchPolicy,
    ...(namespaceSelector && { namespaceSelector }),
    ...(objectSelector && { objectSelector }),
    async review(body, context) {
      const request = admissionRequestOf(body);
      const response = await respond(type, name, request as AdmissionRequest<TObject>, handler, context);
      return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
    },
  };
}

async function respond<TObject extends WebhookObject>(
  type: AdmissionWebhook['type'],
  name: string,
  request: AdmissionRequest<TObject>,
  handler: AdmissionHandler<TObject>,
  context: AdmissionContext,
): Promise<AdmissionResponse> {
  const { uid } = request;
  let verdict: AdmissionVerdict;
  try {
    verdict = await handler(request, context);
  } catch (err) {
    // controller-runtime's admission.Errored: a failing handler denies with 500 and says why.
    const message = `webhook ${name} failed: ${err instanceof Error ? err.message : String(err)}`;
    return { uid, allowed: false, status: { code: 500, message, reason: 'InternalError' } };
  }
  const warnings = verdict.warnings && verdict.warnings.length > 0 ? { warnings: verdict.warnings } : {};
  if (!verdict.allowed) {
    return {
      uid,
      allowed: false,
      status: { code: verdict.code, message: verdict.message, reason: verdict.reason },
      ...warnings,
    };
  }
  if (type === 'validating' || verdict.object === undefined || !request.object)
    return { uid, allowed: true, ...warnings };
  const operations = jsonPatch.compare(request.object as object, verdict.object as object);
  if (operations.length === 0) return { uid, allowed: true, ...warnings };
  const patch = Buffer.from(JSON.stringify(operations)).toString('base64');
  return { uid, allowed: true, patchType: 'JSONPatch', patch, ...warnings };
}

/** The `request` of an AdmissionReview v1 body. @throws WebhookError (`InvalidReview`) naming what is missing. */
function admissionRequestOf(body: unknown): AdmissionRequest {
  const review = body as Partial<AdmissionReview> | null;
  if (typeof review !== 'object' || review === null) throw invalidReview('the body is not a JSON object');
  if (review.apiVersion !== 'admission.k8s.io/v1' || review.kind !== 'AdmissionReview')
    throw invalidReview('apiVersion/kind must be admission.k8s.io/v1 AdmissionReview');
  const request = review.request;
  if (typeof request !== 'object' || request === null || typeof request.uid !== 'string' || request.uid === '')
    throw invalidReview('request.uid is missing');
  return request;
}

function invalidReview(why: string): WebhookError {
  return new WebhookError('InvalidReview', `invalid AdmissionReview: ${why}`);
}
