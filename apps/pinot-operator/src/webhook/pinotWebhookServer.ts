/** The HTTPS server of the Pinot operator's validating webhooks, with the certificate cert-manager (or Helm) mounts. */
import { join } from 'node:path';
import { createWebhookServer, type WebhookServer } from '@dsoi/webhook';
import {
  type CachedWebhookReadersOptions,
  cachedWebhookReaders,
  type PinotWebhookReaders,
  pinotWebhooks,
} from './pinotWebhooks.ts';

/** Options of {@link createPinotWebhookServer} (the operator's `webhook` option and `--webhook-*` flags). */
export interface PinotWebhookServerOptions {
  /** The directory holding `tls.crt` and `tls.key` (`--webhook-cert-dir`). */
  readonly certDir: string;
  /** `--webhook-port`. @default 9443 (controller-runtime's) */
  readonly port?: number;
  /** The bind address. @default '0.0.0.0' (kube-apiserver calls the pod IP) */
  readonly host?: string;
}

/** The defaults of {@link PinotWebhookServerOptions}. */
export const pinotWebhookServerDefaults = Object.freeze({ port: 9443, host: '0.0.0.0' });

/** The webhook server, and where its handlers read from. */
export interface PinotWebhookServer {
  /** The server; a manager runs it as a runnable on every replica. */
  readonly server: WebhookServer;
  /**
   * Gives the handlers the operator's cache (and client). The server is a manager runnable, so it exists before the
   * manager; the cache exists after. Until this is called, every request is denied (code 500), never admitted unchecked.
   */
  serveFrom(options: CachedWebhookReadersOptions): void;
}

/** The server of {@link pinotWebhooks}, with the certificate files of `certDir`. */
export function createPinotWebhookServer(options: PinotWebhookServerOptions): PinotWebhookServer {
  const { certDir, port = pinotWebhookServerDefaults.port, host = pinotWebhookServerDefaults.host } = options;
  let readers: PinotWebhookReaders | undefined;
  const server = createWebhookServer({
    webhooks: pinotWebhooks(() => {
      if (!readers) throw new Error('the operator cache is not wired yet');
      return readers;
    }),
    certFile: join(certDir, 'tls.crt'),
    keyFile: join(certDir, 'tls.key'),
    port,
    host,
  });
  return {
    server,
    serveFrom(cache) {
      readers = cachedWebhookReaders(cache);
    },
  };
}
