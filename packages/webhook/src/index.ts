/** @dsoi/webhook: admission (validating, mutating) and CRD conversion webhooks over HTTPS, with certificate reload. */

// Admission webhooks
export type {
  AdmissionOperation,
  AdmissionRequest,
  AdmissionResponse,
  AdmissionReview,
  ConversionReview,
  WebhookObject,
} from './admissionReview.js';
export type {
  AdmissionContext,
  AdmissionHandler,
  AdmissionRule,
  AdmissionVerdict,
  AdmissionWebhook,
  AdmissionWebhookOptions,
  DenyOptions,
} from './admissionWebhook.js';
export {
  admissionWebhookDefaults,
  allow,
  deny,
  mutated,
  mutatingWebhook,
  validatingWebhook,
} from './admissionWebhook.js';
// Serving: HTTPS server, certificate reload, metrics
export type { CertificatePair, CertWatcher, CertWatcherOptions } from './certWatcher.js';
export { certWatcherDefaults, createCertWatcher } from './certWatcher.js';
// Conversion webhooks
export type { ConversionWebhook, ConversionWebhookOptions, SpokeConversion } from './conversionWebhook.js';
export { conversionWebhook } from './conversionWebhook.js';
// Errors
export type { WebhookErrorReason } from './errors.js';
export { CertificateError, ConversionError, isWebhookError, WebhookError } from './errors.js';
// Registration manifests: the webhook configurations and CRD conversions of the served webhooks
export type {
  CrdConversion,
  WebhookClientConfig,
  WebhookConfigurationEntry,
  WebhookConfigurationObject,
  WebhookConfigurations,
  WebhookConfigurationsOptions,
  WebhookConfigurationsYamlOptions,
} from './webhookConfigurations.js';
export { webhookConfigurations, webhookConfigurationsYaml } from './webhookConfigurations.js';
export type { WebhookMetrics } from './webhookMetrics.js';
export { createWebhookMetrics } from './webhookMetrics.js';
export type { WebhookLogger, WebhookServer, WebhookServerOptions } from './webhookServer.js';
export { createWebhookServer, webhookServerDefaults } from './webhookServer.js';
