/**
 * `dsoi generate webhooks`: the Validating/MutatingWebhookConfiguration of an operator's webhooks, written by
 * `@dsoi/webhook` from the same definitions its server serves. `@dsoi/webhook` is an optional peer, imported only here
 * and only when the command runs, so an operator without webhooks never loads it.
 */
import type * as WebhookModule from '@dsoi/webhook';

/** What the command needs to know besides the webhooks: where the Service is and what the configurations are called. */
export interface WebhookManifestOptions {
  /** `metadata.name` of both configurations. */
  readonly name: string;
  /** The Service in front of the webhook server. */
  readonly service: { readonly namespace: string; readonly name: string; readonly port?: number };
  /** The `#` comment on top. */
  readonly header: string;
}

/** Why the webhooks could not be read or written; the message names the flag or the item. */
export class WebhookManifestError extends Error {
  override readonly name = 'WebhookManifestError';
}

/** The YAML of the configurations of `value` (an array of webhooks, or an object with `webhooks`, e.g. a server). */
export async function webhookManifestYaml(
  value: unknown,
  what: string,
  options: WebhookManifestOptions,
): Promise<string> {
  let webhook: typeof WebhookModule;
  try {
    webhook = await import('@dsoi/webhook');
  } catch (err) {
    throw new WebhookManifestError('dsoi generate webhooks needs @dsoi/webhook: npm i @dsoi/webhook', { cause: err });
  }
  const list = Array.isArray(value) ? value : (value as { webhooks?: unknown } | undefined)?.webhooks;
  if (!Array.isArray(list)) throw new WebhookManifestError(`${what} is neither a list of webhooks nor has "webhooks"`);
  const bad = list.findIndex(
    (w) => !['validating', 'mutating', 'conversion'].includes((w as { type?: unknown } | null)?.type as string),
  );
  if (bad >= 0) throw new WebhookManifestError(`item ${bad} of ${what} is not a webhook of @dsoi/webhook`);
  const configurations = webhook.webhookConfigurations({
    name: options.name,
    webhooks: list as Parameters<typeof webhook.webhookConfigurations>[0]['webhooks'],
    clientConfig: { service: options.service },
  });
  if (!configurations.validating && !configurations.mutating)
    throw new WebhookManifestError(`${what} holds no admission webhook`);
  return webhook.webhookConfigurationsYaml(configurations, { header: options.header });
}
