/**
 * Registers webhooks with the real kube-apiserver for a test: applies Validating- and MutatingWebhookConfigurations,
 * points CRDs' `spec.conversion` at a webhook, and waits until kube-apiserver really calls them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { EnvtestError } from './errors.js';
import { type ApiTarget, apiCall } from './internal/apiRequest.js';
import { targetOf } from './internal/target.js';

/**
 * A ValidatingWebhookConfiguration or MutatingWebhookConfiguration (admissionregistration.k8s.io/v1), applied as
 * given; `webhookConfigurations()` of `@dsoi/webhook` makes them from the served webhooks.
 */
export interface WebhookConfigurationManifest {
  readonly apiVersion?: string;
  readonly kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration';
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
  /** The webhooks, each with its `clientConfig` (a `url` on 127.0.0.1 and the test CA as `caBundle`). */
  readonly webhooks: readonly object[];
}

/** A CRD, named by its group and kind, and the `spec.conversion` to give it (strategy `Webhook`). */
export interface CrdConversionManifest {
  readonly group: string;
  readonly kind: string;
  readonly conversion: Readonly<Record<string, unknown>>;
}

/** Options of {@link installWebhooks}. */
export interface InstallWebhooksOptions {
  /** The configurations to apply (server-side apply, so installing twice is harmless). @default none */
  readonly configurations?: readonly WebhookConfigurationManifest[];
  /** CRDs to convert through a webhook; each CRD must be installed already. @default none */
  readonly conversions?: readonly CrdConversionManifest[];
  /**
   * Resolves true once kube-apiserver calls the webhooks, e.g. a dry-run create that a counting handler saw.
   * kube-apiserver loads configurations asynchronously, so without a probe the first requests may pass unchecked.
   * @default no wait
   */
  readonly probe?: (signal: AbortSignal) => Promise<boolean>;
  /** How long to wait for the probe. @default 30_000 */
  readonly timeoutMs?: number;
  /** How long between two probes. @default 100 */
  readonly probeIntervalMs?: number;
  /** Aborts the wait. */
  readonly signal?: AbortSignal;
}

/** The defaults of {@link InstallWebhooksOptions}. */
export const installWebhooksDefaults = Object.freeze({ timeoutMs: 30_000, probeIntervalMs: 100 });

/** What {@link installWebhooks} registered, and how to take it back. */
export interface InstalledWebhooks {
  /** The CRD names whose conversion now goes to the webhook. */
  readonly crds: readonly string[];
  /** Deletes the configurations and sets the CRDs' conversion back to `None`. */
  uninstall(): Promise<void>;
}

const fieldManager = 'dsoi-envtest-webhooks';

/**
 * Registers the webhooks, then calls `probe` until it resolves true.
 * @throws EnvtestError (`Timeout`) when the probe is still false after `timeoutMs`; (`RequestFailed`) when no CRD
 * has a conversion's group and kind, or kube-apiserver refuses a manifest (its message names the field).
 */
export async function installWebhooks(
  kubeConfig: KubeConfig,
  options: InstallWebhooksOptions,
): Promise<InstalledWebhooks> {
  const {
    configurations = [],
    conversions = [],
    probe,
    timeoutMs = installWebhooksDefaults.timeoutMs,
    probeIntervalMs = installWebhooksDefaults.probeIntervalMs,
    signal,
  } = options;
  const target = targetOf(kubeConfig);
  for (const configuration of configurations) {
    await apiCall(
      target,
      'PATCH',
      `${configurationPath(configuration)}?fieldManager=${fieldManager}&force=true`,
      { apiVersion: 'admissionregistration.k8s.io/v1', ...configuration },
      { contentType: 'application/apply-patch+yaml' },
    );
  }
  const crds: string[] = [];
  for (const { group, kind, conversion } of conversions) {
    const name = await crdNameOf(target, group, kind);
    await patchConversion(target, name, conversion);
    crds.push(name);
  }
  if (probe) await waitForProbe(probe, { timeoutMs, probeIntervalMs, signal });
  return {
    crds,
    async uninstall() {
      for (const configuration of configurations) {
        await apiCall(target, 'DELETE', configurationPath(configuration), undefined, { ok: [200, 202, 404] });
      }
      for (const name of crds) await patchConversion(target, name, { strategy: 'None', webhook: null });
    },
  };
}

function configurationPath(configuration: WebhookConfigurationManifest): string {
  const plural = configuration.kind === 'ValidatingWebhookConfiguration' ? 'validating' : 'mutating';
  return `/apis/admissionregistration.k8s.io/v1/${plural}webhookconfigurations/${configuration.metadata.name}`;
}

async function crdNameOf(target: ApiTarget, group: string, kind: string): Promise<string> {
  const list = await apiCall<{
    items: { metadata: { name: string }; spec: { group: string; names: { kind: string } } }[];
  }>(target, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions');
  const crd = list.items.find((c) => c.spec.group === group && c.spec.names.kind === kind);
  if (!crd)
    throw new EnvtestError('RequestFailed', `conversions: no CRD of kind ${kind} in group ${group} is installed`);
  return crd.metadata.name;
}

async function patchConversion(target: ApiTarget, name: string, conversion: Readonly<Record<string, unknown>>) {
  await apiCall(
    target,
    'PATCH',
    `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}?fieldManager=${fieldManager}`,
    { spec: { conversion } },
    { contentType: 'application/merge-patch+json' },
  );
}

async function waitForProbe(
  probe: (signal: AbortSignal) => Promise<boolean>,
  { timeoutMs, probeIntervalMs, signal }: { timeoutMs: number; probeIntervalMs: number; signal?: AbortSignal },
): Promise<void> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const both = signal ? AbortSignal.any([signal, deadline]) : deadline;
  let lastError: unknown;
  while (!both.aborted) {
    lastError = undefined;
    try {
      if (await probe(both)) return;
    } catch (err) {
      lastError = err; // the webhook may refuse the probe until it is wired; keep polling, report the last failure
    }
    await sleep(probeIntervalMs, undefined, { signal: both }).catch(() => undefined);
  }
  signal?.throwIfAborted();
  const why = lastError instanceof Error ? ` (last probe failed: ${lastError.message})` : '';
  throw new EnvtestError('Timeout', `webhooks not called by kube-apiserver after ${timeoutMs} ms${why}`, {
    cause: lastError,
  });
}
