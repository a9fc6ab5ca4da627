/**
 * The manifests that register webhooks with kube-apiserver, made from the same definitions the server serves (paths,
 * rules, operations, failure policy, side effects, timeouts), so the two cannot drift: a ValidatingWebhookConfiguration,
 * a MutatingWebhookConfiguration and each CRD's `spec.conversion`.
 */
import { stringify } from 'yaml';
import type { AdmissionRule, AdmissionWebhook } from './admissionWebhook.js';
import type { ConversionWebhook } from './conversionWebhook.js';
import { WebhookError } from './errors.js';

/** Where kube-apiserver reaches the webhook server: a base URL (tests, servers outside the cluster) or a Service. */
export type WebhookClientConfig =
  | {
      /** `https://host:port` without a path; each webhook's path is appended. */
      readonly url: string;
    }
  | {
      readonly service: {
        readonly namespace: string;
        readonly name: string;
        /** The Service's port. @default 443 */
        readonly port?: number;
      };
    };

/** Options of {@link webhookConfigurations}. */
export interface WebhookConfigurationsOptions {
  /** `metadata.name` of the Validating- and MutatingWebhookConfiguration, e.g. `pinot-operator`. */
  readonly name: string;
  /** The webhooks, as given to the server. */
  readonly webhooks: readonly (AdmissionWebhook | ConversionWebhook)[];
  /** Where kube-apiserver sends the reviews. */
  readonly clientConfig: WebhookClientConfig;
  /**
   * The PEM CA that signed the serving certificate. @default none: left for cert-manager's CA injector or the chart
   * to fill in
   */
  readonly caBundle?: string;
  /** Labels of both configurations. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** One entry of a configuration's `webhooks` list (admissionregistration.k8s.io/v1). */
export interface WebhookConfigurationEntry {
  readonly name: string;
  readonly admissionReviewVersions: readonly string[];
  readonly clientConfig: Readonly<Record<string, unknown>>;
  readonly rules: readonly (Omit<AdmissionRule, 'scope'> & { readonly scope: string })[];
  readonly failurePolicy: 'Fail' | 'Ignore';
  readonly sideEffects: 'None' | 'NoneOnDryRun';
  readonly timeoutSeconds: number;
  readonly matchPolicy: 'Exact' | 'Equivalent';
  readonly namespaceSelector?: Readonly<Record<string, unknown>>;
  readonly objectSelector?: Readonly<Record<string, unknown>>;
}

/** A ValidatingWebhookConfiguration or MutatingWebhookConfiguration object. */
export interface WebhookConfigurationObject {
  readonly apiVersion: 'admissionregistration.k8s.io/v1';
  readonly kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration';
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
  readonly webhooks: readonly WebhookConfigurationEntry[];
}

/** The `spec.conversion` of one CRD, named by its group and kind. */
export interface CrdConversion {
  readonly group: string;
  readonly kind: string;
  readonly conversion: {
    readonly strategy: 'Webhook';
    readonly webhook: {
      readonly clientConfig: Readonly<Record<string, unknown>>;
      readonly conversionReviewVersions: readonly string[];
    };
  };
}

/** What {@link webhookConfigurations} makes; a configuration is missing when no webhook of its type is given. */
export interface WebhookConfigurations {
  readonly validating?: WebhookConfigurationObject;
  readonly mutating?: WebhookConfigurationObject;
  /** One per conversion webhook. */
  readonly conversions: readonly CrdConversion[];
}

/**
 * Makes the registration manifests of `webhooks`: admission webhooks go into one configuration per type (in the given
 * order), conversion webhooks into their CRD's `spec.conversion`; every review version is `v1`.
 * @throws WebhookError (`InvalidDefinition`) when the URL is not https or has a path, or two webhooks share a name.
 */
export function webhookConfigurations(options: WebhookConfigurationsOptions): WebhookConfigurations {
  const { name, webhooks, clientConfig, caBundle, labels } = options;
  if ('url' in clientConfig) {
    const url = new URL(clientConfig.url);
    if (url.protocol !== 'https:' || (url.pathname !== '/' && url.pathname !== ''))
      throw new WebhookError('InvalidDefinition', `clientConfig.url must be https://host:port without a path`);
  }
  const names = webhooks.filter((w) => w.type !== 'conversion').map((w) => (w as AdmissionWebhook).name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new WebhookError('InvalidDefinition', `webhooks: the name ${JSON.stringify(twice)} is used twice`);
  const client = (path: string) => clientConfigOf(clientConfig, path, caBundle);
  const configuration = (type: 'validating' | 'mutating') => {
    const entries = webhooks
      .filter((w): w is AdmissionWebhook => w.type === type)
      .map((w) => admissionEntry(w, client(w.path)));
    if (entries.length === 0) return undefined;
    const kind = type === 'validating' ? 'ValidatingWebhookConfiguration' : 'MutatingWebhookConfiguration';
    return {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind,
      metadata: { name, ...(labels && { labels }) },
      webhooks: entries,
    } as const satisfies WebhookConfigurationObject;
  };
  const validating = configuration('validating');
  const mutating = configuration('mutating');
  const conversions = webhooks
    .filter((w): w is ConversionWebhook => w.type === 'conversion')
    .map((w) => ({
      group: w.group,
      kind: w.kind,
      conversion: {
        strategy: 'Webhook',
        webhook: { clientConfig: client(w.path), conversionReviewVersions: ['v1'] },
      },
    })) satisfies CrdConversion[];
  return { ...(validating && { validating }), ...(mutating && { mutating }), conversions };
}

function admissionEntry(webhook: AdmissionWebhook, clientConfig: Record<string, unknown>): WebhookConfigurationEntry {
  return {
    name: webhook.name,
    admissionReviewVersions: ['v1'],
    clientConfig,
    rules: webhook.rules.map((rule) => ({
      apiGroups: rule.apiGroups,
      apiVersions: rule.apiVersions,
      operations: rule.operations,
      resources: rule.resources,
      scope: rule.scope ?? '*',
    })),
    failurePolicy: webhook.failurePolicy,
    sideEffects: webhook.sideEffects,
    timeoutSeconds: webhook.timeoutSeconds,
    matchPolicy: webhook.matchPolicy,
    ...(webhook.namespaceSelector && { namespaceSelector: webhook.namespaceSelector }),
    ...(webhook.objectSelector && { objectSelector: webhook.objectSelector }),
  };
}

function clientConfigOf(config: WebhookClientConfig, path: string, caBundle: string | undefined) {
  const ca = caBundle === undefined ? {} : { caBundle: Buffer.from(caBundle).toString('base64') };
  if ('url' in config) return { url: `${config.url.replace(/\/$/, '')}${path}`, ...ca };
  const { namespace, name, port = 443 } = config.service;
  return { service: { namespace, name, port, path }, ...ca };
}

/** Options of {@link webhookConfigurationsYaml}. */
export interface WebhookConfigurationsYamlOptions {
  /** A `#` comment line on top (say how the file was made). @default none */
  readonly header?: string;
}

/**
 * The configurations as one multi-document YAML file (validating, then mutating), as `dsoi generate webhooks` writes
 * it. CRD conversions are not in it: they belong in the CRD (`spec.conversion`).
 */
export function webhookConfigurationsYaml(
  configurations: WebhookConfigurations,
  options: WebhookConfigurationsYamlOptions = {},
): string {
  const documents = [configurations.validating, configurations.mutating].filter((c) => c !== undefined);
  const body = documents.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
  return options.header ? `# ${options.header}\n${body}` : body;
}
