/** Errors of @dsoi/webhook: each names the webhook, file or field at fault. */

/** Why a webhook could not be defined, served or answered. */
export type WebhookErrorReason = 'InvalidDefinition' | 'InvalidReview' | 'Certificate' | 'Conversion';

/** Base class of every error thrown by @dsoi/webhook. */
export class WebhookError extends Error {
  override readonly name: string = 'WebhookError';
  readonly reason: WebhookErrorReason;

  constructor(reason: WebhookErrorReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/** The certificate or key file is missing, unreadable, not PEM, or the key does not match the certificate. */
export class CertificateError extends WebhookError {
  override readonly name = 'CertificateError';
  constructor(message: string, options?: ErrorOptions) {
    super('Certificate', message, options);
  }
}

/**
 * A conversion function failed or has no path between two versions; kube-apiserver gets `result.status: Failure`
 * with this message, and the client's request fails with it.
 */
export class ConversionError extends WebhookError {
  override readonly name = 'ConversionError';
  constructor(message: string, options?: ErrorOptions) {
    super('Conversion', message, options);
  }
}

/** Whether `err` is an error of @dsoi/webhook. */
export function isWebhookError(err: unknown): err is WebhookError {
  return err instanceof WebhookError;
}
