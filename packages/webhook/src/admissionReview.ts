/** The wire types of `admission.k8s.io/v1` AdmissionReview and `apiextensions.k8s.io/v1` ConversionReview. */

/** A Kubernetes object as a webhook sees it: any JSON object with the usual header fields. */
export interface WebhookObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly generateName?: string;
    readonly [field: string]: unknown;
  };
  readonly [field: string]: unknown;
}

/** The operations an admission rule matches (`*` is every one). */
export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** The `request` of an AdmissionReview v1, typed by the object it carries. */
export interface AdmissionRequest<TObject extends WebhookObject = WebhookObject> {
  /** Identifies this call; the response repeats it. */
  readonly uid: string;
  readonly kind: { readonly group: string; readonly version: string; readonly kind: string };
  readonly resource: { readonly group: string; readonly version: string; readonly resource: string };
  readonly subResource?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly operation: AdmissionOperation;
  readonly userInfo: { readonly username?: string; readonly uid?: string; readonly groups?: readonly string[] };
  /** The object as it would be stored (absent on DELETE). */
  readonly object?: TObject | null;
  /** The stored object (UPDATE and DELETE). */
  readonly oldObject?: TObject | null;
  /** Whether the request is a dry run: a handler with side effects must not act on it. */
  readonly dryRun?: boolean;
  readonly options?: unknown;
}

/** The `response` of an AdmissionReview v1. */
export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: { readonly code?: number; readonly message?: string; readonly reason?: string };
  /** A base64 JSONPatch (RFC 6902) applied to the object; mutating webhooks only. */
  readonly patch?: string;
  readonly patchType?: 'JSONPatch';
  /** Shown to the client (kubectl prints them); at most 120 characters each is advised. */
  readonly warnings?: readonly string[];
}

/** `admission.k8s.io/v1` AdmissionReview, request and response. */
export interface AdmissionReview<TObject extends WebhookObject = WebhookObject> {
  readonly apiVersion: 'admission.k8s.io/v1';
  readonly kind: 'AdmissionReview';
  readonly request?: AdmissionRequest<TObject>;
  readonly response?: AdmissionResponse;
}

/** `apiextensions.k8s.io/v1` ConversionReview, request and response. */
export interface ConversionReview {
  readonly apiVersion: 'apiextensions.k8s.io/v1';
  readonly kind: 'ConversionReview';
  readonly request?: {
    readonly uid: string;
    /** `group/version` every object is converted to. */
    readonly desiredAPIVersion: string;
    readonly objects: readonly WebhookObject[];
  };
  readonly response?: {
    readonly uid: string;
    readonly convertedObjects: readonly WebhookObject[];
    readonly result: { readonly status: 'Success' | 'Failure'; readonly message?: string };
  };
}
